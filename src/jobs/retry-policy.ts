// Which failed jobs are tried again, and when. Pure. Both queues follow it: pg-boss through its queue options
// (retryLimit, retryDelay with backoff), the in-process queue itself.
import { ErrorCode, asAppError } from "../errors.js";

/** Attempts after the first, as pg-boss's retryLimit. */
export const RETRY_LIMIT = 3;
/** The first retry waits this long; each next one twice as long (5 s, 10 s, 20 s), as pg-boss's retryBackoff. */
export const RETRY_DELAY_MS = 5_000;

/**
 * An outage, a throttle or a failing store may pass; a refused credential, a bad configuration, a payload 4me
 * rejected or a missing object will fail the same way again, so trying again only repeats the error.
 */
export function isRetryable(err: unknown): boolean {
  const code = asAppError(err).code;
  return (
    code === ErrorCode.Upstream ||
    code === ErrorCode.RateLimit ||
    code === ErrorCode.Store ||
    code === ErrorCode.Unknown
  );
}

/** The wait before retry number `attempt` (1 for the first retry). */
export function retryDelayMs(attempt: number, baseMs = RETRY_DELAY_MS): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
