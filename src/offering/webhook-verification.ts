// After offering:publish wrote the provider webhooks: which ones 4me will deliver to. 4me sends webhook.verify when a
// webhook is created (or its URI changes) and keeps the webhook inactive until our server GETs the callback; it
// retries only a few times. When an unverified webhook is updated, 4me sends a new webhook.verify with a fresh code
// (developer.xurrent.com/v1/webhooks, "Verification"). 4me's API does not show whether a webhook is verified, so the
// server records each verification it completes (store/provider-records.ts) and this step reads that record.
import type { Webhook, WebhookInput } from "../fourme/index.js";

export interface WebhookVerification {
  event: string;
  webhookId: string;
  verified: boolean;
  /** This run asked 4me to send webhook.verify again (an update of the unverified webhook). */
  resent: boolean;
}

export interface VerificationDeps {
  /** Node ids of the provider webhooks the server has verified. */
  verifiedWebhooks(): Promise<Map<string, string>>;
  /** How long to wait for the server to complete verifications 4me just sent. Default 15 s. */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WrittenWebhook {
  event: string;
  webhook: Webhook;
  input: WebhookInput;
  /** Created or updated in this run: 4me sends an unverified one webhook.verify by itself. */
  written: boolean;
}

type Rewrite = (input: WebhookInput, known: Webhook[], rewrite: boolean) => Promise<unknown>;

/** Re-sends verification where 4me will not by itself, waits for the server, and says where each webhook stands. */
export async function settleVerification(
  webhooks: WrittenWebhook[],
  rewrite: Rewrite,
  deps: VerificationDeps,
): Promise<WebhookVerification[]> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const first = await deps.verifiedWebhooks();
  const resent = new Set<string>();
  for (const w of webhooks) {
    if (first.has(w.webhook.id) || w.written) continue;
    await rewrite(w.input, [w.webhook], true);
    resent.add(w.webhook.id);
  }
  let verified = first;
  const pending = () => webhooks.filter((w) => !verified.has(w.webhook.id));
  for (let waited = 0, step = 250; pending().length > 0 && waited < (deps.waitMs ?? 15_000); waited += step) {
    await sleep(step);
    verified = await deps.verifiedWebhooks();
  }
  return webhooks.map((w) => ({
    event: w.event,
    webhookId: w.webhook.id,
    verified: verified.has(w.webhook.id),
    resent: resent.has(w.webhook.id),
  }));
}
