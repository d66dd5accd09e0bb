// app_instance.create / app_instance.update: the flags in the payload are recorded at once (so a disabled or
// suspended instance stops syncing before 4me gets its answer); the custom fields are read off the request, by the
// refresh-instance job, because reading them is a GraphQL call and 4me may not show the new values yet.
// An update the connector's own provider person made (its run summary, tenant status) is only recorded: 4me echoes
// every appInstanceUpdate, and refreshing on our own writes would make each sync the cause of the next.
import type { HandlerResult, WebhookHandler } from "../types.js";
import { customerAccountOf, instanceFlagsOf, isForOffering, isRunnable } from "./payload.js";

export const handleInstanceUpdate: WebhookHandler = async (ctx, deps): Promise<HandlerResult> => {
  const payload = ctx.data.payload;
  const reference = deps.config.fourme.offeringReference;
  if (!isForOffering(payload, reference)) return { status: 200, outcome: "ignored: another offering" };
  const account = customerAccountOf(payload);
  if (!account) return { status: 400, outcome: "payload has no valid customer_account_id" };

  const record = await deps.store.upsertInstance({
    account,
    offeringReference: reference,
    appInstanceId: ctx.data.object_nodeID,
    ...instanceFlagsOf(payload),
  });
  if (await deps.ownPerson?.madeThis(ctx.data)) {
    return { status: 200, outcome: "instance recorded; the connector's own change, nothing to refresh" };
  }
  await deps.queue.enqueue("refresh-instance", { account, trigger: ctx.data.event }, { singletonKey: account });
  return {
    status: 200,
    outcome: isRunnable(record) ? "instance recorded; refresh queued" : "instance recorded as not runnable",
  };
};
