// Retry timing shared by the 4me and the Microsoft Graph clients. Pure.

/** Milliseconds to wait from a `Retry-After` header: delta seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const s = value.trim();
  if (s === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with "equal jitter" for retry number `retry` (0 = first retry): half the capped step is fixed,
 * half random, so clients that failed together do not retry together, yet each waits at least half its step.
 */
export function equalJitterBackoff(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry));
  return Math.round(step / 2 + (step / 2) * random());
}
