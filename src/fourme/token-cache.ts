// OAuth client-credentials tokens for 4me, one per (account, client id), cached until shortly before they expire.
// The token itself is never logged, and never part of an error message.
import { AuthorizationError, UpstreamError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { isXurrentDomain } from "./endpoints.js";
import {
  DEFAULT_BACKOFF,
  backoffDelay,
  describeNetworkError,
  hostOf,
  isNetworkError,
  parseRetryAfter,
  systemClock,
  type BackoffOptions,
  type Clock,
} from "./timing.js";

export interface ClientCredentials {
  /** The account the token acts in (sent as the account header). */
  account: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The credentials of an account do not work. `reason` is the RFC 6749 code 4me answered (`invalid_client`, …),
 * `http_<status>`, or `missing_credentials` when none are stored. `invalid_client` means the app instance should be
 * suspended (ProviderApi.suspendForInvalidCredentials).
 */
export class FourMeCredentialsError extends AuthorizationError {
  constructor(
    readonly account: string,
    readonly reason: string,
    description?: string,
  ) {
    super(
      reason === "missing_credentials"
        ? `no 4me OAuth application credentials are stored for account ${account}${description ? ` (${description})` : ""}`
        : `4me refused the OAuth client credentials of account ${account}: ${reason}${description ? ` (${description})` : ""}`,
      "4me",
    );
  }
}

export interface TokenCacheOptions {
  oauthTokenUrl: string;
  /** Decides the account header name (X-Xurrent-Account on Xurrent domains, X-4me-Account otherwise). */
  domain: string;
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  /** Attempts for transient token failures (5xx, 429, network). Default 5. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  logger?: Logger;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** RFC 6749 error codes that mean "these credentials will not work": never retried. */
const CREDENTIAL_ERRORS = new Set(["invalid_client", "invalid_grant", "unauthorized_client", "invalid_scope"]);

export function accountHeaderName(domain: string): "X-Xurrent-Account" | "X-4me-Account" {
  return isXurrentDomain(domain) ? "X-Xurrent-Account" : "X-4me-Account";
}

export class TokenCache {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly fetch: typeof fetch;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: TokenCacheOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** A valid access token, from the cache or a fresh token request. Concurrent callers share one request. */
  async getToken(credentials: ClientCredentials): Promise<string> {
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.clock.now()) return cached.token;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const request = this.requestToken(credentials).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  /**
   * Forgets the cached token after 4me answered 401 with it. Only that token is dropped: a newer one fetched
   * meanwhile by a concurrent request stays.
   */
  invalidate(credentials: ClientCredentials, token: string): void {
    const key = cacheKey(credentials);
    if (this.cache.get(key)?.token === token) this.cache.delete(key);
  }

  private async requestToken(credentials: ClientCredentials): Promise<string> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | undefined;
      let failure: string;
      let status: number | undefined;
      try {
        const response = await this.fetch(this.options.oauthTokenUrl, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Accept: "application/json",
            [accountHeaderName(this.options.domain)]: credentials.account,
          },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: credentials.clientId,
            client_secret: credentials.clientSecret,
          }).toString(),
        });
        status = response.status;
        const body = await readJson(response);
        if (response.ok) return this.remember(credentials, body);
        const error = typeof body.error === "string" ? body.error : undefined;
        const description = typeof body.error_description === "string" ? body.error_description : undefined;
        if (status === 400 || status === 401 || status === 403 || (error && CREDENTIAL_ERRORS.has(error))) {
          throw new FourMeCredentialsError(credentials.account, error ?? `http_${status}`, description);
        }
        failure = `HTTP ${status}${error ? ` ${error}` : ""}`;
        if (status < 500 && status !== 429) throw new UpstreamError(`4me token request failed: ${failure}`, status);
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.clock.now());
      } catch (err) {
        if (!isNetworkError(err)) throw err;
        failure = describeNetworkError(err);
      }
      if (attempt >= maxAttempts) {
        throw new UpstreamError(
          `4me token request to ${hostOf(this.options.oauthTokenUrl)} failed after ${attempt} attempts: ${failure}`,
          status,
        );
      }
      const delay = retryAfterMs ?? backoffDelay(attempt, backoff, this.options.random);
      this.logger.warn(
        { account: credentials.account, attempt, delayMs: delay, failure },
        "4me token request failed; retrying",
      );
      await this.clock.sleep(delay);
    }
  }

  private remember(credentials: ClientCredentials, body: Record<string, unknown>): string {
    const token = body.access_token;
    if (typeof token !== "string" || token === "") {
      throw new UpstreamError("4me token response holds no access_token");
    }
    const expiresIn = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600;
    // Renew a minute early (a tenth of the lifetime for short-lived tokens) so no request carries a token that
    // expires on the way.
    const marginSeconds = Math.min(60, expiresIn / 10);
    this.cache.set(cacheKey(credentials), { token, expiresAt: this.clock.now() + (expiresIn - marginSeconds) * 1000 });
    this.logger.debug({ account: credentials.account, expiresIn }, "4me token obtained");
    return token;
  }
}

function cacheKey(c: ClientCredentials): string {
  return `${c.account}\u0000${c.clientId}`;
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
