// Shapes shared by the webhook receiver's modules: the verified envelope, what handlers receive and return, and the
// narrow view of the provider API the handlers need (so tests pass a fake instead of a GraphQL client).
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { InstanceStore } from "../store/types.js";
import type { JobQueue } from "../jobs/types.js";
import type { CustomFieldValue } from "../app-instance/settings.js";
import type { OwnPerson } from "./own-person.js";
import type { RecordedPolicyKey } from "../store/provider-records.js";

/** Which endpoint a webhook came in on, and so which key verified it. */
export type WebhookSource = "provider" | "customer";

/** The `data` claim of a 4me webhook JWT (4me-platform.md §3.2). Only `event`, `account_id`, `payload` are sure. */
export interface WebhookEnvelope {
  event: string;
  account_id: string;
  /** Account URL of the account that owns the webhook, e.g. https://wdc.4me.com. */
  account?: string;
  name?: string;
  webhook_id?: number | string;
  webhook_nodeID?: string;
  object_id?: number | string;
  object_nodeID?: string;
  person_id?: number | string;
  person_nodeID?: string;
  person_name?: string;
  custom_url?: string;
  instance_name?: string;
  payload: Record<string, unknown>;
}

/** A token that passed signature, algorithm, issuer, audience and time checks. */
export interface VerifiedWebhook {
  data: WebhookEnvelope;
  /** Unique token id; the replay guard remembers it. */
  jti: string;
  /** The `iss` claim, one of the accepted issuers. */
  issuer: string;
  algorithm: string;
  /** Epoch seconds. */
  issuedAt: number;
  /** Epoch seconds, when the policy sets "claim expires in". */
  expiresAt?: number;
}

/** The app instance as the provider account sees it (4me-platform.md §4.6). */
export interface AppInstanceInfo {
  /** Node id of the AppInstance record. */
  id: string;
  customerAccount: string;
  disabled: boolean;
  suspended: boolean;
  enabledByCustomer: boolean;
  customFields: CustomFieldValue[];
}

/** What the handlers need of the provider GraphQL client (src/fourme/provider-api.ts implements it). */
export interface AppInstanceReader {
  /** The offering's instance in that customer account; undefined when 4me does not (yet) show one. */
  getAppInstance(customerAccount: string): Promise<AppInstanceInfo | undefined>;
}

export interface HandlerDeps {
  config: Config;
  store: InstanceStore;
  queue: JobQueue;
  logger: Logger;
  /** Used for the webhook.verify callback GET only. */
  fetch: typeof fetch;
  now: () => Date;
  /** How long the webhook.verify callback GET may take. */
  verifyCallbackTimeoutMs: number;
  /** Recognises the connector's own changes to an app instance; without it every change is the customer's. */
  ownPerson?: OwnPerson;
  /**
   * The provider policy key offering:publish recorded in the store (store/provider-records.ts), used when
   * FOURME_WEBHOOK_PUBLIC_KEY is not set: the server can then run before the first publish.
   */
  recordedKey?: () => Promise<RecordedPolicyKey | undefined>;
}

/** One verified delivery, as a handler sees it. Handlers never see req/res. */
export interface WebhookContext {
  source: WebhookSource;
  /** The account the token was verified for: the provider account, or the customer account of the route. */
  account: string;
  /** The account's own URLs (both brands): the only hosts webhook.verify may call. A policy's issuer is not one. */
  accountUrls: string[];
  data: WebhookEnvelope;
  deliveryId?: string;
  logger: Logger;
}

/**
 * A handler's answer. 2xx: handled (or deliberately ignored). 4xx: refused, nothing changed. 5xx: failed after
 * verification; 4me retries. A thrown error becomes 500.
 */
export interface HandlerResult {
  status: 200 | 400 | 502;
  /** Short reason, logged and returned to 4me (shown under Webhook Deliveries). Never a secret. */
  outcome: string;
}

export type WebhookHandler = (ctx: WebhookContext, deps: HandlerDeps) => Promise<HandlerResult>;
