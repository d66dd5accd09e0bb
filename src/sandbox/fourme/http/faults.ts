// Fault injection for GraphQL requests: throttling (429 with Retry-After) and server errors, at a rate drawn from a
// seeded generator (the same seed fails the same requests), or for the next N requests exactly.
import { mulberry32 } from "../../fleet/prng.js";

export interface FaultSettings {
  /** Share of requests (0–1) answered 429. */
  rate429: number;
  /** Share of requests (0–1) answered with `status5xx`. */
  rate5xx: number;
  /** Retry-After seconds sent with an injected 429. */
  retryAfterSeconds: number;
  status5xx: 500 | 502 | 503 | 504;
  seed: number;
  /** The next N requests get a 429 (then the counter runs down to 0). */
  next429: number;
  /** The next N requests get a 5xx. */
  next5xx: number;
  /**
   * The next N requests are carried out, then answered 502: a gateway that timed out while 4me committed. Real 4me
   * can do this; the faults above fail before anything is written.
   */
  next502AfterCommit: number;
  /** Only requests of this GraphQL operation (e.g. "RequestCreate") get any of the faults above; all when unset. */
  operation?: string;
}

export const NO_FAULTS: FaultSettings = {
  rate429: 0,
  rate5xx: 0,
  retryAfterSeconds: 1,
  status5xx: 503,
  seed: 1,
  next429: 0,
  next5xx: 0,
  next502AfterCommit: 0,
};

export type Fault = { status: 429; retryAfterSeconds: number } | { status: 500 | 502 | 503 | 504 };

export class FaultInjector {
  readonly settings: FaultSettings;
  private random: () => number;

  constructor(settings: Partial<FaultSettings> = {}) {
    this.settings = { ...NO_FAULTS, ...settings };
    this.random = mulberry32(this.settings.seed);
  }

  /** Changes settings at run time; a new seed restarts the sequence. */
  set(patch: Partial<FaultSettings>): FaultSettings {
    for (const k of ["rate429", "rate5xx"] as const) {
      const v = patch[k];
      if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${k} must be between 0 and 1`);
    }
    Object.assign(this.settings, patch);
    if (patch.seed !== undefined) this.random = mulberry32(patch.seed);
    return { ...this.settings };
  }

  /** Whether this request, carried out, is answered 502 all the same (next502AfterCommit). */
  failsAfterCommit(operation: string | undefined): boolean {
    const s = this.settings;
    if (s.next502AfterCommit <= 0 || !this.targets(operation)) return false;
    s.next502AfterCommit -= 1;
    return true;
  }

  private targets(operation: string | undefined): boolean {
    return this.settings.operation === undefined || this.settings.operation === operation;
  }

  /** Whether this request fails, and how. */
  decide(operation?: string): Fault | undefined {
    const s = this.settings;
    if (!this.targets(operation)) return undefined;
    if (s.next429 > 0) {
      s.next429 -= 1;
      return { status: 429, retryAfterSeconds: s.retryAfterSeconds };
    }
    if (s.next5xx > 0) {
      s.next5xx -= 1;
      return { status: s.status5xx };
    }
    if (s.rate429 === 0 && s.rate5xx === 0) return undefined;
    const r = this.random();
    if (r < s.rate429) return { status: 429, retryAfterSeconds: s.retryAfterSeconds };
    if (r < s.rate429 + s.rate5xx) return { status: s.status5xx };
    return undefined;
  }
}
