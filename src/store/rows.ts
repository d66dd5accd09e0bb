// Database rows and their mapping to the store's records, for both dialects: SQLite gives 0/1, ISO text and JSON
// text where PostgreSQL gives booleans, Dates and parsed jsonb. NULL becomes absent.
import type {
  SoftwareCiEntry,
  AlertEntry,
  AlertState,
  InstanceRecord,
  LedgerEntry,
  RunStatus,
  SyncRun,
  TenantBinding,
  TenantRecord,
  TenantStatus,
} from "./types.js";
import type { Cloud } from "../intune/clouds.js";

type Nullable<T> = T | null;
type Bool = number | boolean;
type Time = string | Date;
type Json = string | object;

export interface InstanceRow {
  account: string;
  app_instance_id: Nullable<string>;
  offering_reference: string;
  disabled: Bool;
  suspended: Bool;
  enabled_by_customer: Bool;
  settings: Nullable<Json>;
  settings_fingerprint?: Nullable<string>;
  breakdown: Nullable<string>;
  created_at: Time;
  updated_at: Time;
}

export interface TenantBindingRow {
  tenant_id: string;
  cloud: string;
  account: string;
  app_instance_id: string;
  bound_by: string;
  bound_at: Time;
}

export function toTenantBinding(r: TenantBindingRow): TenantBinding {
  return {
    tenantId: r.tenant_id,
    cloud: r.cloud as Cloud,
    account: r.account,
    appInstanceId: r.app_instance_id,
    boundBy: r.bound_by,
    boundAt: time(r.bound_at),
  };
}

export interface TenantRow {
  account: string;
  slot: number;
  domain: string;
  cloud: string;
  tenant_id: Nullable<string>;
  status: string;
  reason: Nullable<string>;
  updated_at: Time;
}

export interface RunRow {
  id: string;
  account: string;
  run_trigger: string;
  status: string;
  started_at: Time;
  ended_at: Nullable<Time>;
  heartbeat_at?: Nullable<Time>;
  counts: Json;
  errors: Json;
}

export interface LedgerRow {
  account: string;
  tenant_id: string;
  device_id: string;
  ci_id: Nullable<string>;
  product_id: Nullable<string>;
  fingerprint: Nullable<string>;
  last_seen_at: Time;
  retired: Bool;
  user_id: Nullable<string>;
  /** Absent from rows read before migration 6 ran (never in practice: migrations run at start). */
  beta?: Nullable<string>;
}

export interface AlertRow {
  account: string;
  tenant_id: string;
  device_id: string;
  request_id: Nullable<string>;
  state: string;
  detail_hash: string;
  detail: string;
  previous_request_id: Nullable<string>;
  updated_at: Time;
}

/** NULL becomes absent, so records read back equal what was written. */
const opt = <T>(v: Nullable<T>): T | undefined => (v === null ? undefined : v);

const bool = (v: Bool): boolean => v === true || v === 1;
const time = (v: Time): string => (v instanceof Date ? v.toISOString() : v);
const json = <T>(v: Json): T => (typeof v === "string" ? JSON.parse(v) : v) as T;

/** Drops keys whose value is undefined, so deep equality with a written record holds. */
export function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

export function toInstance(r: InstanceRow): InstanceRecord {
  return compact({
    account: r.account,
    appInstanceId: opt(r.app_instance_id),
    offeringReference: r.offering_reference,
    disabled: bool(r.disabled),
    suspended: bool(r.suspended),
    enabledByCustomer: bool(r.enabled_by_customer),
    settings: r.settings === null ? undefined : json<InstanceRecord["settings"]>(r.settings),
    settingsFingerprint: opt(r.settings_fingerprint ?? null),
    breakdown: opt(r.breakdown),
    createdAt: time(r.created_at),
    updatedAt: time(r.updated_at),
  });
}

export function toTenant(r: TenantRow): TenantRecord {
  return compact({
    account: r.account,
    slot: r.slot,
    domain: r.domain,
    cloud: r.cloud as Cloud,
    tenantId: opt(r.tenant_id),
    status: r.status as TenantStatus,
    reason: opt(r.reason),
    updatedAt: time(r.updated_at),
  });
}

export function toRun(r: RunRow): SyncRun {
  return compact({
    id: r.id,
    account: r.account,
    trigger: r.run_trigger,
    status: r.status as RunStatus,
    startedAt: time(r.started_at),
    endedAt: r.ended_at === null ? undefined : time(r.ended_at),
    heartbeatAt: r.heartbeat_at === null || r.heartbeat_at === undefined ? undefined : time(r.heartbeat_at),
    counts: json<Record<string, number>>(r.counts),
    errors: json<string[]>(r.errors),
  });
}

/**
 * A reader of one ledger's rows. Hand-unrolled rather than compact(): a ledger read maps 100k rows. The values a
 * ledger repeats on every row (its account, tenants and products) come back as one string each rather than a copy
 * per row: at 100,000 devices that is ~10 MB of a run's memory (issue 6).
 */
export function ledgerReader(): (r: LedgerRow) => LedgerEntry {
  const shared = new Map<string, string>();
  const one = (v: string): string => {
    const known = shared.get(v);
    if (known !== undefined) return known;
    // Bounded: a ledger of unique values (products are few, but nothing forces it) must not grow this without end.
    if (shared.size < 10_000) shared.set(v, v);
    return v;
  };
  return (r) => {
    // The usual row, with every value, in one literal: its fields then sit in the object itself. Adding them one by
    // one gives each of 100k entries a second, out-of-object property array.
    const beta = r.beta ?? null;
    if (r.ci_id !== null && r.product_id !== null && r.fingerprint !== null && r.user_id !== null && beta !== null)
      return {
        account: one(r.account),
        tenantId: one(r.tenant_id),
        deviceId: r.device_id,
        ciId: r.ci_id,
        productId: one(r.product_id),
        fingerprint: r.fingerprint,
        lastSeenAt: time(r.last_seen_at),
        retired: bool(r.retired),
        userId: r.user_id,
        // Few distinct values (join type, edition, chassis): one string each, like the products.
        beta: one(beta),
      };
    const e: LedgerEntry = {
      account: one(r.account),
      tenantId: one(r.tenant_id),
      deviceId: r.device_id,
      lastSeenAt: time(r.last_seen_at),
      retired: bool(r.retired),
    };
    if (r.ci_id !== null) e.ciId = r.ci_id;
    if (r.product_id !== null) e.productId = one(r.product_id);
    if (r.fingerprint !== null) e.fingerprint = r.fingerprint;
    if (r.user_id !== null) e.userId = r.user_id;
    if (beta !== null) e.beta = one(beta);
    return e;
  };
}

export function toAlert(r: AlertRow): AlertEntry {
  return compact({
    account: r.account,
    tenantId: r.tenant_id,
    deviceId: r.device_id,
    requestId: opt(r.request_id),
    state: r.state as AlertState,
    detailHash: r.detail_hash,
    detail: r.detail,
    previousRequestId: opt(r.previous_request_id),
    updatedAt: time(r.updated_at),
  });
}

export interface SoftwareCiRow {
  account: string;
  source_id: string;
  ci_id: string;
  name: string;
  app_name: string;
  /** JSON array of device CI ids. */
  device_ci_ids: string;
}

export function toSoftwareCi(r: SoftwareCiRow): SoftwareCiEntry {
  return {
    account: r.account,
    sourceID: r.source_id,
    ciId: r.ci_id,
    name: r.name,
    appName: r.app_name,
    deviceCiIds: JSON.parse(r.device_ci_ids) as string[],
  };
}
