// The fingerprint of what we write for a device. Pure (hashing is computation, not I/O).
// The ledger keeps the fingerprint of the last successful write; a device whose fingerprint is unchanged is not
// written again, which is how a re-sync with no change in Intune makes zero 4me mutations.
//
// Timestamps that move every time a device checks in (lastSeenAt and the "Last contact" field, both Intune's
// lastSyncDateTime) enter the fingerprint by their UTC date only. So a device that keeps checking in is rewritten at
// most once a day, with its exact times at that moment, and a device that did not change is never rewritten, however
// much time passes. No clock is involved: the fingerprint depends on Intune's data alone.
import { createHash } from "node:crypto";
import type { MappedCi } from "./map-device.js";

/** Bump when the mapping changes what we write, so every device is rewritten once with the new values. */
export const FINGERPRINT_VERSION = 1;

/** Custom fields whose value is a check-in timestamp, fingerprinted by their date. */
const DAILY_FIELDS = new Set(["intune_last_contact_at"]);

export function fingerprintCi(ci: MappedCi): string {
  const day = (v: unknown) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) ? v.slice(0, 10) : v);
  // A fixed-order array, not an object, so the hash cannot depend on key order.
  const canonical = [
    FINGERPRINT_VERSION,
    ci.name,
    ci.serialNr ?? null,
    ci.systemID,
    ci.source,
    ci.sourceID,
    ci.status,
    day(ci.lastSeenAt ?? null),
    ci.inUseSince ?? null,
    ci.ramAmount ?? null,
    [ci.product.brand, ci.product.model, ci.product.category],
    [ci.primaryUser?.email ?? null, ci.primaryUser?.upn ?? null],
    [...ci.customFields]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((f) => [f.id, DAILY_FIELDS.has(f.id) ? day(f.value) : f.value]),
    // The operatingSystemId pointer, by its OS CI: an OS upgrade rewrites the device once. Only when present, so
    // a device without one (switch off, OS unknown) hashes as before.
    ...(ci.os ? [["os", ci.os.sourceID]] : []),
  ];
  return `v${FINGERPRINT_VERSION}:` + createHash("sha256").update(JSON.stringify(canonical)).digest("base64url");
}
