// app_instance.delete: the customer removed the app. Its record, secrets, tenants and alert ledger go; the device
// ledger stays for a reinstall (InstanceStore.deleteInstance). Jobs still queued find no instance and do nothing.
import type { HandlerResult, WebhookHandler } from "../types.js";
import { customerAccountOf, isForOffering } from "./payload.js";

export const handleInstanceDelete: WebhookHandler = async (ctx, deps): Promise<HandlerResult> => {
  const payload = ctx.data.payload;
  if (!isForOffering(payload, deps.config.fourme.offeringReference)) {
    return { status: 200, outcome: "ignored: another offering" };
  }
  const account = customerAccountOf(payload);
  if (!account) return { status: 400, outcome: "payload has no valid customer_account_id" };
  await deps.store.deleteInstance(account);
  return { status: 200, outcome: "instance and secrets deleted" };
};
