// The 4me client's public face. createFourMeClients builds, from the configuration, one throttled GraphQL client per
// (account, OAuth client) and hands out ProviderApi (provider token) and CustomerApi (a customer's token) objects.
import type { Config } from "../config.js";
import { requireProviderCredentials } from "../command-settings.js";
import { silentLogger, type Logger } from "../logger.js";
import type { InstanceStore } from "../store/types.js";
import { CustomerApi, type CustomerApiOptions } from "./customer-api.js";
import { FourMeGraphQLClient, RequestStats } from "./graphql-client.js";
import { ProviderApi } from "./provider-api.js";
import { RateLimiter, type RateLimits } from "./rate-limiter.js";
import { systemClock, type BackoffOptions, type Clock } from "./timing.js";
import { FourMeCredentialsError, TokenCache, type ClientCredentials } from "./token-cache.js";

export { CustomerApi, CI_UI_EXTENSION, DEFAULT_SOURCE, type CustomerApiOptions } from "./customer-api.js";
export { CLOSED_REQUEST_STATUSES } from "./customer-requests.js";
export { MAX_DISCOVERED_CIS, type DiscoveryPollOptions } from "./customer-discovery.js";
export { ProviderApi, invalidCredentialsComment } from "./provider-api.js";
export { appOfferingChanges, webhookChanges } from "./publish-diff.js";
export { FourMeGraphQLClient, RequestStats, type FourMeGraphQLClientOptions } from "./graphql-client.js";
export { RateLimiter, DEFAULT_RATE_LIMITS, type RateLimits } from "./rate-limiter.js";
export { TokenCache, FourMeCredentialsError, accountHeaderName, type ClientCredentials } from "./token-cache.js";
export { systemClock, type Clock, type BackoffOptions } from "./timing.js";
export * from "./types.js";

export interface FourMeClientsOptions {
  /** Where customer credentials come from (`application` of app_instance.secrets-update). */
  store?: Pick<InstanceStore, "getSecrets">;
  logger?: Logger;
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  /** Throttle per token; `{ burstCap: 0, requestsPerHour: 0 }` switches the local limits off (sandbox benchmarks). */
  rateLimits?: Partial<RateLimits>;
  /** Attempts per call for 429, 5xx and network failures. Default 5. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  customer?: CustomerApiOptions;
}

export interface FourMeClients {
  /** Requests sent, by operation name, over every client of this factory. */
  readonly stats: RequestStats;
  readonly tokens: TokenCache;
  /** The provider account's API (FOURME_PROVIDER_CLIENT_ID/SECRET). Throws ConfigError when they are not set. */
  provider(): ProviderApi;
  /**
   * A customer account's API, with the given credentials or those stored for the account. A new object per call
   * (its people cache is per object: take one per run); the token, throttle and stats are shared.
   * Throws FourMeCredentialsError (reason `missing_credentials`) when none are known.
   */
  customer(account: string, credentials?: { clientId: string; clientSecret: string }): Promise<CustomerApi>;
  /** The underlying client for these credentials (shared per account and client id). */
  graphqlClient(credentials: ClientCredentials): FourMeGraphQLClient;
}

export function createFourMeClients(config: Pick<Config, "fourme">, options: FourMeClientsOptions = {}): FourMeClients {
  const { fourme } = config;
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const stats = new RequestStats();
  const tokens = new TokenCache({
    oauthTokenUrl: fourme.oauthTokenUrl,
    domain: fourme.domain,
    fetch: options.fetch,
    clock,
    random: options.random,
    maxAttempts: options.maxAttempts,
    backoff: options.backoff,
    logger,
  });
  const clients = new Map<string, FourMeGraphQLClient>();

  const graphqlClient = (credentials: ClientCredentials): FourMeGraphQLClient => {
    const key = `${credentials.account}\u0000${credentials.clientId}`;
    let client = clients.get(key);
    if (!client || client.credentialsDiffer(credentials)) {
      client = new FourMeGraphQLClient({
        graphqlUrl: fourme.graphqlUrl,
        domain: fourme.domain,
        credentials,
        tokens,
        limiter: new RateLimiter(options.rateLimits, clock),
        fetch: options.fetch,
        clock,
        random: options.random,
        maxAttempts: options.maxAttempts,
        backoff: options.backoff,
        stats,
        logger,
      });
      clients.set(key, client);
    }
    return client;
  };

  return {
    stats,
    tokens,
    graphqlClient,
    provider() {
      requireProviderCredentials(config);
      const client = graphqlClient({
        account: fourme.providerAccount,
        clientId: fourme.providerClientId!,
        clientSecret: fourme.providerClientSecret!,
      });
      return new ProviderApi(client, fourme.offeringReference);
    },
    async customer(account, credentials) {
      let creds = credentials;
      if (!creds && options.store) {
        const application = (await options.store.getSecrets(account)).application;
        if (application) creds = { clientId: application.client_id, clientSecret: application.client_secret };
      }
      if (!creds) {
        throw new FourMeCredentialsError(account, "missing_credentials", "no app_instance.secrets-update received yet");
      }
      return new CustomerApi(graphqlClient({ account, ...creds }), options.customer);
    },
  };
}
