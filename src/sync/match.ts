// Matching decisions: never a duplicate CI, never a silent merge (issue 6). Pure functions over plain values.
import type { LedgerEntry } from "../store/types.js";
import { CI_SOURCE, sourceIdCandidates, type MappedCi } from "./map-device.js";
import { isPlaceholderSerial, serialKey } from "./serial.js";

/** CI statuses 4me treats as inactive (4me-platform.md §8.1, §9). */
export const INACTIVE_CI_STATUSES = ["archived", "to_be_removed", "lost_or_stolen", "removed"] as const;

export function isActiveCiStatus(status: string | null | undefined): boolean {
  return !!status && !(INACTIVE_CI_STATUSES as readonly string[]).includes(status);
}

// ---- (a) duplicates within Intune ------------------------------------------------------------------------------

type DuplicateCandidate = Pick<MappedCi, "tenantId" | "deviceId" | "serialNr" | "lastSeenAt">;

export interface DuplicateResolution<T> {
  winners: T[];
  /** Records that share a serial with a more recently synced record: reported, not written. */
  duplicates: { device: T; winner: T }[];
}

/**
 * Two Intune records with one serial are one physical device enrolled twice: the record Intune heard from last wins.
 * Ties go to the record `preferred` says is already linked to a CI (stable across runs), then to the lower device id.
 * Devices without a usable serial never collide. The order of `winners` follows the input.
 */
export function resolveSerialDuplicates<T extends DuplicateCandidate>(
  devices: readonly T[],
  preferred: (d: T) => boolean = () => false,
): DuplicateResolution<T> {
  const groups = new Map<string, T[]>();
  for (const d of devices) {
    if (!d.serialNr || isPlaceholderSerial(d.serialNr)) continue;
    const key = serialKey(d.serialNr);
    const g = groups.get(key);
    if (g) g.push(d);
    else groups.set(key, [d]);
  }
  const losers = new Map<T, T>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const ranked = [...group].sort((a, b) => compareRecency(a, b) || rank(preferred, a, b) || compareIds(a, b));
    for (const loser of ranked.slice(1)) losers.set(loser, ranked[0]);
  }
  return {
    winners: devices.filter((d) => !losers.has(d)),
    duplicates: devices.filter((d) => losers.has(d)).map((d) => ({ device: d, winner: losers.get(d)! })),
  };
}

function time(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}
const compareRecency = (a: DuplicateCandidate, b: DuplicateCandidate) => time(b.lastSeenAt) - time(a.lastSeenAt) || 0;
const rank = <T>(preferred: (d: T) => boolean, a: T, b: T) => Number(preferred(b)) - Number(preferred(a));
const compareIds = (a: DuplicateCandidate, b: DuplicateCandidate) =>
  a.tenantId + a.deviceId < b.tenantId + b.deviceId ? -1 : 1;

// ---- (b) a device against the CIs in 4me ------------------------------------------------------------------------

export interface ExistingCi {
  id: string;
  serialNr?: string | null;
  status: string;
  source?: string | null;
  sourceID?: string | null;
}

export interface CiIndex {
  bySourceId: Map<string, ExistingCi[]>;
  bySerial: Map<string, ExistingCi[]>;
}

/** Indexes CIs read from 4me by their Intune sourceID and by serial (placeholders left out). */
export function indexExistingCis(cis: readonly ExistingCi[]): CiIndex {
  const index: CiIndex = { bySourceId: new Map(), bySerial: new Map() };
  const add = (m: Map<string, ExistingCi[]>, k: string, ci: ExistingCi) => {
    const list = m.get(k);
    if (list) list.push(ci);
    else m.set(k, [ci]);
  };
  for (const ci of cis) {
    if (ci.sourceID && (ci.source ?? "").toLowerCase() === CI_SOURCE.toLowerCase())
      add(index.bySourceId, ci.sourceID, ci);
    if (ci.serialNr && !isPlaceholderSerial(ci.serialNr)) add(index.bySerial, serialKey(ci.serialNr), ci);
  }
  return index;
}

export type CiMatch =
  /** The ledger already links the device to this CI. */
  | { kind: "ledger"; ciId: string }
  /** A CI carries the device's source and sourceID (`sourceID` is the form found, which may need rewriting). */
  | { kind: "source"; ciId: string; sourceID: string }
  /** An existing CI has the device's serial: it is taken over (gets our source and sourceID). */
  | { kind: "serial"; ciId: string }
  /** Several CIs have the serial and no single active one stands out: nothing is merged, the device is skipped. */
  | { kind: "ambiguous_serial"; ciIds: string[] }
  | { kind: "new" };

export type MatchDevice = Pick<MappedCi, "tenantId" | "deviceId" | "serialNr">;

/** Match order: ledger, then source + sourceID (either form), then serial (trimmed, case-insensitive). */
export function matchCi(device: MatchDevice, ledgerEntry: LedgerEntry | undefined, index: CiIndex): CiMatch {
  if (ledgerEntry?.ciId) return { kind: "ledger", ciId: ledgerEntry.ciId };

  for (const sourceID of sourceIdCandidates(device.tenantId, device.deviceId)) {
    const found = index.bySourceId.get(sourceID);
    if (found?.length) {
      const pick = found.find((c) => isActiveCiStatus(c.status)) ?? found[0];
      return { kind: "source", ciId: pick.id, sourceID };
    }
  }

  if (!device.serialNr || isPlaceholderSerial(device.serialNr)) return { kind: "new" };
  const candidates = index.bySerial.get(serialKey(device.serialNr)) ?? [];
  if (candidates.length === 0) return { kind: "new" };
  if (candidates.length === 1) return { kind: "serial", ciId: candidates[0].id };
  const active = candidates.filter((c) => isActiveCiStatus(c.status));
  if (active.length === 1) return { kind: "serial", ciId: active[0].id };
  return { kind: "ambiguous_serial", ciIds: candidates.map((c) => c.id).sort() };
}
