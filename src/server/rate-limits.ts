// Per-client-address limits on the endpoints anyone can call unauthenticated: the webhook endpoints (counted
// before the token is verified) and the consent routes. Only refused requests count (a 4xx answer): 4me delivers
// many webhooks from few addresses, and its valid deliveries, however many, never use up the allowance; a client
// that keeps sending forged or malformed requests is answered 429 until the minute is over. 5xx answers do not
// count either: our own outage must not lock 4me out once it is over. Counts are per process (a replica each).
import type { RequestHandler } from "express";
import { rateLimit, type RateLimitInfo } from "express-rate-limit";
import type { Logger } from "../logger.js";

const WINDOW_MS = 60_000;

/** A limiter of refused requests per client address and minute; undefined when `perMinute` is 0 (off). */
export function refusedRequestLimiter(endpoint: string, perMinute: number, logger: Logger): RequestHandler | undefined {
  if (perMinute <= 0) return undefined;
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    // Counted on arrival, given back once answered below 400 or at 500 and above.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode < 400 || res.statusCode >= 500,
    // The key is req.ip, which honours `trust proxy` (IPv6 clients by /56, the library's default).
    standardHeaders: false,
    legacyHeaders: false,
    // The library's own warnings (a misconfigured proxy, say) go to our log, as JSON lines.
    logger: {
      error: (err, message) => logger.error({ err: String((err as Error)?.message ?? err) }, message ?? "rate limiter"),
      warn: (err, message) => logger.warn({ err: String((err as Error)?.message ?? err) }, message ?? "rate limiter"),
    },
    handler: (req, res) => {
      const info = (req as unknown as { rateLimit: RateLimitInfo }).rateLimit;
      // One line per address and window, not one per refused request: a flood must not flood the log too.
      if (info.used === info.limit + 1) {
        logger.warn(
          { rateLimit: { endpoint, client: req.ip, limit: info.limit, windowSeconds: WINDOW_MS / 1000 } },
          "rate limit reached: refusing this address's requests until the minute is over",
        );
      }
      const seconds = info.resetTime ? Math.ceil((info.resetTime.getTime() - Date.now()) / 1000) : WINDOW_MS / 1000;
      res
        .status(429)
        // The body was not read: the connection is closed rather than left to carry it.
        .set({ "Retry-After": String(Math.max(1, seconds)), Connection: "close", "Cache-Control": "no-store" })
        .json({ ok: false, message: "too many refused requests from this address; retry later" });
    },
  });
}
