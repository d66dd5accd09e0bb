// automation_rule: a webhook that one of the offering's automation rules sent from the customer account (verified
// with that customer's policy key). For now every such webhook asks for a sync of that account; when the offering
// ships rules with different purposes, the rule's payload will select the job here.
import type { HandlerResult, WebhookHandler } from "../types.js";
import { isRunnable } from "./payload.js";

/**
 * A customer's rule can fire on every record change, so an account starts at most one sync per this window;
 * the rest are acknowledged (4me must not retry them) as coalesced. The window is remembered in the store, so
 * replicas share it.
 */
export const AUTOMATION_SYNC_WINDOW_MS = 60_000;
export const AUTOMATION_SYNC_SCOPE = "automation-rule-sync";

export const handleAutomationRule: WebhookHandler = async (ctx, deps): Promise<HandlerResult> => {
  const instance = await deps.store.getInstance(ctx.account);
  if (!instance) return { status: 200, outcome: "ignored: no app instance for this account" };
  if (!isRunnable(instance)) return { status: 200, outcome: "ignored: app instance not runnable" };
  const until = new Date(deps.now().getTime() + AUTOMATION_SYNC_WINDOW_MS);
  if (!(await deps.store.rememberOnce(AUTOMATION_SYNC_SCOPE, ctx.account, until))) {
    return { status: 200, outcome: "coalesced: a sync was started for this account within the last minute" };
  }
  try {
    await deps.queue.enqueue(
      "sync",
      { account: ctx.account, trigger: "automation_rule" },
      { singletonKey: ctx.account },
    );
  } catch (err) {
    // Nothing was queued: 4me's retry of this delivery must not find the window taken.
    await deps.store.forgetOnce(AUTOMATION_SYNC_SCOPE, ctx.account).catch(() => undefined);
    throw err;
  }
  return { status: 200, outcome: "sync queued" };
};
