// The simulated 4me (issue 4). Start it with startFourMeSimulator(); point the connector at `graphqlUrl`,
// `oauthTokenUrl`, `accountUrlTemplate` and `webhookPublicKeyPem`; play the customer with installApp()/saveForm();
// read back what the connector wrote with `inspect`.
import type { Clock } from "./clock.js";
import type { FaultSettings } from "./http/faults.js";
import type { RateLimitSettings } from "./http/rate-limit.js";
import type { RequestStats } from "./http/stats.js";
import type { Inspector } from "./inspection.js";
import type { InstallOptions, Installation } from "./lifecycle.js";
import type { ClientCredentials } from "./oauth.js";
import { connectProviderWebhooks } from "./provider.js";
import { seedAccount, type FourMeSeed, type SeedResult } from "./seed.js";
import { startRuntime, type FourMeSimulatorOptions } from "./simulator.js";
import type { FourMeStore } from "./store/store.js";
import type { Delivery } from "./webhooks/sender.js";

export type { FourMeSimulatorOptions } from "./simulator.js";
export type { FourMeSeed, FourMeSeedCi, FourMeSeedPerson, FourMeSeedProduct, SeedResult } from "./seed.js";
export type { Delivery } from "./webhooks/sender.js";
export type { Installation, InstallOptions } from "./lifecycle.js";
export type { FaultSettings } from "./http/faults.js";
export type { RateLimitSettings } from "./http/rate-limit.js";
export type { RequestStats } from "./http/stats.js";
export type { ClientCredentials } from "./oauth.js";
export { ManualClock, systemClock, type Clock } from "./clock.js";
export { encodeNodeId, decodeNodeId } from "./ids.js";
export { Msg as ValidationMessages } from "./validation.js";

export interface FourMeSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** FOURME_GRAPHQL_URL */
  graphqlUrl: string;
  /** FOURME_OAUTH_URL */
  oauthTokenUrl: string;
  /** FOURME_ACCOUNT_URL_TEMPLATE: `<url>/{account}` (webhook issuer and webhook.verify callback host). */
  accountUrlTemplate: string;
  domain: string;
  /** FOURME_PROVIDER_ACCOUNT / _CLIENT_ID / _CLIENT_SECRET */
  provider: { account: string; clientId: string; clientSecret: string };
  /** FOURME_OFFERING_REFERENCE */
  offeringReference: string;
  /** FOURME_WEBHOOK_PUBLIC_KEY: the provider webhook policy's public key (PEM). */
  webhookPublicKeyPem: string;
  /** JWT `alg` of provider webhooks, e.g. ES512. */
  webhookAlgorithm: string;
  /** FOURME_WEBHOOK_AUDIENCE, when the policy has one. */
  webhookAudience?: string;
  /** The in-memory account store (every record of every account). */
  accounts: FourMeStore;
  clock: Clock;
  inspect: Inspector;

  seedAccount(account: string, seed: FourMeSeed): SeedResult;
  /** People of `directory` become visible from `account` with `view: all` (4me's directory account). */
  setDirectoryAccount(account: string, directory: string): void;
  /** A further client-credentials application in `account` (e.g. a second token for tests). */
  createOAuthClient(account: string, name?: string): ClientCredentials;
  /** Points the provider's app_instance.* webhooks at the connector (`…/webhooks/4me`). */
  setConnectorWebhookUrl(url: string): void;

  installApp(
    customerAccount: string,
    opts?: InstallOptions,
  ): Promise<{ installation: Installation; deliveries: Delivery[] }>;
  saveForm(
    customerAccount: string,
    customFields: { id: string; value: unknown }[],
    opts?: { secrets?: Record<string, string> },
  ): Promise<Delivery[]>;
  /** The customer rotates the app's OAuth secret; secrets-update then carries only `application`. */
  rotateClientSecret(customerAccount: string): Promise<Delivery[]>;
  setInstanceState(
    customerAccount: string,
    state: { disabled?: boolean; suspended?: boolean; enabledByCustomer?: boolean; suspensionComment?: string },
  ): Promise<Delivery[]>;
  uninstall(customerAccount: string): Promise<Delivery[]>;
  installation(customerAccount: string): Installation | undefined;
  /** Any event to the provider webhooks subscribed to it. */
  sendWebhook(event: string, payload: Record<string, unknown>): Promise<Delivery[]>;
  sendAutomationRuleWebhook(customerAccount: string, payload: Record<string, unknown>): Promise<Delivery>;
  /** Sends webhook.verify to the provider webhook for `event`; `verified` says whether the callback was called. */
  verifyWebhook(event?: string): Promise<{ delivery: Delivery; verified: boolean }>;
  redeliver(deliveryId: string): Promise<Delivery>;
  deliveries(): Delivery[];
  verifyCallbacks(): { webhookId: string; at: string; ok: boolean }[];

  stats(): RequestStats;
  resetStats(): void;
  setFaults(patch: Partial<FaultSettings>): FaultSettings;
  setRateLimits(patch: Partial<RateLimitSettings>): RateLimitSettings;
  setDiscoveryDelay(ms: number): void;
  setTokenTtl(seconds: number): void;
  /** Every issued token expires now. */
  expireTokens(): void;
  /** Disables an OAuth application: `invalid_client`, and its tokens get 401 (as when 4me disables the app). */
  disableOAuthClient(clientId: string): void;
  /** Resolves once background deliveries (webhook.verify after a webhookCreate/Update) are done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startFourMeSimulator(options: FourMeSimulatorOptions = {}): Promise<FourMeSimulator> {
  const rt = await startRuntime(options);
  const { store, provider, lifecycle } = rt;
  const offering = store.appOfferings.get(provider.offeringId)!;
  return {
    url: rt.url,
    graphqlUrl: `${rt.url}/graphql`,
    oauthTokenUrl: `${rt.url}/oauth/token`,
    accountUrlTemplate: rt.settings.accountUrlTemplate,
    domain: store.domain,
    provider: { account: provider.account, clientId: provider.clientId, clientSecret: provider.clientSecret },
    offeringReference: offering.reference,
    webhookPublicKeyPem: provider.policy.publicKeyPem,
    webhookAlgorithm: provider.policy.jwtAlg.toUpperCase(),
    webhookAudience: provider.policy.jwtAudience,
    accounts: store,
    clock: store.clock,
    inspect: rt.inspector,
    seedAccount: (account, seed) => seedAccount(store, account, seed),
    setDirectoryAccount: (account, directory) => {
      store.ensureAccount(directory);
      store.ensureAccount(account).directoryAccount = directory;
    },
    createOAuthClient: (account, name = "Sandbox application") => rt.oauth.createClient(account, name),
    setConnectorWebhookUrl: (url) => connectProviderWebhooks(store, provider.account, url, provider.policy),
    installApp: (c, o) => lifecycle.installApp(c, o),
    saveForm: (c, f, o) => lifecycle.saveForm(c, f, o),
    rotateClientSecret: (c) => lifecycle.rotateClientSecret(c),
    setInstanceState: (c, s) => lifecycle.setInstanceState(c, s),
    uninstall: (c) => lifecycle.uninstall(c),
    installation: (c) => lifecycle.installations.get(c),
    sendWebhook: (event, payload) => lifecycle.sendWebhook(event, payload),
    sendAutomationRuleWebhook: (c, p) => lifecycle.sendAutomationRuleWebhook(c, p),
    verifyWebhook: async (event = "app_instance.secrets-update") => {
      const webhook = store.webhooks.inAccount(provider.account).find((w) => w.event === event && !w.disabled);
      if (!webhook) throw new Error(`no provider webhook for ${event}; set the connector's webhook URL first`);
      const delivery = await rt.verifier.start(webhook);
      return { delivery, verified: store.webhooks.get(webhook.id)?.verified ?? false };
    },
    redeliver: (id) => rt.sender.redeliver(id),
    deliveries: () => [...rt.sender.deliveries],
    verifyCallbacks: () => [...rt.verifier.callbacks],
    stats: () => rt.stats.snapshot(),
    resetStats: () => rt.stats.reset(),
    setFaults: (patch) => rt.faults.set(patch),
    setRateLimits: (patch) => {
      Object.assign(rt.limiter.settings, patch);
      rt.limiter.reset();
      return { ...rt.limiter.settings };
    },
    setDiscoveryDelay: (ms) => void (rt.settings.discoveryDelayMs = ms),
    setTokenTtl: (seconds) => void (rt.oauth.tokenTtlSeconds = seconds),
    expireTokens: () => rt.oauth.expireAllTokens(),
    disableOAuthClient: (clientId) => rt.oauth.disableClient(clientId),
    idle: async () => {
      while (rt.pending.size) await Promise.allSettled([...rt.pending]);
    },
    close: async () => {
      await Promise.allSettled([...rt.pending]);
      await new Promise<void>((resolve, reject) => {
        rt.server.close((err) => (err ? reject(err) : resolve()));
        rt.server.closeAllConnections();
      });
    },
  };
}
