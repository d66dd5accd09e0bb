// Time and retry arithmetic for the 4me client. Every wait goes through a Clock, so tests inject one that records
// the delays instead of sleeping.
import { equalJitterBackoff, parseRetryAfter } from "../retry-timing.js";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface BackoffOptions {
  /** Delay before the first retry. */
  baseMs: number;
  /** Upper bound of any single delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** Backoff before attempt `attempt` (counting from 1). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  return equalJitterBackoff(attempt - 1, options.baseMs, options.maxMs, random);
}

export { parseRetryAfter };

/**
 * The instant (epoch ms) a rate-limit window resets, from an `X-…-Reset` header. 4me sends epoch seconds; a small
 * number is read as seconds from now, which some proxies send instead.
 */
export function parseResetHeader(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n > 1_000_000_000 ? Math.round(n * 1000) : nowMs + Math.round(n * 1000);
}

/**
 * A network failure in words a person can act on: undici's bare "fetch failed" hides the reason in its cause
 * (getaddrinfo ENOTFOUND, ECONNREFUSED, a certificate error), so the cause's message and code are appended.
 */
export function describeNetworkError(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown; code?: unknown } } | undefined;
  const message = String(e?.message ?? err);
  const cause = e?.cause;
  if (!cause) return message;
  const causeMessage = typeof cause.message === "string" && cause.message ? cause.message : undefined;
  const code = typeof cause.code === "string" ? cause.code : undefined;
  const detail = [causeMessage, code && !causeMessage?.includes(code) ? `(${code})` : undefined].filter(Boolean);
  return detail.length ? `${message}: ${detail.join(" ")}` : message;
}

/** The host of a URL, for messages; the URL itself when it does not parse. */
export const hostOf = (url: string): string => (URL.canParse(url) ? new URL(url).host : url);

/** A failure before any HTTP answer (refused, reset, DNS, timeout): worth retrying. */
export function isNetworkError(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } };
  if (e.name === "AbortError" || e.name === "TimeoutError") return true;
  // undici reports "fetch failed" (a TypeError) with the socket error as cause.
  if (err instanceof TypeError && /fetch failed|network|socket/i.test(String(e.message))) return true;
  const code = e.code ?? e.cause?.code;
  return (
    typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_)/.test(code)
  );
}

/** Failures of the connection itself (refused, no such host, no connection in time): the request never left. */
export function neverSent(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT)$/.test(code);
}

/**
 * A mutation that makes a record. Once one may have reached 4me (an HTTP 5xx, or a connection lost after it was
 * sent) it is not sent again: 4me may have carried it out, a gateway answering 502 or 504 all the same, and a
 * second one would make a second request, note or product. Its caller finds what the first made before creating
 * again (alerts: the pending entry is looked up by sourceID; categories and extensions by reference), at the latest
 * in the next run. Reads and updates repeat safely, and so does the bulk CI upload (it matches on sourceID).
 */
export function isCreate(operation: string, operationType: string): boolean {
  return operationType === "mutation" && /Create$/.test(operation);
}
