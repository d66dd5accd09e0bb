// What every resolver receives: the store, the account named by the account header, and the caller's identity.
import type { PolicyKeys } from "../webhooks/keys.js";
import type { AppInstanceRec, WebhookRec } from "../store/records.js";
import type { FourMeStore } from "../store/store.js";

export interface SimSettings {
  /** How long a discoveredConfigurationItems result stays `{}` before it can be read. */
  discoveryDelayMs: number;
  /** Base URL of the simulator, for result URLs. Set once it listens. */
  baseUrl: string;
  /** `<baseUrl>/{account}`: account URLs (webhook issuer, webhook.verify callbacks, Account.url). */
  accountUrlTemplate: string;
}

/** Side effects of mutations that reach outside the store. */
export interface SimHooks {
  /** A webhook was created or its URI changed: 4me sends it a webhook.verify delivery. */
  webhookNeedsVerification(webhook: WebhookRec): void;
  newPolicyKeys(jwtAlg: string): Promise<PolicyKeys>;
  /**
   * An appInstanceUpdate changed an app instance: 4me sends app_instance.update to the provider's webhooks, naming
   * the person who made the change (the caller's OAuth person: the provider's own API person included).
   */
  appInstanceUpdated(instance: AppInstanceRec, personId: string | undefined): void;
}

export interface GqlContext {
  store: FourMeStore;
  settings: SimSettings;
  hooks: SimHooks;
  /** The account the account header selected, checked against the token. */
  account: string;
  /** The OAuth application's person: `me`, and the author of notes. */
  personId?: string;
  /** This request's view of the token's budget, for the `rateLimit` query. */
  rateLimit?: { cost: number; limit: number; remaining: number; resetAt: number };
}
