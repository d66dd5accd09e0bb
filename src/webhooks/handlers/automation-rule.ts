// automation_rule: a webhook that one of the offering's automation rules sent from the customer account (verified
// with that customer's policy key). For now every such webhook asks for a sync of that account; when the offering
// ships rules with different purposes, the rule's payload will select the job here.
import type { HandlerResult, WebhookHandler } from "../types.js";
import { isRunnable } from "./payload.js";

export const handleAutomationRule: WebhookHandler = async (ctx, deps): Promise<HandlerResult> => {
  const instance = await deps.store.getInstance(ctx.account);
  if (!instance) return { status: 200, outcome: "ignored: no app instance for this account" };
  if (!isRunnable(instance)) return { status: 200, outcome: "ignored: app instance not runnable" };
  await deps.queue.enqueue("sync", { account: ctx.account, trigger: "automation_rule" }, { singletonKey: ctx.account });
  return { status: 200, outcome: "sync queued" };
};
