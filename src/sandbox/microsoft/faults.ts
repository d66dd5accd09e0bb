// Failure injection for Graph (429 with or without Retry-After, 500/503/504) and, optionally, Intune's own
// throttling limits per app per tenant (2,000 device reads and 1,000 compliance reads per 20 s).
import { mulberry32 } from "../fleet/prng.js";
import { statusError, type SimResponse } from "./errors.js";

export interface FaultRule {
  status: 429 | 500 | 503 | 504;
  /** Seconds for the Retry-After header; null sends none. Default: 10 for 429, none otherwise. */
  retryAfter?: number | null;
  /** Fail the next `count` matching requests (default 1, or without end when `rate` is set). */
  count?: number;
  /** Fail each matching request with this probability (seeded, so runs repeat). */
  rate?: number;
  /** Route name or prefix, e.g. "graph.devices", "graph.batch", "graph.settingStates". Default: every Graph route. */
  route?: string;
  /** Whole HTTP requests, $batch sub-requests, or both. Default: "request". */
  target?: "request" | "batchItem" | "both";
  /** Only requests for this tenant id. */
  tenantId?: string;
}

export interface Limits {
  devices: number;
  configuration: number;
  windowMs: number;
}

export const INTUNE_LIMITS: Limits = { devices: 2000, configuration: 1000, windowMs: 20_000 };

type ActiveRule = FaultRule & { left: number };

export class Faults {
  private rules: ActiveRule[] = [];
  private readonly random: () => number;
  private readonly windows = new Map<string, number[]>();

  constructor(
    seed: number,
    private readonly now: () => number,
    public limits: Limits | null = null,
  ) {
    this.random = mulberry32(seed ^ 0x5eed);
  }

  add(rule: FaultRule): void {
    if (rule.rate !== undefined && (rule.rate < 0 || rule.rate > 1))
      throw new Error("FaultRule.rate must be between 0 and 1");
    this.rules.push({ ...rule, left: rule.count ?? (rule.rate !== undefined ? Infinity : 1) });
  }

  clear(): void {
    this.rules = [];
    this.windows.clear();
  }

  /** The injected failure for this request, if a rule fires. */
  inject(route: string, inBatch: boolean, tenantId: string | undefined, clientRequestId?: string): SimResponse | null {
    for (const r of this.rules) {
      const target = r.target ?? "request";
      if (target !== "both" && (target === "batchItem") !== inBatch) continue;
      if (r.route && !route.startsWith(r.route)) continue;
      if (r.tenantId && r.tenantId !== tenantId) continue;
      if (r.left <= 0) continue;
      if (r.rate !== undefined && this.random() >= r.rate) continue;
      r.left--;
      const retryAfter = r.retryAfter === undefined ? (r.status === 429 ? 10 : null) : r.retryAfter;
      return statusError(r.status, this.now(), retryAfter, clientRequestId);
    }
    this.rules = this.rules.filter((r) => r.left > 0);
    return null;
  }

  /** Counts a request against Intune's window for its family; a 429 with Retry-After once the window is full. */
  throttle(route: string, tenantId: string, clientRequestId?: string): SimResponse | null {
    if (!this.limits) return null;
    // detectedApp belongs to Intune's devices service (throttling limits table, microsoft-graph-intune.md §2).
    const family =
      route.startsWith("graph.devices") || route.startsWith("graph.detectedApps")
        ? "devices"
        : route.startsWith("graph.policyStates") || route.startsWith("graph.settingStates")
          ? "configuration"
          : null;
    if (!family) return null;
    const key = `${tenantId}|${family}`;
    const now = this.now();
    const w = this.windows.get(key) ?? [];
    while (w.length > 0 && w[0]! <= now - this.limits.windowMs) w.shift();
    this.windows.set(key, w);
    if (w.length >= this.limits[family]) {
      return statusError(
        429,
        now,
        Math.max(1, Math.ceil((w[0]! + this.limits.windowMs - now) / 1000)),
        clientRequestId,
      );
    }
    w.push(now);
    return null;
  }
}
