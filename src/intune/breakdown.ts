// The fleet breakdown: device counts by platform × ownership × user state, with the total, as compact JSON for a
// hidden field of the app instance. The configuration form turns it into live "devices that would be imported"
// counts with the same filter rules (app-offering/form/filters.js re-implements countImported; a test compares them).
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
import { parseJsonField } from "./json-field.js";

export type BreakdownRow = [Platform, Ownership, UserState, number];
/** Devices of a class that fail a compliance policy now: noncompliant, and in their grace period (issue 15). */
export type AlertRow = [Platform, Ownership, UserState, number, number];

export interface FleetBreakdown {
  v: 1;
  total: number;
  /** Non-zero combinations only, in PLATFORMS × OWNERSHIPS × USER_STATES order. */
  rows: BreakdownRow[];
  /**
   * The failing devices per class, from the complianceState the device list carries, so the form can say how many
   * requests alerts would raise before they are switched on. Absent when none fails (a v1 reader ignores it).
   */
  alerts?: AlertRow[];
}

export class BreakdownAccumulator {
  private readonly counts = new Map<string, number>();
  private readonly failing = new Map<string, [number, number]>();
  private total = 0;

  add(devices: Iterable<IntuneDevice>): this {
    for (const d of devices) {
      const c = classify(d);
      this.addClass(c);
      const state = (d.complianceState ?? "").toLowerCase();
      if (state === "noncompliant") this.addFailing(c, 1, 0);
      else if (state === "ingraceperiod") this.addFailing(c, 0, 1);
    }
    return this;
  }

  private addFailing(c: DeviceClass, noncompliant: number, inGrace: number): void {
    const key = `${c.platform}|${c.ownership}|${c.userState}`;
    const [n, g] = this.failing.get(key) ?? [0, 0];
    this.failing.set(key, [n + noncompliant, g + inGrace]);
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
    for (const [platform, ownership, userState, n, g] of b.alerts ?? [])
      this.addFailing({ platform, ownership, userState }, n, g);
    return this;
  }

  result(): FleetBreakdown {
    const rows: BreakdownRow[] = [];
    const alerts: AlertRow[] = [];
    for (const p of PLATFORMS)
      for (const o of OWNERSHIPS)
        for (const u of USER_STATES) {
          const n = this.counts.get(`${p}|${o}|${u}`);
          if (n) rows.push([p, o, u, n]);
          const f = this.failing.get(`${p}|${o}|${u}`);
          if (f) alerts.push([p, o, u, f[0], f[1]]);
        }
    return { v: 1, total: this.total, rows, ...(alerts.length ? { alerts } : {}) };
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
  const raw = parseJsonField(json);
  const b = raw as Partial<FleetBreakdown>;
  if (b?.v !== 1 || !Array.isArray(b.rows) || typeof b.total !== "number") return undefined;
  const isClass = (r: unknown[]) =>
    (PLATFORMS as readonly unknown[]).includes(r[0]) &&
    (OWNERSHIPS as readonly unknown[]).includes(r[1]) &&
    (USER_STATES as readonly unknown[]).includes(r[2]);
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const ok = b.rows.every((r) => Array.isArray(r) && r.length === 4 && isClass(r) && isCount(r[3]));
  if (!ok) return undefined;
  // A malformed alerts part loses only the alerts count, never the breakdown.
  const alertsOk =
    Array.isArray(b.alerts) &&
    b.alerts.every((r) => Array.isArray(r) && r.length === 5 && isClass(r) && isCount(r[3]) && isCount(r[4]));
  const { alerts: _alerts, ...rest } = b as FleetBreakdown;
  return alertsOk ? (b as FleetBreakdown) : rest;
}

/**
 * Requests switching alerts on would raise now: the failing devices these filters import (as if the import were
 * active), in their grace period too when the form alerts during it. app-offering/form/alerts.js counts the same.
 */
export function countAlerts(b: FleetBreakdown, filters: ImportFilters, duringGracePeriod: boolean): number {
  let n = 0;
  for (const [platform, ownership, userState, noncompliant, inGrace] of b.alerts ?? []) {
    if (isImported({ platform, ownership, userState }, { ...filters, active: true }))
      n += noncompliant + (duringGracePeriod ? inGrace : 0);
  }
  return n;
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
