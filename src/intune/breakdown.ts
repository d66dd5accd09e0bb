// The fleet breakdown: device counts by platform × ownership × user state, with the total, as compact JSON for a
// hidden field of the app instance. The configuration form turns it into live "devices that would be imported"
// counts with the same filter rules (app-offering/form.js re-implements countImported; a test compares them).
// Pure: counts are accumulated page by page, so the fleet is never held.
import { Field } from "../app-instance/fields.js";
import type { CustomFieldValue } from "../app-instance/settings.js";
import {
  OWNERSHIPS,
  PLATFORMS,
  USER_STATES,
  classify,
  type DeviceClass,
  type Ownership,
  type Platform,
  type UserState,
} from "../sync/device-class.js";
import { exclusionReason, isImported, type ExclusionReason, type ImportFilters } from "../sync/filters.js";
import type { IntuneDevice } from "./types.js";

export type BreakdownRow = [Platform, Ownership, UserState, number];

export interface FleetBreakdown {
  v: 1;
  total: number;
  /** Non-zero combinations only, in PLATFORMS × OWNERSHIPS × USER_STATES order. */
  rows: BreakdownRow[];
}

export class BreakdownAccumulator {
  private readonly counts = new Map<string, number>();
  private total = 0;

  add(devices: Iterable<IntuneDevice>): this {
    for (const d of devices) this.addClass(classify(d));
    return this;
  }

  addClass(c: DeviceClass, n = 1): this {
    const key = `${c.platform}|${c.ownership}|${c.userState}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    this.total += n;
    return this;
  }

  /** Folds another breakdown in, e.g. a second tenant of the same account. */
  merge(b: FleetBreakdown): this {
    for (const [platform, ownership, userState, n] of b.rows) this.addClass({ platform, ownership, userState }, n);
    return this;
  }

  result(): FleetBreakdown {
    const rows: BreakdownRow[] = [];
    for (const p of PLATFORMS)
      for (const o of OWNERSHIPS)
        for (const u of USER_STATES) {
          const n = this.counts.get(`${p}|${o}|${u}`);
          if (n) rows.push([p, o, u, n]);
        }
    return { v: 1, total: this.total, rows };
  }
}

export function breakdownJson(b: FleetBreakdown): string {
  return JSON.stringify(b);
}

/** The hidden custom field that carries the breakdown to the configuration form. */
export function breakdownField(b: FleetBreakdown): CustomFieldValue {
  return { id: Field.fleetBreakdown, value: breakdownJson(b) };
}

/** Parses a stored or received breakdown; undefined for anything that is not a valid v1 breakdown. */
export function parseBreakdown(json: string | null | undefined): FleetBreakdown | undefined {
  if (!json) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const b = raw as Partial<FleetBreakdown>;
  if (b?.v !== 1 || !Array.isArray(b.rows) || typeof b.total !== "number") return undefined;
  const ok = b.rows.every(
    (r) =>
      Array.isArray(r) &&
      r.length === 4 &&
      (PLATFORMS as readonly unknown[]).includes(r[0]) &&
      (OWNERSHIPS as readonly unknown[]).includes(r[1]) &&
      (USER_STATES as readonly unknown[]).includes(r[2]) &&
      Number.isInteger(r[3]) &&
      r[3] >= 0,
  );
  return ok ? (b as FleetBreakdown) : undefined;
}

/** How many devices of the breakdown the filters import (the same rule as the sync: isImported). */
export function countImported(b: FleetBreakdown, filters: ImportFilters): number {
  let n = 0;
  for (const [platform, ownership, userState, count] of b.rows) {
    if (isImported({ platform, ownership, userState }, filters)) n += count;
  }
  return n;
}

/** Devices per reason the filters leave them out (`inactive` when the import is not active), for the form. */
export function countExcluded(b: FleetBreakdown, filters: ImportFilters): Partial<Record<ExclusionReason, number>> {
  const out: Partial<Record<ExclusionReason, number>> = {};
  for (const [platform, ownership, userState, count] of b.rows) {
    const reason = filters.active ? exclusionReason({ platform, ownership, userState }, filters) : "inactive";
    if (reason) out[reason] = (out[reason] ?? 0) + count;
  }
  return out;
}
