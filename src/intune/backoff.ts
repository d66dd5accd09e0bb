// Retry timing for Microsoft Graph (microsoft-graph-intune.md §2): wait what Retry-After says; when a 429 or 503
// comes without it (some Intune endpoints do that), back off exponentially with jitter so that many workers hit
// by the same throttle do not come back in lock-step. Pure.
import { equalJitterBackoff, parseRetryAfter } from "../retry-timing.js";

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

export { parseRetryAfter };

/** Backoff before retry number `retry` (0 for the first retry); never zero, bounded by `maxMs`. */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  return equalJitterBackoff(retry, policy.baseMs, policy.maxMs, random);
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
