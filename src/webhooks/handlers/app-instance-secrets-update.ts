// app_instance.secrets-update (and the pre-rename integration_instance.secrets-update): each delivery carries only
// the parts that changed; they are merged into what is stored, and 4me gets its 2xx only once the merge is durable.
import { z } from "zod";
import type { SecretsPatch } from "../../store/types.js";
import { isFourMeAccountUrl } from "../account-urls.js";
import type { HandlerResult, WebhookHandler } from "../types.js";
import { customerAccountOf, isForOffering } from "./payload.js";

const credentials = z.object({
  nodeID: z.string().optional(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});
const policy = z.object({
  nodeID: z.string().optional(),
  algorithm: z
    .string()
    .min(1)
    .transform((a) => a.toUpperCase()),
  public_key: z.string().min(1),
  audience: z.string().nullish(),
  issuer: z.url({ protocol: /^https?$/ }).nullish(),
});
// A part set to null is removed from the store (InstanceStore.mergeSecrets); an absent part is left as it is.
// Inside `secrets`, the store merges field by field, so a delivery with one data-secret field keeps the others.
const partsSchema = z.object({
  application: credentials.nullish(),
  authorization_application: credentials.nullish(),
  policy: policy.nullish(),
  secrets: z.record(z.string(), z.string().nullable()).nullish(),
});
const PARTS = ["application", "authorization_application", "policy", "secrets"] as const;

export const handleSecretsUpdate: WebhookHandler = async (ctx, deps): Promise<HandlerResult> => {
  const payload = ctx.data.payload;
  const reference = deps.config.fourme.offeringReference;
  if (!isForOffering(payload, reference)) return { status: 200, outcome: "ignored: another offering" };
  const account = customerAccountOf(payload);
  if (!account) return { status: 400, outcome: "payload has no valid customer_account_id" };

  const parsed = partsSchema.safeParse(payload);
  if (!parsed.success) {
    const part = String(parsed.error.issues[0]?.path[0] ?? "payload");
    return { status: 400, outcome: `secrets part ${part} is malformed` };
  }
  // The policy's own issuer becomes an accepted `iss` of the customer's tokens: only a 4me account URL of the
  // configured environment may be one (never a host of the sender's choosing, such as http://169.254.169.254).
  const issuer = parsed.data.policy?.issuer;
  if (issuer && !isFourMeAccountUrl(issuer, deps.config.fourme)) {
    return { status: 400, outcome: "secrets part policy has an issuer that is not a 4me account URL" };
  }
  const parts: Record<string, unknown> = {};
  for (const name of PARTS) if (name in payload) parts[name] = parsed.data[name];
  const present = Object.keys(parts);
  if (present.length === 0) return { status: 200, outcome: "ignored: no secret parts" };

  // Secrets first: if that write fails nothing changed, and 4me's retry starts from scratch. The instance record
  // (normally made by app_instance.create, which may come later) is only created when missing, so its flags stay.
  await deps.store.mergeSecrets(account, parts as SecretsPatch);
  if (!(await deps.store.getInstance(account))) {
    await deps.store.upsertInstance({ account, offeringReference: reference, appInstanceId: ctx.data.object_nodeID });
  }
  // New credentials can unblock a sync that failed for want of them: re-read the instance and let it decide.
  await deps.queue.enqueue("refresh-instance", { account, trigger: ctx.data.event }, { singletonKey: account });
  return { status: 200, outcome: `secrets stored (${present.join(", ")})` };
};
