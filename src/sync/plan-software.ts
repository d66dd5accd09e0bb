// Tracked software → software CIs and their relations, planned against what is recorded. Pure (no I/O).
//
// One software CI per tracked application and version line (the major version: "16.0.14332.20812" → 16), shared by
// every tenant, with the stable sourceID `app:<normalised name>:<line>`; the same name and line on two platforms or
// in two tenants is one CI. Its relations point at the device CIs the app is installed on (software CI → device
// CIs). Only differences with the record are planned, so an unchanged run plans nothing to write.
// A recorded software CI whose name still matches a pattern but that no device has any more loses its relations
// (uninstalled everywhere); one that no pattern matches any more is left as it is (no longer tracked: not ours to
// change, as the import leaves excluded devices alone by default).
import { APP_CI_PREFIX } from "./software-ci.js";
import { matchingPattern, normaliseName } from "./software-patterns.js";

/** A tracked detected app as read from one tenant (detected-apps-reader.ts). */
export interface ReadApp {
  displayName: string;
  version: string;
  publisher: string;
  deviceIds: readonly string[];
}

export interface TenantApps {
  tenantId: string;
  apps: readonly ReadApp[];
}

/** A software CI as recorded by an earlier run. */
export interface RecordedSoftwareCi {
  sourceID: string;
  ciId: string;
  name: string;
  /** The application name it was created for (matched against the patterns). */
  appName: string;
  /** Device CI ids it is related to. */
  deviceCiIds: readonly string[];
}

export interface SoftwareCiPlan {
  sourceID: string;
  /** Recorded CI id, absent when the CI is to be created. */
  ciId?: string;
  name: string;
  appName: string;
  versionLine: string;
  publisher: string;
  /** Every version read within the line, sorted. */
  versions: string[];
  /** The CI's own fields differ from the record (or it is new). */
  write: boolean;
  /** Device CI ids to relate and to unrelate. */
  relate: string[];
  unrelate: string[];
  /** Every device CI id it should be related to after this run, sorted. */
  deviceCiIds: string[];
}

export interface SoftwarePlan {
  /** Only the CIs with something to write: new, renamed or with relations to add or remove. */
  changes: SoftwareCiPlan[];
  /** Software CIs read and already as recorded. */
  unchanged: number;
  /** Recorded software CIs no pattern matches any more: left as they are. */
  untracked: number;
  /** Installations on devices without a CI (excluded by the filters or not imported yet): not related. */
  withoutDeviceCi: number;
}

/** The version line of a version: its first number ("24.004.20220" → "24", "6.2.11 (49350)" → "6"), or "". */
export function versionLine(version: string): string {
  const m = /\d+/.exec(version);
  return m ? String(Number(m[0])) : "";
}

export function softwareSourceId(appName: string, line: string): string {
  return `${APP_CI_PREFIX}${normaliseName(appName).toLowerCase()}:${line}`;
}

function ciName(appName: string, line: string): string {
  return line ? `${appName} ${line}.x` : appName;
}

/** The most frequent value, ties to the alphabetically first: the same answer whatever the read order. */
function mostCommon(counts: Map<string, number>): string {
  let best = "";
  let n = -1;
  for (const [v, c] of counts) if (c > n || (c === n && v < best)) [best, n] = [v, c];
  return best;
}

interface Group {
  line: string;
  names: Map<string, number>;
  publishers: Map<string, number>;
  versions: Set<string>;
  deviceCiIds: Set<string>;
}

export function planSoftware(input: {
  patterns: readonly string[];
  reads: readonly TenantApps[];
  /** The CI id of an Intune device of a tenant, if it has one. */
  ciOfDevice: (tenantId: string, deviceId: string) => string | undefined;
  recorded: readonly RecordedSoftwareCi[];
}): SoftwarePlan {
  const groups = new Map<string, Group>();
  let withoutDeviceCi = 0;
  for (const { tenantId, apps } of input.reads) {
    for (const app of apps) {
      const name = normaliseName(app.displayName);
      // The reader keeps matching apps only; checked again so a stale read cannot bring in an untracked app.
      if (!name || !matchingPattern(input.patterns, name)) continue;
      const line = versionLine(app.version);
      const key = softwareSourceId(name, line);
      let g = groups.get(key);
      if (!g) {
        g = { line, names: new Map(), publishers: new Map(), versions: new Set(), deviceCiIds: new Set() };
        groups.set(key, g);
      }
      const weight = app.deviceIds.length;
      g.names.set(name, (g.names.get(name) ?? 0) + weight);
      if (app.publisher) g.publishers.set(app.publisher, (g.publishers.get(app.publisher) ?? 0) + weight);
      if (app.version) g.versions.add(app.version);
      for (const id of app.deviceIds) {
        const ci = input.ciOfDevice(tenantId, id);
        if (ci) g.deviceCiIds.add(ci);
        else withoutDeviceCi++;
      }
    }
  }

  const recordedBySource = new Map(input.recorded.map((r) => [r.sourceID, r]));
  const changes: SoftwareCiPlan[] = [];
  let unchanged = 0;
  for (const [sourceID, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const recorded = recordedBySource.get(sourceID);
    // Installed only on devices the import leaves out: no CI of its own until one of them is imported.
    if (!recorded && g.deviceCiIds.size === 0) continue;
    const appName = mostCommon(g.names);
    const plan = diff(recorded, {
      sourceID,
      name: ciName(appName, g.line),
      appName,
      versionLine: g.line,
      publisher: mostCommon(g.publishers),
      versions: [...g.versions].sort(),
      deviceCiIds: [...g.deviceCiIds].sort(),
    });
    if (plan) changes.push(plan);
    else unchanged++;
  }

  let untracked = 0;
  for (const r of input.recorded) {
    if (groups.has(r.sourceID)) continue;
    if (!matchingPattern(input.patterns, r.appName)) {
      untracked++;
      continue;
    }
    // Still tracked, installed nowhere now: keep the CI, drop its relations.
    const line = r.sourceID.slice(r.sourceID.lastIndexOf(":") + 1);
    const plan = diff(r, {
      sourceID: r.sourceID,
      name: r.name,
      appName: r.appName,
      versionLine: line,
      publisher: "",
      versions: [],
      deviceCiIds: [],
    });
    if (plan) changes.push({ ...plan, write: false });
    else unchanged++;
  }
  return { changes, unchanged, untracked, withoutDeviceCi };
}

function diff(
  recorded: RecordedSoftwareCi | undefined,
  want: Omit<SoftwareCiPlan, "ciId" | "write" | "relate" | "unrelate">,
): SoftwareCiPlan | null {
  const had = new Set(recorded?.deviceCiIds ?? []);
  const wanted = new Set(want.deviceCiIds);
  const relate = want.deviceCiIds.filter((id) => !had.has(id));
  const unrelate = [...had].filter((id) => !wanted.has(id)).sort();
  const write = !recorded || recorded.name !== want.name;
  if (!write && relate.length === 0 && unrelate.length === 0) return null;
  return { ...want, ...(recorded ? { ciId: recorded.ciId } : {}), write, relate, unrelate };
}
