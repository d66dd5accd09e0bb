// Reads every connected tenant of an account page by page and maps each device. Holds per device only a compact
// record (what the plan and the alerts need) and puts the full mapped CI in a CiStore (loaded again per batch
// written), plus a compact list of devices with compliance trouble (what the alerts need); never raw pages.
import { AuthorizationError } from "../errors.js";
import type { Logger } from "../logger.js";
import { BreakdownAccumulator, type FleetBreakdown } from "../intune/breakdown.js";
import { cloudEndpoints, type CloudOverrides } from "../intune/clouds.js";
import type { IntuneClient } from "../intune/intune-client.js";
import type { IntuneDevice } from "../intune/types.js";
import type { LedgerEntry, TenantRecord } from "../store/types.js";
import { MemoryCiStore, type CiStore } from "./ci-store.js";
import { fingerprintCi } from "./fingerprint.js";
import type { FleetDevice } from "./fleet-device.js";
import { betaSnapshotOf, withLastBetaFields } from "./beta-snapshot.js";
import { mapDevice, type MappedCi } from "./map-device.js";
import { LedgerIndex } from "./ledger-index.js";

/** States whose failing policies are read for alerts (issue 5). */
export const TROUBLED_STATES = new Set(["noncompliant", "inGracePeriod", "conflict", "error"]);

export type TroubledDevice = Pick<
  IntuneDevice,
  "tenantId" | "id" | "deviceName" | "complianceState" | "lastSyncDateTime" | "complianceGracePeriodExpirationDateTime"
>;

export interface FleetRead {
  /** Every device that mapped, compactly; its full CI is in `cis` at its `row`. */
  mapped: FleetDevice[];
  /** The full CIs of `mapped`: the caller closes it when the run ends. */
  cis: CiStore;
  unmapped: { tenantId: string; deviceId: string; reason: string }[];
  /** Tenants whose every page was read: only their missing devices may be retired. */
  completeTenantIds: string[];
  scanComplete: boolean;
  breakdown: FleetBreakdown;
  troubled: TroubledDevice[];
  /** Counts of cleaned values by warning (`cleaned:<warning>`). */
  counts: Record<string, number>;
  errors: string[];
  /** Tenants that refused access during the read. */
  refused: { tenant: TenantRecord; error: AuthorizationError }[];
}

export interface ReadFleetDeps {
  tenants: TenantRecord[];
  clientFor: (tenant: TenantRecord) => IntuneClient;
  microsoft: CloudOverrides;
  ciStatus: string;
  /** Operating-system CIs on: each CI carries its OS family (map-device.ts). */
  osCis?: boolean;
  /**
   * Qualify sourceIDs by tenant: whether the account has several tenants, connected or not. Defaults to several
   * tenants being read; a tenant that is failing for a while must not flip the others' sourceIDs back and forth.
   */
  qualifySourceIds?: boolean;
  now: Date;
  logger: Logger;
  onPage?: (devicesSoFar: number) => void;
  /** Where the full CIs go; in memory unless given (a run passes a SqliteCiStore). */
  cis?: CiStore;
  /**
   * Whether a device's full CI may be written this run (keep it); by default every CI is kept. A run passes
   * `mayBeWritten` with its ledger, so an unchanged re-sync stores no CI at all.
   */
  keepCi?: (device: { tenantId: string; deviceId: string; fingerprint: string }) => boolean;
  /**
   * The account's ledger, which a run holds beside what it reads: a device's record takes the entry's own strings
   * for the values they share (device id, fingerprint, last seen), so an unchanged fleet is not held twice.
   */
  ledger?: LedgerIndex;
}

/**
 * False only for a device whose ledger entry links an active CI written with this very fingerprint: planSync never
 * writes it ("unchanged"; a user retry needs no full CI). New, changed and reactivated devices are kept.
 */
export function mayBeWritten(
  ledger: readonly LedgerEntry[] | LedgerIndex,
): (device: { tenantId: string; deviceId: string; fingerprint: string }) => boolean {
  const index = LedgerIndex.of(ledger);
  return (d) => {
    const e = index.get(d.tenantId, d.deviceId);
    return !(e?.ciId && !e.retired && e.fingerprint && e.fingerprint === d.fingerprint);
  };
}

export async function readFleet(deps: ReadFleetDeps): Promise<FleetRead> {
  const out: FleetRead = {
    mapped: [],
    cis: deps.cis ?? new MemoryCiStore(),
    unmapped: [],
    completeTenantIds: [],
    scanComplete: true,
    breakdown: { v: 1, total: 0, rows: [] },
    troubled: [],
    counts: {},
    errors: [],
    refused: [],
  };
  const acc = new BreakdownAccumulator();
  const shared = new SharedValues();
  const qualify = deps.qualifySourceIds ?? deps.tenants.length > 1;
  let seen = 0;
  const tally = (k: string) => (out.counts[k] = (out.counts[k] ?? 0) + 1);
  /** A device of a page read without its beta fields, with the ones it was last written with (beta-snapshot.ts). */
  const withLastBeta = (d: IntuneDevice): IntuneDevice => {
    const last = deps.ledger?.get(d.tenantId.trim(), d.id.trim())?.beta;
    tally(last ? "beta_fields_kept" : "beta_fields_missing");
    return withLastBetaFields(d, last);
  };
  for (const tenant of deps.tenants) {
    const ctx = {
      adminCenterUrl: cloudEndpoints(tenant.cloud, deps.microsoft).adminCenterUrl,
      now: deps.now,
      qualifySourceId: qualify,
      ciStatus: deps.ciStatus,
      osCis: deps.osCis,
    };
    try {
      for await (const page of deps.clientFor(tenant).readDevices()) {
        for (const s of page.skipped) {
          out.unmapped.push({ tenantId: tenant.tenantId!, deviceId: s.id ?? "(no id)", reason: s.reason });
        }
        acc.add(page.devices);
        for (const read of page.devices) {
          const device = page.beta === false ? withLastBeta(read) : read;
          const result = mapDevice(device, ctx);
          if (!result.ok) {
            out.unmapped.push({ tenantId: result.tenantId, deviceId: result.deviceId, reason: result.reason });
            continue;
          }
          const beta = shared.string(betaSnapshotOf(device), 256);
          out.mapped.push(compact(shared.ci(result.ci), beta, out.cis, deps.keepCi, deps.ledger));
          for (const w of result.warnings) tally(`cleaned:${w}`);
          if (device.complianceState && TROUBLED_STATES.has(device.complianceState)) {
            out.troubled.push({
              tenantId: device.tenantId,
              id: device.id,
              deviceName: device.deviceName,
              complianceState: device.complianceState,
              lastSyncDateTime: device.lastSyncDateTime,
              complianceGracePeriodExpirationDateTime: device.complianceGracePeriodExpirationDateTime,
            });
          }
        }
        seen += page.devices.length + page.skipped.length;
        deps.onPage?.(seen);
      }
      out.completeTenantIds.push(tenant.tenantId!);
    } catch (err) {
      // An incomplete scan never retires anything (issue 6); the devices read so far are still written.
      out.scanComplete = false;
      if (err instanceof AuthorizationError) out.refused.push({ tenant, error: err });
      out.errors.push(`${tenant.domain}: ${(err as Error).message}`);
      deps.logger.warn({ tenant: tenant.domain, err: (err as Error).message }, "tenant read stopped early");
    }
  }
  out.breakdown = acc.result();
  return out;
}

/** The record a run holds for a mapped device; the CI itself goes to the store. */
function compact(
  ci: MappedCi,
  beta: string | undefined,
  cis: CiStore,
  keep: ReadFleetDeps["keepCi"],
  ledger?: LedgerIndex,
): FleetDevice {
  const compliance = ci.customFields.find((f) => f.id === "intune_compliance")?.value;
  const known = ledger?.get(ci.tenantId, ci.deviceId);
  const same = <T>(mine: T, theirs: T | undefined): T => (theirs !== undefined && theirs === mine ? theirs : mine);
  const fingerprint = same(fingerprintCi(ci), known?.fingerprint);
  const deviceId = known?.deviceId ?? ci.deviceId;
  const lastSeenAt = same(ci.lastSeenAt, known?.lastSeenAt);
  return {
    tenantId: ci.tenantId,
    deviceId,
    deviceClass: ci.deviceClass,
    name: ci.name,
    sourceID: ci.sourceID === ci.deviceId ? deviceId : ci.sourceID,
    product: ci.product,
    fingerprint,
    row: !keep || keep({ tenantId: ci.tenantId, deviceId, fingerprint }) ? cis.put(ci) : -1,
    ...(ci.serialNr !== undefined ? { serialNr: ci.serialNr } : {}),
    ...(lastSeenAt !== undefined ? { lastSeenAt } : {}),
    ...(ci.primaryUser ? { primaryUser: ci.primaryUser } : {}),
    ...(typeof compliance === "string" ? { compliance } : {}),
    ...(beta !== undefined ? { beta: same(beta, known?.beta) } : {}),
  };
}

/** Custom fields whose value is one per device: never worth sharing. */
const PER_DEVICE_FIELDS = new Set(["intune_entra_device_id", "intune_imei", "intune_phone_number"]);

/**
 * A run holds every mapped CI until it ends, and a fleet repeats itself: the same tenant id, product, device class,
 * OS version and model on thousands of devices, and on each device the same id, link, date and e-mail in several
 * fields. Parsed from JSON, each is its own copy. Equal values are made one instance here (a quarter of a mapped
 * CI's memory); the values themselves do not change. Objects are shared read-only: nothing writes to a MappedCi.
 */
class SharedValues {
  private readonly strings = new Map<string, string>();
  private readonly objects = new Map<string, object>();
  private readonly fields = new Map<string, MappedCi["customFields"][number]>();

  ci(ci: MappedCi): MappedCi {
    const own = new Map<string, string>();
    for (const v of [ci.deviceId, ci.sourceID, ci.systemID, ci.lastSeenAt, ci.inUseSince, ci.primaryUser?.upn])
      if (v && !own.has(v)) own.set(v, v);
    const mine = <T>(v: T): T => (typeof v === "string" ? ((own.get(v) as T | undefined) ?? v) : v);
    const user = ci.primaryUser;
    return {
      ...ci,
      tenantId: this.string(ci.tenantId),
      sourceID: mine(ci.sourceID),
      deviceClass: this.object(ci.deviceClass),
      product: this.object(ci.product),
      ...(user ? { primaryUser: { ...user, ...(user.email ? { email: mine(user.email) } : {}) } } : {}),
      customFields: ci.customFields.map((f) =>
        own.has(f.value as string) || PER_DEVICE_FIELDS.has(f.id) ? { id: f.id, value: mine(f.value) } : this.field(f),
      ),
    };
  }

  /** Short strings are shared; a cap keeps a fleet of unique values from growing the table without end. */
  string<T>(v: T, maxLength = 64): T {
    if (typeof v !== "string" || v.length > maxLength) return v;
    const known = this.strings.get(v);
    if (known !== undefined) return known as T;
    if (this.strings.size < 20_000) this.strings.set(v, v);
    return v;
  }

  /** A field with a value many devices share ("intune_os": "Windows") is one object for all of them. */
  private field(f: MappedCi["customFields"][number]): MappedCi["customFields"][number] {
    const v = f.value;
    if (typeof v === "string" && v.length > 64) return f;
    const key = `${f.id}\u0000${typeof v}\u0000${String(v)}`;
    const known = this.fields.get(key);
    if (known) return known;
    if (this.fields.size < 20_000) this.fields.set(key, f);
    return f;
  }

  private object<T extends object>(v: T): T {
    const key = JSON.stringify(v);
    const known = this.objects.get(key);
    if (known) return known as T;
    if (this.objects.size < 5_000) this.objects.set(key, v);
    return v;
  }
}
