// The receiver's pipeline, independent of HTTP: token → policy → verify → replay guard → route → handler.
// Nothing is written before the token is verified, and a delivery whose handling failed leaves no replay record,
// so the only state a request can leave behind is that of a handler that succeeded.
import { asAppError, VerificationError } from "../errors.js";
import { accountUrls, isAccountId, isFourMeAccountUrl } from "./account-urls.js";
import { decoyKeyFor, decoyKeys } from "./decoy-key.js";
import { ReplayGuard } from "./replay-guard.js";
import { routeWebhook } from "./router.js";
import { precheckToken, verifyWebhookJwt, type JwtPolicy } from "./verify-jwt.js";
import type { HandlerDeps, VerifiedWebhook, WebhookSource } from "./types.js";

export interface IncomingWebhook {
  source: WebhookSource;
  /** For the customer endpoint: the `account` query parameter, as received. */
  account?: unknown;
  /** The parsed JSON body. */
  body: unknown;
  deliveryId?: string;
}

export interface ReceiveOutcome {
  status: number;
  /** Short reason, returned to the caller and logged. Never contains the token or secrets. */
  outcome: string;
  /** Internal detail for the log only (a store error message, say). */
  detail?: string;
  /** What the caller is told instead of `outcome`, when the reason must stay in the log. */
  answer?: string;
  event?: string;
  account?: string;
}

export type WebhookReceiver = (incoming: IncomingWebhook) => Promise<ReceiveOutcome>;

/**
 * The customer endpoint's one answer to every token it does not accept, whether or not the account is a customer:
 * the reason goes to the log only, so the endpoint cannot be used to find out which accounts use the connector.
 */
export const CUSTOMER_REFUSAL = "webhook not authenticated";

/** A policy to verify against only to spend the time a real one takes; the token is then refused for `refusal`. */
type Policy = JwtPolicy & { refusal?: string };

export function createWebhookReceiver(deps: HandlerDeps): WebhookReceiver {
  const webhook = deps.config.fourme.webhook;
  const replay = new ReplayGuard(deps.store, { clockToleranceSeconds: webhook.clockToleranceSeconds });
  // Made off the event loop now, not on the first unknown account's request (a failure shows there, as a 500).
  decoyKeys().catch(() => undefined);

  /** The key, algorithms and issuers a token on this endpoint must satisfy; or the reason there are none. */
  async function policyFor(source: WebhookSource, account: string, token: string): Promise<Policy | ReceiveOutcome> {
    const base = { clockToleranceSeconds: webhook.clockToleranceSeconds };
    if (source === "provider") {
      const issuers = accountUrls(deps.config.fourme, account);
      if (webhook.publicKeyPem) {
        const { publicKeyPem, algorithms, audience } = webhook;
        return { ...base, publicKeyPem, algorithms, issuers, audience };
      }
      // No key configured: the one offering:publish recorded, with the one algorithm of its policy.
      let recorded;
      try {
        recorded = await deps.recordedKey?.();
      } catch (err) {
        return { status: 500, outcome: "store unavailable", detail: asAppError(err).message };
      }
      if (!recorded) return { status: 401, outcome: "no provider webhook public key configured or recorded" };
      const algorithm = recorded.algorithm.toUpperCase();
      if (!webhook.algorithms.includes(algorithm)) {
        return { status: 401, outcome: `policy algorithm ${algorithm.slice(0, 10)} not allowed` };
      }
      return {
        ...base,
        publicKeyPem: recorded.publicKeyPem,
        algorithms: [algorithm],
        issuers,
        audience: webhook.audience,
      };
    }
    let policy;
    try {
      policy = (await deps.store.getSecrets(account)).policy;
    } catch (err) {
      return { status: 500, outcome: "store unavailable", detail: asAppError(err).message };
    }
    if (!policy?.public_key) {
      return {
        ...base,
        publicKeyPem: await decoyKeyFor(token),
        algorithms: webhook.algorithms,
        issuers: accountUrls(deps.config.fourme, account),
        refusal: "no webhook policy stored for this account",
      };
    }
    // The customer policy pins one algorithm; it must also be one configuration allows.
    const algorithm = policy.algorithm.toUpperCase();
    if (!webhook.algorithms.includes(algorithm)) {
      return { status: 401, outcome: `policy algorithm ${algorithm.slice(0, 10)} not allowed` };
    }
    return {
      ...base,
      publicKeyPem: policy.public_key,
      algorithms: [algorithm],
      // A policy stored before issuers were checked may name any host: its issuer counts only on the 4me family.
      issuers: accountUrls(
        deps.config.fourme,
        account,
        policy.issuer && isFourMeAccountUrl(policy.issuer, deps.config.fourme) ? [policy.issuer] : [],
      ),
      audience: policy.audience ?? undefined,
    };
  }

  return async function receive(incoming: IncomingWebhook): Promise<ReceiveOutcome> {
    const token = (incoming.body as { jwt?: unknown } | null)?.jwt;
    if (typeof token !== "string" || token === "") return { status: 400, outcome: "body has no jwt" };

    let account: string;
    if (incoming.source === "provider") account = deps.config.fourme.providerAccount;
    else if (isAccountId(incoming.account)) account = incoming.account;
    else return { status: 400, outcome: "account parameter missing or invalid" };

    // On the customer endpoint every refusal after the account is known reads the same (the log keeps why).
    const refused = (outcome: ReceiveOutcome): ReceiveOutcome =>
      incoming.source === "customer" && outcome.status >= 400 && outcome.status < 500
        ? { ...outcome, status: 401, answer: CUSTOMER_REFUSAL }
        : outcome;

    let verified: VerifiedWebhook;
    let policy: Policy | ReceiveOutcome | undefined;
    try {
      precheckToken(token);
    } catch (err) {
      if (err instanceof VerificationError) return { status: err.status, outcome: err.message, account };
      throw err;
    }
    try {
      policy = await policyFor(incoming.source, account, token);
      if ("status" in policy) return refused({ ...policy, account });
      verified = await verifyWebhookJwt(token, policy, deps.now());
    } catch (err) {
      if (err instanceof VerificationError) {
        const reason = policy && "refusal" in policy && policy.refusal ? policy.refusal : err.message;
        return refused({ status: err.status, outcome: reason, account });
      }
      throw err;
    }
    if (policy.refusal) return refused({ status: 401, outcome: policy.refusal, account });
    const data = verified.data;
    const event = data.event.slice(0, 100);
    if (data.account_id !== account) {
      return refused({ status: 401, outcome: "token is for another account", event, account });
    }

    let claim;
    try {
      claim = await replay.claim(account, verified, incoming.deliveryId, deps.now());
    } catch (err) {
      return { status: 500, outcome: "store unavailable", detail: asAppError(err).message, event, account };
    }
    if (claim === "duplicate") return { status: 200, outcome: "duplicate: already received", event, account };

    const handler = routeWebhook(incoming.source, data.event);
    if (!handler) return { status: 200, outcome: `ignored: event not handled here`, event, account };

    const logger = deps.logger.child({ webhook: { event, account, delivery: incoming.deliveryId } });
    try {
      const result = await handler(
        {
          source: incoming.source,
          account,
          // The account's own URLs only, whatever issuers the policy adds: where webhook.verify may call.
          accountUrls: accountUrls(deps.config.fourme, account),
          data,
          deliveryId: incoming.deliveryId,
          logger,
        },
        deps,
      );
      if (result.status >= 300) await claim.release();
      return { status: result.status, outcome: result.outcome, event, account };
    } catch (err) {
      await claim.release().catch(() => undefined);
      return { status: 500, outcome: "handling failed", detail: asAppError(err).message, event, account };
    }
  };
}
