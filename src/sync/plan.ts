// The sync plan: which devices to write, which CIs to retire or reactivate, what to skip. Pure: `now` is passed in.
// Input is every device one run read from Intune (already mapped), the ledger and the settings; output is a list of
// decisions the orchestration (run-sync) carries out. Matching against 4me happens later, for new devices only.
import type { RetireStatus } from "../app-instance/settings.js";
import type { LedgerEntry } from "../store/types.js";
import { exclusionReason, type ExclusionReason, type ImportFilters } from "./filters.js";
import { fingerprintCi } from "./fingerprint.js";
import type { FleetDevice } from "./fleet-device.js";
import type { MappedCi } from "./map-device.js";
import { LedgerIndex } from "./ledger-index.js";
import { resolveSerialDuplicates } from "./match.js";

/** `discoveredConfigurationItems` takes at most 100 CIs per call (4me-platform.md §8.6). */
export const BULK_LIMIT = 100;

/** A device to plan: a full mapped CI, or the compact record a run holds (with its fingerprint computed). */
export type PlanDevice = MappedCi | FleetDevice;

function fingerprintOf(d: PlanDevice): string {
  return "fingerprint" in d ? d.fingerprint : fingerprintCi(d);
}

export interface PlanSyncInput<D extends PlanDevice = MappedCi> {
  /** Every device of this run that mapped, in scope or not. */
  devices: readonly D[];
  /** Devices read but not mappable (mapDevice's skips): counted, and never retired since they are still in Intune. */
  unmapped?: readonly { tenantId: string; deviceId: string; reason: string }[];
  /** The account's ledger; a run passes the index it already built for the read. */
  ledger: readonly LedgerEntry[] | LedgerIndex;
  filters: ImportFilters;
  /** False when any read failed mid-way: then nothing is retired for being gone. */
  scanComplete: boolean;
  /** When given, only devices of these tenants can be retired for being gone (tenants whose scan completed). */
  completeTenantIds?: readonly string[];
  now: Date;
  retireStatus: RetireStatus;
  /** What happens to imported devices that the filters, or a tenant's removal from the form, now leave out. */
  excludedAction: "leave" | "retire";
  /**
   * Tenants the administrator removed from the form (see `removedTenantIds`): their imported devices are left out
   * like excluded ones, so `excludedAction` decides whether their CIs are retired.
   */
  removedTenantIds?: readonly string[];
  /** Devices per bulk call; defaults to BULK_LIMIT. */
  chunkSize?: number;
}

/** new: no CI linked yet; changed: fingerprint differs; reactivated: CI was retired; user: only the user lookup is retried. */
export type WriteReason = "new" | "changed" | "reactivated" | "user";

export interface WriteItem<D extends PlanDevice = MappedCi> {
  ci: D;
  /** Store this in the ledger once the write succeeded. */
  fingerprint: string;
  reason: WriteReason;
  /** The device's ledger entry, if any (its ciId, userId). */
  ledger?: LedgerEntry;
}

export interface RetireItem {
  ledgerEntry: LedgerEntry;
  /** CI status to set. */
  status: Exclude<RetireStatus, "leave">;
  /** Text for the CI's remarks: when and why. Append it; do not replace remarks someone else wrote. */
  remark: string;
  why: "gone" | "tenant_removed" | ExclusionReason;
}

export interface SkippedDevice {
  tenantId: string;
  deviceId: string;
  reason: string;
  /** For duplicate_serial: the device id that won. */
  detail?: string;
}

export interface SyncPlan<D extends PlanDevice = MappedCi> {
  /** New, changed and reactivated devices, in input order. */
  toWrite: WriteItem<D>[];
  /** `toWrite` in bulk calls of at most `chunkSize`. */
  batches: WriteItem<D>[][];
  /** Devices in scope whose fingerprint is unchanged: nothing is written for them. */
  unchanged: number;
  toRetire: RetireItem[];
  /** The subset of `toWrite` that brings a retired CI back (status is set to the mapped status by the write). */
  toReactivate: WriteItem<D>[];
  /**
   * Unchanged devices with a primary user but no 4me person linked yet (not found last time). Look them up; write
   * only those now found. Costs lookups, never mutations, when nothing changed.
   */
  userRetry: WriteItem<D>[];
  /**
   * Ledger entries whose CI another device of this run now owns (a re-enrolled device took it over by serial):
   * store them as given (retired, ciId cleared) and do not touch 4me, so retiring the old record never retires
   * the CI the new record uses.
   */
  superseded: LedgerEntry[];
  /**
   * Unchanged devices whose ledger entry does not hold the beta fields this read had (written before the ledger kept
   * them, beta-snapshot.ts): recorded in the ledger before the writes, with no 4me call.
   */
  betaToRecord: LedgerEntry[];
  excluded: { tenantId: string; deviceId: string; reason: ExclusionReason }[];
  skipped: SkippedDevice[];
  /** seen, in_scope, to_create, to_update, to_reactivate, unchanged, to_retire, superseded, user_retry,
   *  excluded:<reason>, skipped:<reason>. */
  counts: Record<string, number>;
}

export function planSync<D extends PlanDevice = MappedCi>(input: PlanSyncInput<D>): SyncPlan<D> {
  const counts: Record<string, number> = {};
  const count = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  const unmapped = input.unmapped ?? [];
  const ledger = LedgerIndex.of(input.ledger);
  const plan: SyncPlan<D> = {
    toWrite: [],
    batches: [],
    unchanged: 0,
    toRetire: [],
    toReactivate: [],
    userRetry: [],
    superseded: [],
    betaToRecord: [],
    excluded: [],
    skipped: [],
    counts,
  };
  count("seen", input.devices.length + unmapped.length);
  for (const u of unmapped) skip(plan, count, { tenantId: u.tenantId, deviceId: u.deviceId, reason: u.reason });

  // Until the administrator activates the import nothing is written and nothing is retired.
  if (!input.filters.active) {
    count("excluded:inactive", input.devices.length);
    return plan;
  }

  const inScope: D[] = [];
  for (const ci of input.devices) {
    const reason = exclusionReason(ci.deviceClass, input.filters);
    if (reason === null) inScope.push(ci);
    else {
      plan.excluded.push({ tenantId: ci.tenantId, deviceId: ci.deviceId, reason });
      count(`excluded:${reason}`);
    }
  }
  count("in_scope", inScope.length);

  const linked = (ci: D) => {
    const e = ledger.get(ci.tenantId, ci.deviceId);
    return !!e?.ciId && !e.retired;
  };
  const { winners, duplicates } = resolveSerialDuplicates(inScope, linked);
  for (const d of duplicates) {
    const { tenantId, deviceId } = d.device;
    skip(plan, count, { tenantId, deviceId, reason: "duplicate_serial", detail: d.winner.deviceId });
  }

  for (const ci of winners) {
    const entry = ledger.get(ci.tenantId, ci.deviceId);
    const fingerprint = fingerprintOf(ci);
    const item = (reason: WriteReason): WriteItem<D> => ({
      ci,
      fingerprint,
      reason,
      ...(entry ? { ledger: entry } : {}),
    });
    if (!entry?.ciId) {
      plan.toWrite.push(item("new"));
      count("to_create");
    } else if (entry.retired) {
      const it = item("reactivated");
      plan.toWrite.push(it);
      plan.toReactivate.push(it);
      count("to_reactivate");
    } else if (entry.fingerprint !== fingerprint) {
      plan.toWrite.push(item("changed"));
      count("to_update");
    } else {
      plan.unchanged++;
      const beta = "beta" in ci ? ci.beta : undefined;
      const recorded = beta !== undefined && beta !== entry.beta ? { ...entry, beta } : entry;
      if (recorded !== entry) plan.betaToRecord.push(recorded);
      // A user retry records its entry again: with the beta fields, or it would undo the line above.
      if (ci.primaryUser && !entry.userId) plan.userRetry.push({ ...item("user"), ledger: recorded });
    }
  }
  counts.unchanged = plan.unchanged;
  if (plan.userRetry.length) count("user_retry", plan.userRetry.length);

  planRetirement(input, ledger, plan, count, winners);
  plan.batches = chunk(plan.toWrite, input.chunkSize ?? BULK_LIMIT);
  return plan;
}

function planRetirement<D extends PlanDevice>(
  input: PlanSyncInput<D>,
  ledger: LedgerIndex,
  plan: SyncPlan<D>,
  count: (k: string, n?: number) => void,
  winners: readonly D[],
): void {
  // Ledger entries are marked by identity (sets of the entries themselves), not by a key string per device.
  const entryOf = (d: { tenantId: string; deviceId: string }) => ledger.get(d.tenantId, d.deviceId);
  const present = new Set<LedgerEntry | undefined>();
  for (const d of input.devices) present.add(entryOf(d));
  for (const d of input.unmapped ?? []) present.add(entryOf(d));
  const excluded = new Map(plan.excluded.map((e) => [entryOf(e), e.reason]));
  const winnerEntries = new Set(winners.map(entryOf));
  // CIs the ledger links to a device written (or kept) this run: no other ledger entry may retire them.
  const claimed = new Set<string>();
  for (const e of winnerEntries) if (e?.ciId && !e.retired) claimed.add(e.ciId);
  const complete = input.completeTenantIds ? new Set(input.completeTenantIds) : undefined;
  const removed = new Set(input.removedTenantIds ?? []);
  const when = input.now.toISOString().slice(0, 16).replace("T", " ") + " UTC";

  for (const entry of ledger.entries) {
    if (entry.retired || !entry.ciId) continue;
    if (winnerEntries.has(entry)) continue;
    const tenantRemoved = removed.has(entry.tenantId);
    // A removed tenant's devices were not read: they are left out by the administrator, not gone from Intune.
    const isGone = !present.has(entry) && !tenantRemoved;
    const exclusion = excluded.get(entry);
    const wantsRetire =
      (isGone && input.scanComplete && (!complete || complete.has(entry.tenantId))) ||
      ((exclusion !== undefined || tenantRemoved) && input.excludedAction === "retire");
    if (!wantsRetire) continue;

    if (claimed.has(entry.ciId)) {
      plan.superseded.push({ ...entry, ciId: undefined, retired: true });
      count("superseded");
      continue;
    }
    if (isGone) {
      if (input.retireStatus === "leave") continue;
      const status = input.retireStatus;
      plan.toRetire.push({
        ledgerEntry: entry,
        status,
        why: "gone",
        remark: `${when}: the Intune connector set this CI to ${status}: Intune device ${entry.deviceId} (tenant ${entry.tenantId}) was no longer in Intune.`,
      });
    } else {
      // Retiring an excluded device is an explicit choice in the form, so it applies even when gone devices are left.
      const status = input.retireStatus === "leave" ? "removed" : input.retireStatus;
      plan.toRetire.push({
        ledgerEntry: entry,
        status,
        why: exclusion ?? "tenant_removed",
        remark: exclusion
          ? `${when}: the Intune connector set this CI to ${status}: the import filters now exclude Intune device ${entry.deviceId} (${EXCLUSION_TEXT[exclusion]}).`
          : `${when}: the Intune connector set this CI to ${status}: the Intune tenant ${entry.tenantId} of device ${entry.deviceId} was removed from the connector's configuration.`,
      });
    }
    count("to_retire");
  }
}

/**
 * Tenants of imported devices that are no longer in the form. Only when every tenant in the form has a known
 * directory id: a tenant whose domain no longer resolves has none, and its devices must not pass for removed ones.
 */
export function removedTenantIds(
  ledger: readonly LedgerEntry[] | LedgerIndex,
  tenantsInForm: readonly { tenantId?: string | null }[],
): string[] {
  if (tenantsInForm.some((t) => !t.tenantId)) return [];
  const inForm = new Set(tenantsInForm.map((t) => t.tenantId));
  const removed = new Set<string>();
  for (const e of LedgerIndex.of(ledger).entries) if (!inForm.has(e.tenantId)) removed.add(e.tenantId);
  return [...removed];
}

const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  inactive: "the import is not active",
  platform: "its platform is not imported",
  personal: "personally owned computers are not imported",
  no_primary_user: "only devices with a primary user are imported",
  user_deleted: "devices whose user was deleted are not imported",
};

function skip(plan: SyncPlan<PlanDevice>, count: (k: string) => void, s: SkippedDevice): void {
  plan.skipped.push(s);
  count(`skipped:${s.reason}`);
}

/** Splits into consecutive chunks of at most `size` (≥1). */
export function chunk<T>(items: readonly T[], size: number = BULK_LIMIT): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---- users -------------------------------------------------------------------------------------------------------

export interface UserPlan {
  /** The CI's users after the change. */
  userIds: string[];
  changed: boolean;
  /** The person the connector now owns on this CI: store it in the ledger. */
  ledgerUserId?: string;
}

/**
 * When the primary user changes, the CI's users follow: only the user the connector set (the ledger's userId) is
 * replaced; users somebody else added stay. `currentUserIds` are the CI's users as read from 4me.
 */
export function planUserChange(
  currentUserIds: readonly string[],
  ledgerUserId: string | undefined,
  newUserId: string | undefined,
): UserPlan {
  const userIds = currentUserIds.filter((id) => id !== ledgerUserId || id === newUserId);
  if (newUserId && !userIds.includes(newUserId)) userIds.push(newUserId);
  const changed = userIds.length !== currentUserIds.length || userIds.some((id) => !currentUserIds.includes(id));
  return { userIds, changed, ...(newUserId ? { ledgerUserId: newUserId } : {}) };
}

/**
 * How a write can carry the user without reading the CI first: "append" fits the bulk upload (APPEND strategy);
 * "replace" needs the CI's current users (read them, then `planUserChange` and a single update).
 */
export function userWriteMode(
  ledgerUserId: string | undefined,
  newUserId: string | undefined,
): "none" | "append" | "replace" {
  if (ledgerUserId === newUserId) return "none";
  if (!ledgerUserId) return "append";
  return "replace";
}
