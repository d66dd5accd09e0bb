// The 4me GraphQL transport: one graphql-request client per account and token, with the account header of the
// domain's brand, a per-token throttle, 401 → one token refresh, 429 → Retry-After, 5xx/network → backoff, and
// mutation payload errors turned into MutationError. The generated SDK is exposed to src/fourme only.
import { ClientError, GraphQLClient } from "graphql-request";
import { AuthorizationError, MutationError, RateLimitError, UpstreamError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { getSdk, type Sdk } from "./generated/sdk.js";
import { RateLimiter } from "./rate-limiter.js";
import { accountHeaderName, type ClientCredentials, type TokenCache } from "./token-cache.js";
import {
  DEFAULT_BACKOFF,
  backoffDelay,
  describeNetworkError,
  hostOf,
  isCreate,
  isNetworkError,
  neverSent,
  parseRetryAfter,
  systemClock,
  type BackoffOptions,
  type Clock,
} from "./timing.js";

/** Request counters by operation name, shared by every client of a factory (benchmarks read them). */
export class RequestStats {
  /** HTTP requests sent, by GraphQL operation name (retries included). */
  readonly byOperation = new Map<string, number>();
  retries = 0;
  throttled = 0;

  record(operation: string): void {
    this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.byOperation.values()) sum += n;
    return sum;
  }

  /** Requests whose operation is a mutation are named like the mutation; this counts those names. */
  count(...operations: string[]): number {
    return operations.reduce((sum, op) => sum + (this.byOperation.get(op) ?? 0), 0);
  }

  snapshot(): { total: number; retries: number; throttled: number; byOperation: Record<string, number> } {
    return {
      total: this.total,
      retries: this.retries,
      throttled: this.throttled,
      byOperation: Object.fromEntries([...this.byOperation].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  reset(): void {
    this.byOperation.clear();
    this.retries = 0;
    this.throttled = 0;
  }
}

export interface FourMeGraphQLClientOptions {
  graphqlUrl: string;
  /** Decides the account header (X-Xurrent-Account on Xurrent domains, X-4me-Account otherwise). */
  domain: string;
  credentials: ClientCredentials;
  tokens: TokenCache;
  /** The throttle of this token; share one between clients that use the same token. */
  limiter?: RateLimiter;
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  /** Attempts per call for 429, 5xx and network failures. Default 5. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** A Retry-After longer than this fails at once with RateLimitError. Default 15 minutes. */
  maxRetryAfterMs?: number;
  stats?: RequestStats;
  logger?: Logger;
}

export class FourMeGraphQLClient {
  /** The typed operations. Results are generated types: convert them before they leave src/fourme. */
  readonly sdk: Sdk;
  readonly account: string;
  readonly stats: RequestStats;
  readonly clock: Clock;
  /** The plain fetch (no auth headers), for asyncQuery result URLs. */
  readonly fetch: typeof fetch;
  private readonly limiter: RateLimiter;
  private readonly logger: Logger;

  constructor(private readonly options: FourMeGraphQLClientOptions) {
    this.account = options.credentials.account;
    this.stats = options.stats ?? new RequestStats();
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.limiter = options.limiter ?? new RateLimiter({}, this.clock);
    this.logger = (options.logger ?? silentLogger).child({ fourmeAccount: this.account });
    const observingFetch: typeof fetch = async (input, init) => {
      const response = await this.fetch(input, init);
      this.limiter.observe(response.headers);
      return response;
    };
    const client = new GraphQLClient(options.graphqlUrl, { fetch: observingFetch });
    this.sdk = getSdk(client, (action, operationName, operationType) =>
      this.execute(action, operationName, operationType ?? "query"),
    );
  }

  /** Why writes should stop for now: the token's hourly budget (from 4me's headers) is down to its reserve. */
  budgetNearlySpent(): string | undefined {
    return this.limiter.nearlySpent();
  }

  /** True when `credentials` carry another secret than this client's (a rotated token): the client is replaced. */
  credentialsDiffer(credentials: ClientCredentials): boolean {
    return credentials.clientSecret !== this.options.credentials.clientSecret;
  }

  private async execute<T>(
    action: (headers?: Record<string, string>) => Promise<T>,
    operation: string,
    operationType: string,
  ): Promise<T> {
    const { credentials, tokens } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 5;
    const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.getToken(credentials);
      const headers = { Authorization: `Bearer ${token}`, [accountHeaderName(this.options.domain)]: this.account };
      let failure: string;
      let status: number | undefined;
      let delay: number;
      try {
        const data = await this.limiter.schedule(() => {
          this.stats.record(operation);
          return action(headers);
        });
        if (operationType === "mutation") throwPayloadErrors(data);
        return data;
      } catch (err) {
        if (!(err instanceof ClientError)) {
          if (!isNetworkError(err)) throw err;
          failure = `network error reaching ${hostOf(this.options.graphqlUrl)}: ${describeNetworkError(err)}`;
          if (isCreate(operation, operationType) && !neverSent(err)) throw notRepeated(operation, failure);
          delay = backoffDelay(attempt, backoff, this.options.random);
        } else {
          status = err.response.status;
          const messages = (err.response.errors ?? []).map((e) => e.message).join("; ");
          if (status === 401 && !refreshed) {
            // The token was revoked or expired early: fetch a new one once, then give up.
            refreshed = true;
            tokens.invalidate(credentials, token);
            attempt--;
            continue;
          }
          if (status === 401 || status === 403) {
            throw new AuthorizationError(
              `4me refused ${operation} in account ${this.account} (HTTP ${status})${messages ? `: ${messages}` : ""}`,
              "4me",
            );
          }
          if (status === 429) {
            this.stats.throttled++;
            const retryAfter = parseRetryAfter(err.response.headers?.get("retry-after"), this.clock.now());
            delay = retryAfter ?? backoffDelay(attempt, backoff, this.options.random);
            if (delay > (this.options.maxRetryAfterMs ?? 15 * 60_000) || attempt >= maxAttempts) {
              throw new RateLimitError(`4me throttled ${operation} in account ${this.account}`, delay);
            }
            // Every request of this token waits, not only this one.
            this.limiter.pause(delay);
            this.logger.warn({ operation, attempt, delayMs: delay }, "4me answered 429; waiting for Retry-After");
            this.stats.retries++;
            continue;
          }
          if (status >= 200 && status < 300) {
            throw new UpstreamError(`4me rejected ${operation}: ${messages || "GraphQL errors"}`, status);
          }
          if (status < 500) {
            throw new UpstreamError(
              `4me answered ${operation} with HTTP ${status}${messages ? `: ${messages}` : ""}`,
              status,
            );
          }
          failure = `HTTP ${status}`;
          if (isCreate(operation, operationType)) throw notRepeated(operation, failure, status);
          delay = backoffDelay(attempt, backoff, this.options.random);
        }
      }
      if (attempt >= maxAttempts) {
        throw new UpstreamError(`4me ${operation} failed after ${attempt} attempts: ${failure}`, status);
      }
      this.logger.warn({ operation, attempt, delayMs: delay, failure }, "4me request failed; retrying");
      this.stats.retries++;
      await this.clock.sleep(delay);
    }
  }
}

/** A create that failed once it may have reached 4me (timing.ts isCreate): never sent twice. */
function notRepeated(operation: string, failure: string, status?: number): UpstreamError {
  return new UpstreamError(
    `4me ${operation} failed (${failure}); not sent again, as 4me may have carried it out`,
    status,
  );
}

/** A mutation answers 200 with `errors { path message }` in its payload when the input is invalid. */
function throwPayloadErrors(data: unknown): void {
  if (!data || typeof data !== "object") return;
  for (const [mutation, payload] of Object.entries(data)) {
    const errors = (payload as { errors?: { path?: string[] | null; message?: string | null }[] | null } | null)
      ?.errors;
    if (Array.isArray(errors) && errors.length > 0) {
      throw new MutationError(
        mutation,
        errors.map((e) => ({ path: e.path ?? null, message: e.message ?? "invalid" })),
      );
    }
  }
}

export interface Connection<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: (N | null)[] | null;
}

/**
 * Every node of a paged connection, following endCursor. Bounded: a server that keeps answering hasNextPage with
 * the same cursor cannot loop us forever.
 */
export async function collectPages<N>(
  fetchPage: (after: string | null) => Promise<Connection<N>>,
  maxPages = 10_000,
): Promise<N[]> {
  const all: N[] = [];
  let after: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const connection: Connection<N> = await fetchPage(after);
    for (const node of connection.nodes ?? []) if (node) all.push(node);
    const next = connection.pageInfo.endCursor;
    if (!connection.pageInfo.hasNextPage || !next || next === after) return all;
    after = next;
  }
  throw new UpstreamError(`4me kept paging after ${maxPages} pages`);
}

/** Splits values into chunks of at most `size` (4me takes at most 100 filter values and 100 items per call). */
export function chunk<T>(values: readonly T[], size = 100): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
