// 4me's per-token budgets (4me-platform.md §7): 3,600 requests and 5,000 cost points per hour, reported on every
// response in X-RateLimit-* and X-CostLimit-* headers. Enforcement (a 429 when a budget is spent) is optional.
import type { Clock } from "../clock.js";

export interface RateLimitSettings {
  requestsPerHour: number;
  costPerHour: number;
  /** Answer 429 with Retry-After once a budget is spent. Off by default: benchmarks run with limits off. */
  enforce: boolean;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = { requestsPerHour: 3600, costPerHour: 5000, enforce: false };

interface Window {
  startMs: number;
  requests: number;
  cost: number;
}

export interface Budget {
  limit: number;
  remaining: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
  cost: number;
  costLimit: number;
  costRemaining: number;
  exceeded: boolean;
}

const HOUR_MS = 3_600_000;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    readonly settings: RateLimitSettings,
  ) {}

  /** Spends one request and `cost` points of the token's hourly window. */
  take(key: string, cost: number): Budget {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || now - w.startMs >= HOUR_MS) this.windows.set(key, (w = { startMs: now, requests: 0, cost: 0 }));
    const exceeded = w.requests >= this.settings.requestsPerHour || w.cost + cost > this.settings.costPerHour;
    if (!exceeded || !this.settings.enforce) {
      w.requests += 1;
      w.cost += cost;
    }
    return {
      limit: this.settings.requestsPerHour,
      remaining: Math.max(0, this.settings.requestsPerHour - w.requests),
      reset: Math.ceil((w.startMs + HOUR_MS) / 1000),
      cost,
      costLimit: this.settings.costPerHour,
      costRemaining: Math.max(0, this.settings.costPerHour - w.cost),
      exceeded: exceeded && this.settings.enforce,
    };
  }

  reset(): void {
    this.windows.clear();
  }
}

export function rateLimitHeaders(b: Budget): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(b.limit),
    "X-RateLimit-Remaining": String(b.remaining),
    "X-RateLimit-Reset": String(b.reset),
    "X-CostLimit-Limit": String(b.costLimit),
    "X-CostLimit-Cost": String(b.cost),
    "X-CostLimit-Remaining": String(b.costRemaining),
    "X-CostLimit-Reset": String(b.reset),
  };
}
