// The detected-app catalogue summary: name, version and device count per app across an account's tenants, as
// compact JSON for a hidden field of the app instance, so the configuration form can say how many apps and
// installations each "Tracked software" pattern would bring in before it is saved (app-offering/form/software.js).
// Bounded: apps without devices are left out and at most MAX_CATALOGUE_APPS entries are kept (the most installed);
// what was cut is counted in `omitted`, so the form can say its counts are a lower bound. Pure.
import { Field } from "../app-instance/fields.js";
import type { CustomFieldValue } from "../app-instance/settings.js";
import type { DetectedApp } from "./detected-apps-reader.js";
import { parseJsonField } from "./json-field.js";

export const MAX_CATALOGUE_APPS = 1000;

/** [displayName, version, deviceCount] */
export type CatalogueEntry = [string, string, number];

export interface SoftwareCatalogue {
  v: 1;
  /** Sorted by name, then version. */
  apps: CatalogueEntry[];
  /** Entries and installations left out by the bound. */
  omitted: [number, number];
}

export class CatalogueAccumulator {
  private readonly counts = new Map<string, CatalogueEntry>();

  add(apps: Iterable<Pick<DetectedApp, "displayName" | "version" | "deviceCount">>): this {
    for (const a of apps) {
      if (a.deviceCount <= 0) continue;
      // The same name and version on two platforms or in two tenants is one line for the administrator.
      const key = `${a.displayName}\u0000${a.version}`;
      const e = this.counts.get(key);
      if (e) e[2] += a.deviceCount;
      else this.counts.set(key, [a.displayName, a.version, a.deviceCount]);
    }
    return this;
  }

  result(max = MAX_CATALOGUE_APPS): SoftwareCatalogue {
    const all = [...this.counts.values()];
    const byName = (x: CatalogueEntry, y: CatalogueEntry) =>
      x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
    const kept = all.length > max ? [...all].sort((x, y) => y[2] - x[2] || byName(x, y)).slice(0, max) : all;
    const keptInstalls = kept.reduce((n, e) => n + e[2], 0);
    const allInstalls = all.reduce((n, e) => n + e[2], 0);
    return { v: 1, apps: kept.sort(byName), omitted: [all.length - kept.length, allInstalls - keptInstalls] };
  }
}

/** The hidden custom field that carries the catalogue to the configuration form. */
export function catalogueField(c: SoftwareCatalogue): CustomFieldValue {
  return { id: Field.softwareCatalogue, value: JSON.stringify(c) };
}

/** A stored or received catalogue; undefined for anything that is not a valid v1 catalogue. */
export function parseCatalogue(json: string | null | undefined): SoftwareCatalogue | undefined {
  const raw = parseJsonField(json);
  const c = raw as Partial<SoftwareCatalogue>;
  const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (c?.v !== 1 || !Array.isArray(c.apps) || !Array.isArray(c.omitted)) return undefined;
  const ok =
    c.apps.every(
      (e) => Array.isArray(e) && e.length === 3 && typeof e[0] === "string" && typeof e[1] === "string" && count(e[2]),
    ) &&
    c.omitted.length === 2 &&
    c.omitted.every(count);
  return ok ? (c as SoftwareCatalogue) : undefined;
}
