// The device ledger of one account, looked up by tenant and device. Pure.
//
// A run holds one index for the read (which CIs may be written), the plan and retirement. Keyed by two nested maps
// rather than one map of "tenant\0device" strings: at 100,000 devices each concatenated key is ~100 bytes that
// exists only to be hashed, and a run built three such maps (issue 6: the connector stays under 300 MB).
import type { LedgerEntry } from "../store/types.js";

export class LedgerIndex {
  private readonly byTenant = new Map<string, Map<string, LedgerEntry>>();

  constructor(readonly entries: readonly LedgerEntry[]) {
    for (const e of entries) {
      let devices = this.byTenant.get(e.tenantId);
      if (!devices) this.byTenant.set(e.tenantId, (devices = new Map()));
      devices.set(e.deviceId, e);
    }
  }

  /** Accepts an index as is, so callers may pass either. */
  static of(ledger: readonly LedgerEntry[] | LedgerIndex): LedgerIndex {
    return ledger instanceof LedgerIndex ? ledger : new LedgerIndex(ledger);
  }

  get(tenantId: string, deviceId: string): LedgerEntry | undefined {
    return this.byTenant.get(tenantId)?.get(deviceId);
  }
}
