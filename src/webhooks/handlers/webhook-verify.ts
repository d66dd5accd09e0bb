// webhook.verify (4me-platform.md §3.4): 4me activates a new webhook once we GET the callback URL it sends.
// The URL comes from a signed token, yet we still fetch only the issuing account's own 4me/Xurrent URLs: a
// server-side GET to wherever a message says is the classic SSRF.
import { asAppError } from "../../errors.js";
import { recordWebhookVerified } from "../../store/provider-records.js";
import { isUnderAccountUrl } from "../account-urls.js";
import type { HandlerResult, WebhookHandler } from "../types.js";

export const handleWebhookVerify: WebhookHandler = async (ctx, deps): Promise<HandlerResult> => {
  const callback = ctx.data.payload.callback;
  if (typeof callback !== "string" || callback.length > 2048) return { status: 400, outcome: "no callback URL" };
  let url: URL;
  try {
    url = new URL(callback);
  } catch {
    return { status: 400, outcome: "callback is not a URL" };
  }
  if (!isUnderAccountUrl(url, ctx.accountUrls)) {
    return { status: 400, outcome: `callback refused: ${url.protocol}//${url.host} is not the account's own host` };
  }

  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: "GET",
      redirect: "manual", // a redirect could lead anywhere; 4me answers the callback itself
      signal: AbortSignal.timeout(deps.verifyCallbackTimeoutMs),
    });
  } catch (err) {
    const reason = (err as Error).name === "TimeoutError" ? "timed out" : "failed";
    return { status: 502, outcome: `callback GET ${reason}` };
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    return { status: 502, outcome: `callback GET answered ${response.status}` };
  }
  // offering:publish reports which provider webhooks are verified: 4me's API does not say (store/provider-records).
  const webhookId = ctx.data.webhook_nodeID;
  if (ctx.source === "provider" && typeof webhookId === "string" && webhookId !== "") {
    try {
      await recordWebhookVerified(deps.store, webhookId, deps.now());
    } catch (err) {
      ctx.logger.warn({ err: asAppError(err).message }, "webhook verified, but the record of it was not stored");
    }
  }
  return { status: 200, outcome: "webhook verified" };
};
