// Retry timing for Microsoft Graph (microsoft-graph-intune.md §2): wait what Retry-After says; when a 429 or 503
// comes without it (some Intune endpoints do that), back off exponentially with jitter so that many workers hit
// by the same throttle do not come back in lock-step. Pure.

export interface BackoffPolicy {
  /** First backoff step. */
  baseMs: number;
  /** Ceiling of one computed backoff step. */
  maxMs: number;
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** A Retry-After longer than this is not waited out inside a request: the caller reschedules instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 1_000,
  maxMs: 60_000,
  maxAttempts: 6,
  maxRetryAfterMs: 5 * 60_000,
};

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or bad. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const s = value.trim();
  if (s === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Backoff before retry number `retry` (0 for the first retry): "equal jitter", half of the exponential step plus
 * a random half. Never zero, so a retry never fires at once; bounded by `maxMs`.
 */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry));
  return Math.round(step / 2 + random() * (step / 2));
}

/** The wait before the next attempt: Retry-After when the server gave one, else the jittered backoff. */
export function retryDelayMs(
  retry: number,
  retryAfterHeader: string | null | undefined,
  policy: BackoffPolicy,
  nowMs: number,
  random: () => number,
): number {
  return parseRetryAfter(retryAfterHeader, nowMs) ?? backoffMs(retry, policy, random);
}
