// Replay guard: a token id (jti) or a delivery id seen before is acknowledged and not processed again.
// It runs only after verification (so nothing unverified is ever written) and its claim is released when handling
// fails, so that 4me's retry of a failed delivery is processed rather than swallowed as a duplicate.
import type { InstanceStore } from "../store/types.js";
import { DEFAULT_MAX_TOKEN_AGE_SECONDS } from "./verify-jwt.js";
import type { VerifiedWebhook } from "./types.js";

/** Delivery ids are kept a day: 4me's redeliveries and retries of one delivery come within that window. */
export const DELIVERY_ID_TTL_MS = 24 * 60 * 60 * 1000;
export const JTI_SCOPE = "webhook-jti";
export const DELIVERY_SCOPE = "webhook-delivery";

/** The delivery id headers of both brands (4me-platform.md §3.1). Express lower-cases header names. */
export const DELIVERY_HEADERS = ["x-4me-delivery", "x-xurrent-delivery"] as const;
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The delivery id from the headers, when it looks like one (it is unsigned metadata, so anything else is ignored). */
export function deliveryIdFrom(headers: Record<string, string | string[] | undefined>): string | undefined {
  for (const name of DELIVERY_HEADERS) {
    const value = headers[name];
    if (typeof value === "string" && DELIVERY_ID.test(value)) return value;
  }
  return undefined;
}

export interface ReplayClaim {
  /** Forgets what this claim remembered; called when handling failed. */
  release(): Promise<void>;
}

export class ReplayGuard {
  constructor(
    private readonly store: InstanceStore,
    private readonly options: { clockToleranceSeconds: number; maxTokenAgeSeconds?: number },
  ) {}

  /**
   * Remembers the token and delivery ids of a verified webhook. Resolves a claim for a first sighting, or
   * "duplicate". Ids are scoped by account, so one account's ids can never shadow another's.
   */
  async claim(
    account: string,
    verified: VerifiedWebhook,
    deliveryId: string | undefined,
    now: Date,
  ): Promise<ReplayClaim | "duplicate"> {
    const tolerance = this.options.clockToleranceSeconds;
    const maxAge = this.options.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;
    // The token is accepted until exp (when set) and until iat + max age, each plus the tolerance; its jti must be
    // remembered at least that long.
    const validUntilSeconds = Math.max(verified.expiresAt ?? 0, verified.issuedAt + maxAge) + tolerance;
    const jtiKey = `${account}:${verified.jti}`;
    if (!(await this.store.rememberOnce(JTI_SCOPE, jtiKey, new Date(validUntilSeconds * 1000)))) return "duplicate";
    const remembered: [string, string][] = [[JTI_SCOPE, jtiKey]];

    if (deliveryId) {
      const deliveryKey = `${account}:${deliveryId}`;
      let first: boolean;
      try {
        first = await this.store.rememberOnce(
          DELIVERY_SCOPE,
          deliveryKey,
          new Date(now.getTime() + DELIVERY_ID_TTL_MS),
        );
      } catch (err) {
        // The store failed: undo what was remembered (best effort) and let the caller answer 500.
        await this.forget(remembered).catch(() => undefined);
        throw err;
      }
      // A delivery seen under another token (4me re-signed a retry): still a duplicate. The new jti stays
      // remembered, which is right: that token has now been seen.
      if (!first) return "duplicate";
      remembered.push([DELIVERY_SCOPE, deliveryKey]);
    }
    return { release: () => this.forget(remembered) };
  }

  private async forget(remembered: [string, string][]): Promise<void> {
    for (const [scope, id] of remembered) await this.store.forgetOnce(scope, id);
  }
}
