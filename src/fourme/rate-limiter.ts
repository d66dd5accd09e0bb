// Keeps one token's requests inside 4me's limits (4me-platform.md §7): bursts of at most 20 requests per 2 s
// (p-queue, sliding window), 3,600 requests and 5,000 cost points per hour. The hourly budgets are read from the
// X-RateLimit-* / X-CostLimit-* headers of each answer; when little is left, requests are spread over the time
// until the window resets instead of running into a 429.
import PQueue from "p-queue";
import { parseResetHeader, systemClock, type Clock } from "./timing.js";

export interface RateLimits {
  /** Requests per burst window; 0 switches the burst limit off (sandbox benchmarks). Default 20. */
  burstCap: number;
  /** Burst window in ms. Default 2000. */
  burstIntervalMs: number;
  /** Requests in flight at once. Default 4. */
  concurrency: number;
  /** Local cap per rolling hour, for when the server sends no headers. 0 = off. Default 3600. */
  requestsPerHour: number;
  /** Below this share of a budget left, requests are spread until the reset. Default 0.1. */
  lowWaterShare: number;
  /**
   * At or below this share of a budget left (as the headers say), a run stops writing and leaves the rest to its
   * next run, keeping what is left for reads and for the account's other integrations (issue 15). Default 0.1.
   */
  writeReserveShare: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  burstCap: 20,
  burstIntervalMs: 2000,
  concurrency: 4,
  requestsPerHour: 3600,
  lowWaterShare: 0.1,
  writeReserveShare: 0.1,
};

interface Budget {
  limit?: number;
  remaining: number;
  resetAt: number;
}

const HOUR_MS = 3_600_000;

export class RateLimiter {
  private readonly queue: PQueue;
  private readonly limits: RateLimits;
  private requests?: Budget;
  private cost?: Budget;
  private lastCost = 1;
  private pausedUntil = 0;
  /** Start times in the last hour, for the local cap (at most requestsPerHour entries). */
  private readonly recent: number[] = [];

  constructor(
    limits: Partial<RateLimits> = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits };
    this.queue =
      this.limits.burstCap > 0
        ? new PQueue({
            concurrency: this.limits.concurrency,
            intervalCap: this.limits.burstCap,
            interval: this.limits.burstIntervalMs,
            strict: true,
          })
        : new PQueue({ concurrency: this.limits.concurrency });
  }

  /** Runs `task` when the budgets allow, waiting (through the clock) as long as needed. */
  schedule<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(async () => {
      const wait = this.delayBeforeNext();
      if (wait > 0) await this.clock.sleep(wait);
      this.recordStart();
      return task();
    });
  }

  /** Holds every request of this token until `ms` from now (after a 429 with Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** Reads the budget headers of an answer (any status). */
  observe(headers: Headers): void {
    const now = this.clock.now();
    this.requests = readBudget(headers, "x-ratelimit", now) ?? this.requests;
    this.cost = readBudget(headers, "x-costlimit", now) ?? this.cost;
    const cost = Number(headers.get("x-costlimit-cost"));
    if (Number.isFinite(cost) && cost > 0) this.lastCost = cost;
  }

  /** Milliseconds the next request should wait: the longest of the pause, the header budgets and the local cap. */
  delayBeforeNext(): number {
    const now = this.clock.now();
    let wait = Math.max(0, this.pausedUntil - now);
    wait = Math.max(wait, spreadDelay(this.requests, 1, now, this.limits.lowWaterShare));
    wait = Math.max(wait, spreadDelay(this.cost, this.lastCost, now, this.limits.lowWaterShare));
    if (this.limits.requestsPerHour > 0) {
      while (this.recent.length > 0 && this.recent[0] <= now - HOUR_MS) this.recent.shift();
      if (this.recent.length >= this.limits.requestsPerHour) wait = Math.max(wait, this.recent[0] + HOUR_MS - now);
    }
    return wait;
  }

  /**
   * Why writes should stop now (a budget from the headers is down to its reserve, before its reset), or undefined.
   * Reads still run, spread by delayBeforeNext.
   */
  nearlySpent(): string | undefined {
    const now = this.clock.now();
    const low = (b: Budget | undefined) =>
      !!b && b.resetAt > now && b.limit !== undefined && b.remaining <= b.limit * this.limits.writeReserveShare;
    const until = (b: Budget) => new Date(b.resetAt).toISOString().replace(/\.\d{3}Z$/, "Z");
    if (low(this.requests))
      return `${this.requests!.remaining} of ${this.requests!.limit} requests left until ${until(this.requests!)}`;
    if (low(this.cost))
      return `${this.cost!.remaining} of ${this.cost!.limit} cost points left until ${until(this.cost!)}`;
    return undefined;
  }

  /** True while the burst window is full: further requests wait for p-queue's next interval. */
  get burstLimited(): boolean {
    return this.queue.isRateLimited;
  }

  /** Drops the requests that have not started (shutdown); their promises never settle. */
  clear(): void {
    this.queue.clear();
  }

  /** Requests waiting for their turn (for logs and tests). */
  get pending(): number {
    return this.queue.size + this.queue.pending;
  }

  private recordStart(): void {
    if (this.limits.requestsPerHour > 0) this.recent.push(this.clock.now());
    // Spend the known budgets locally so concurrent requests do not all read the same "remaining".
    if (this.requests) this.requests.remaining -= 1;
    if (this.cost) this.cost.remaining -= this.lastCost;
  }
}

function readBudget(headers: Headers, prefix: string, now: number): Budget | undefined {
  const remaining = Number(headers.get(`${prefix}-remaining`) ?? NaN);
  const resetAt = parseResetHeader(headers.get(`${prefix}-reset`), now);
  if (!Number.isFinite(remaining) || resetAt === undefined) return undefined;
  const limit = Number(headers.get(`${prefix}-limit`) ?? NaN);
  return { remaining, resetAt, limit: Number.isFinite(limit) ? limit : undefined };
}

/**
 * With `remaining` units left until `resetAt`, how long to wait before spending `need` more: nothing while the budget
 * is comfortable, an even share of the time left when it runs low, the whole time left when it is spent.
 */
export function spreadDelay(budget: Budget | undefined, need: number, now: number, lowWaterShare: number): number {
  if (!budget || budget.resetAt <= now) return 0;
  const timeLeft = budget.resetAt - now;
  if (budget.remaining < need) return timeLeft;
  const lowWater = budget.limit !== undefined ? budget.limit * lowWaterShare : 0;
  if (budget.remaining > lowWater) return 0;
  return Math.ceil((timeLeft * need) / budget.remaining);
}
