// HTTP to Microsoft Graph for one tenant: bearer token, the tenant's throttle, Retry-After / backoff retries of
// 429, 503 and 504 (bounded), one token refresh on 401, and $batch with per-item retries. Raw JSON stays in
// src/intune/; callers get parsed bodies or an AppError that says what happened.
import { AuthorizationError, RateLimitError, UpstreamError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from "./backoff.js";
import { ODataListParser } from "./odata-list-parser.js";
import { MAX_BATCH, type GraphWorkload, type TenantThrottle } from "./throttle.js";

const RETRYABLE = new Set([429, 503, 504]);

export interface GraphHttpOptions {
  /** The tenant's cloud Graph base, e.g. https://graph.microsoft.us (cloudEndpoints().graphUrl). */
  graphUrl: string;
  tenantId: string;
  /** A bearer token for the tenant; `forceRefresh` bypasses the token cache once, after a 401. */
  token: (opts: { forceRefresh: boolean }) => Promise<string>;
  throttle: TenantThrottle;
  fetch?: typeof fetch;
  /** Every wait goes through here, so tests run on a fake clock. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  logger?: Logger;
  timeoutMs?: number;
}

export interface BatchRequest {
  id: string;
  /** Relative to the version, e.g. `/deviceManagement/managedDevices/{id}/deviceCompliancePolicyStates`. */
  url: string;
}

export interface BatchItemResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class GraphHttp {
  readonly graphUrl: string;
  readonly tenantId: string;
  private readonly opts: GraphHttpOptions;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly logger: Logger;

  constructor(opts: GraphHttpOptions) {
    this.opts = opts;
    this.graphUrl = opts.graphUrl.replace(/\/$/, "");
    this.tenantId = opts.tenantId;
    this.fetch = opts.fetch ?? globalThis.fetch;
    this.sleep = opts.sleep ?? realSleep;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.logger = opts.logger ?? silentLogger;
  }

  /** GET a Graph path (`/v1.0/...`) or an absolute link Graph gave us (`@odata.nextLink`). */
  async getJson<T>(workload: GraphWorkload, pathOrUrl: string): Promise<T> {
    return (await this.request(workload, "GET", this.resolve(pathOrUrl))) as T;
  }

  /**
   * GET an OData list page and hand each element of its `value` to `onItem` while the body streams in (the page is
   * never held whole); returns the rest of the body (`@odata.nextLink`, `@odata.count`, `value: []`). A page that
   * fails after some elements were handed over throws: the caller must drop what it collected of that page.
   */
  async getList(
    workload: GraphWorkload,
    pathOrUrl: string,
    onItem: (item: unknown) => void,
  ): Promise<Record<string, unknown>> {
    return (await this.request(workload, "GET", this.resolve(pathOrUrl), undefined, (res, url) =>
      streamList(res, url, onItem),
    )) as Record<string, unknown>;
  }

  /**
   * One $batch of GETs (≤ 20). Items answered 429/503/504 are sent again on their own after the longest
   * Retry-After among them (or the backoff), up to the attempt budget; what still fails is returned as answered.
   */
  async batch(
    workload: GraphWorkload,
    version: "v1.0" | "beta",
    requests: BatchRequest[],
  ): Promise<Map<string, BatchItemResponse>> {
    if (requests.length > MAX_BATCH) throw new RangeError(`a Graph $batch holds at most ${MAX_BATCH} requests`);
    const results = new Map<string, BatchItemResponse>();
    let pending = requests;
    for (let round = 0; pending.length > 0; round++) {
      const body = { requests: pending.map((r) => ({ id: r.id, method: "GET", url: r.url })) };
      const json = (await this.request(workload, "POST", `${this.graphUrl}/${version}/$batch`, body)) as {
        responses?: { id?: unknown; status?: unknown; headers?: Record<string, string>; body?: unknown }[];
      };
      const answered = new Map<string, BatchItemResponse>();
      for (const r of Array.isArray(json?.responses) ? json.responses : []) {
        const headers = lowerKeys(r.headers);
        answered.set(String(r.id), { status: Number(r.status) || 0, headers, body: r.body });
      }
      const retry: BatchRequest[] = [];
      let waitMs = 0;
      let throttled = false;
      const lastRound = round + 1 >= this.backoff.maxAttempts;
      for (const req of pending) {
        // A sub-request Graph did not answer is treated like a 503: sent again, then reported as failed.
        const item = answered.get(req.id) ?? { status: 503, headers: {}, body: null };
        if (RETRYABLE.has(item.status) && !lastRound) {
          retry.push(req);
          throttled ||= item.status === 429;
          const delay = retryDelayMs(round, item.headers["retry-after"], this.backoff, this.now(), this.random);
          waitMs = Math.max(waitMs, delay);
        } else {
          results.set(req.id, item);
        }
      }
      if (retry.length > 0 && waitMs > this.backoff.maxRetryAfterMs) {
        for (const req of retry) results.set(req.id, answered.get(req.id) ?? { status: 503, headers: {}, body: null });
        break;
      }
      if (retry.length > 0) {
        this.logger.debug({ items: retry.length, waitMs, tenantId: this.tenantId }, "graph $batch items retried");
        if (throttled) this.opts.throttle.blockUntil(this.now() + waitMs);
        await this.sleep(waitMs);
      }
      pending = retry;
    }
    return results;
  }

  private resolve(pathOrUrl: string): string {
    if (pathOrUrl.startsWith("/")) return `${this.graphUrl}${pathOrUrl}`;
    // Our bearer token goes only to our cloud's Graph, whatever a nextLink says.
    if (!pathOrUrl.startsWith(`${this.graphUrl}/`)) {
      throw new UpstreamError(`Graph returned a link outside ${this.graphUrl}; refusing to follow it`);
    }
    return pathOrUrl;
  }

  private async request(
    workload: GraphWorkload,
    method: string,
    url: string,
    body?: unknown,
    read: (res: Response, url: string) => Promise<unknown> = parseJson,
  ): Promise<unknown> {
    let forceRefresh = false;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const wait = this.opts.throttle.waitMs(this.now());
      if (wait > 0) await this.sleep(wait);
      let res: Response;
      try {
        const token = await this.opts.token({ forceRefresh });
        forceRefresh = false;
        res = await this.opts.throttle.run(workload, () =>
          this.fetch(url, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              accept: "application/json",
              ...(body === undefined ? {} : { "content-type": "application/json" }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
          }),
        );
      } catch (err) {
        if (err instanceof AuthorizationError || err instanceof RateLimitError) throw err;
        if (err instanceof UpstreamError && err.status !== undefined) throw err;
        if (attempt >= this.backoff.maxAttempts) {
          throw new UpstreamError(`Microsoft Graph could not be reached: ${(err as Error).message}`, undefined, {
            cause: err,
          });
        }
        await this.sleep(retryDelayMs(attempt - 1, undefined, this.backoff, this.now(), this.random));
        continue;
      }

      if (res.ok) return read(res, url);
      const detail = await errorDetail(res);

      if (res.status === 401 && !refreshed) {
        // A cached token can be stale after consent changes; one fresh token tells revocation from staleness.
        refreshed = true;
        forceRefresh = true;
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new AuthorizationError(`Microsoft Graph refused access (${detail})`, "graph");
      }
      if (!RETRYABLE.has(res.status)) {
        throw new UpstreamError(`Microsoft Graph answered ${detail}`, res.status);
      }
      const header = res.headers.get("retry-after");
      const delay = retryDelayMs(attempt - 1, header, this.backoff, this.now(), this.random);
      if (attempt >= this.backoff.maxAttempts || delay > this.backoff.maxRetryAfterMs) {
        this.logger.warn({ tenantId: this.tenantId, status: res.status, attempts: attempt }, "graph retries exhausted");
        if (res.status === 429) throw new RateLimitError(`Microsoft Graph kept throttling (${detail})`, delay);
        throw new UpstreamError(`Microsoft Graph is unavailable (${detail})`, res.status);
      }
      if (res.status === 429) this.opts.throttle.blockUntil(this.now() + delay);
      this.logger.debug({ tenantId: this.tenantId, status: res.status, delay, attempt }, "graph request retried");
      await this.sleep(delay);
    }
  }
}

async function parseJson(res: Response, url: string): Promise<unknown> {
  const text = await res.text();
  try {
    return text === "" ? {} : JSON.parse(text);
  } catch {
    throw new UpstreamError(`Microsoft Graph sent a body that is not JSON for ${new URL(url).pathname}`, res.status);
  }
}

async function streamList(res: Response, url: string, onItem: (item: unknown) => void): Promise<unknown> {
  const parser = new ODataListParser(onItem);
  const decoder = new TextDecoder(); // UTF-8 across chunk boundaries, BOM dropped, as res.text() does
  const reader = res.body?.getReader();
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      parser.write(decoder.decode(chunk.value, { stream: true }));
    }
    parser.write(decoder.decode());
    return parser.end();
  } catch (err) {
    await reader?.cancel().catch(() => undefined); // frees the connection when we stop reading early
    if (!(err instanceof SyntaxError)) throw err;
    throw new UpstreamError(`Microsoft Graph sent a body that is not JSON for ${new URL(url).pathname}`, res.status);
  }
}

/** "403 Forbidden, Authorization_RequestDenied: <message> (request-id …)", for logs and administrators. */
async function errorDetail(res: Response): Promise<string> {
  let code = "";
  let message = "";
  let requestId = res.headers.get("request-id") ?? "";
  try {
    const json = (await res.json()) as { error?: { code?: unknown; message?: unknown; innerError?: unknown } };
    code = typeof json?.error?.code === "string" ? json.error.code : "";
    message = typeof json?.error?.message === "string" ? json.error.message.slice(0, 300) : "";
    const inner = json?.error?.innerError as Record<string, unknown> | undefined;
    if (!requestId && typeof inner?.["request-id"] === "string") requestId = inner["request-id"] as string;
  } catch {
    // Not JSON: the status says enough.
  }
  const head = `${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
  return `${head}${code ? `, ${code}` : ""}${message ? `: ${message}` : ""}${requestId ? ` (request-id ${requestId})` : ""}`;
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}
