// Per-tenant request budgets inside Intune's Graph limits (microsoft-graph-intune.md §2, throttling table):
// per app per tenant, 2,000 requests / 20 s to the devices service and 1,000 / 20 s to the device configuration
// service (compliance policy states). One TenantThrottle per tenant is shared by every reader of that tenant in
// this process, so a sync and an alert run of the same tenant draw on one budget.
import PQueue from "p-queue";

export type GraphWorkload = "devices" | "compliance";

export interface WorkloadLimit {
  /** Queue runs allowed per interval. A $batch counts as `batchWeight` requests (see below). */
  intervalCap: number;
  intervalMs: number;
  concurrency: number;
}

/**
 * Every sub-request of a $batch counts against the limit on its own (JSON batching doc), and p-queue counts runs,
 * not weights, so the compliance queue, whose work is all $batch of at most 20, caps runs at 1,000 / 20 = 50.
 */
export const MAX_BATCH = 20;

export const INTUNE_LIMITS: Record<GraphWorkload, WorkloadLimit> = {
  devices: { intervalCap: 2_000, intervalMs: 20_000, concurrency: 4 },
  compliance: { intervalCap: 1_000 / MAX_BATCH, intervalMs: 20_000, concurrency: 4 },
};

export class TenantThrottle {
  private readonly queues: Record<GraphWorkload, PQueue>;
  /** A 429 with Retry-After holds back every request of the tenant until then, not just the one that got it. */
  private blockedUntilMs = 0;

  constructor(limits: Record<GraphWorkload, WorkloadLimit> = INTUNE_LIMITS) {
    const queue = (l: WorkloadLimit) =>
      new PQueue({ concurrency: l.concurrency, intervalCap: l.intervalCap, interval: l.intervalMs, strict: true });
    this.queues = { devices: queue(limits.devices), compliance: queue(limits.compliance) };
  }

  run<T>(workload: GraphWorkload, task: () => Promise<T>): Promise<T> {
    return this.queues[workload].add(task);
  }

  blockUntil(atMs: number): void {
    this.blockedUntilMs = Math.max(this.blockedUntilMs, atMs);
  }

  /** Milliseconds still to wait before the next request, 0 when free. */
  waitMs(nowMs: number): number {
    return Math.max(0, this.blockedUntilMs - nowMs);
  }

  /** Requests queued or running, for tests and metrics. */
  pending(workload: GraphWorkload): number {
    return this.queues[workload].size + this.queues[workload].pending;
  }
}

/** Throttles by tenant key (`<cloud>/<tenantId>`). Long-lived: one per process, injected for tests. */
export class ThrottleRegistry {
  private readonly byTenant = new Map<string, TenantThrottle>();

  constructor(private readonly limits: Record<GraphWorkload, WorkloadLimit> = INTUNE_LIMITS) {}

  forTenant(key: string): TenantThrottle {
    let throttle = this.byTenant.get(key);
    if (!throttle) {
      throttle = new TenantThrottle(this.limits);
      this.byTenant.set(key, throttle);
    }
    return throttle;
  }
}

/** The process-wide registry used when none is injected. */
export const sharedThrottles = new ThrottleRegistry();
