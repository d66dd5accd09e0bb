// The instance store: everything the connector keeps per app instance (one customer account that installed the
// offering). Two implementations (sqlite/, postgres/) pass one contract suite (test/unit/store/contract.ts).
// Secret values are sealed (AES-256-GCM) inside the implementation and only ever returned unsealed here.
import type { InstanceSettings } from "../app-instance/settings.js";
import type { Cloud } from "../intune/clouds.js";

/** Parts of `app_instance.secrets-update`; each delivery carries only what changed. */
export interface InstanceSecrets {
  application?: { nodeID?: string; client_id: string; client_secret: string };
  authorization_application?: { nodeID?: string; client_id: string; client_secret: string };
  policy?: { nodeID?: string; algorithm: string; public_key: string; audience?: string | null; issuer?: string | null };
  /** Values of form fields marked data-secret, by field id. */
  secrets?: Record<string, string>;
}

/**
 * What `mergeSecrets` takes: the parts that came. A part set to null is removed; inside `secrets`, a field set to
 * null is removed and the other fields are kept (each delivery carries only what changed).
 */
export type SecretsPatch = {
  [K in Exclude<keyof InstanceSecrets, "secrets">]?: InstanceSecrets[K] | null;
} & { secrets?: Record<string, string | null> | null };

export interface InstanceRecord {
  /** Customer account id, e.g. "widget". The key. */
  account: string;
  /** Node id of the AppInstance record in the provider account. */
  appInstanceId?: string;
  offeringReference: string;
  disabled: boolean;
  suspended: boolean;
  enabledByCustomer: boolean;
  settings?: InstanceSettings;
  /**
   * Fingerprint of the customer-owned settings (and whether the instance may run) that the last refresh saw
   * (app-instance/settings-fingerprint.ts). A refresh queues a sync only when it changes, so the connector's own
   * writes to the app instance, which 4me echoes as app_instance.update, never start a sync.
   */
  settingsFingerprint?: string;
  /** Compact JSON of the fleet breakdown last computed (see sync/breakdown.ts). */
  breakdown?: string;
  createdAt: string;
  updatedAt: string;
}

export type TenantStatus = "pending_consent" | "connected" | "failed" | "resolving";

export interface TenantRecord {
  account: string;
  /** Form slot (1-based) the tenant was entered in. */
  slot: number;
  domain: string;
  cloud: Cloud;
  /** Entra tenant GUID once the domain resolved. */
  tenantId?: string;
  status: TenantStatus;
  /** Human reason when failed, shown in the form. */
  reason?: string;
  updatedAt: string;
}

/**
 * Which 4me account may read an Entra tenant: created only by a verified sign-in of an administrator of that tenant
 * for that account (intune/sign-in-answer.ts). Keyed by tenant id: one account at a time holds a tenant.
 */
export interface TenantBinding {
  /** Entra tenant GUID, lower-case. */
  tenantId: string;
  cloud: Cloud;
  account: string;
  /** The app instance the administrator signed in for; empty for a binding carried over by the upgrade. */
  appInstanceId: string;
  /** Object id of the administrator who signed in (`upgrade` for a binding carried over from before bindings). */
  boundBy: string;
  boundAt: string;
}

export type RunStatus = "running" | "succeeded" | "failed" | "partial";

export interface SyncRun {
  id: string;
  account: string;
  trigger: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  /** A running run's last heartbeat: a run silent for longer than the stale window was left by a crash. */
  heartbeatAt?: string;
  /** Counts by name (seen, in_scope, created, updated, unchanged, retired, skipped:<reason>, …). */
  counts: Record<string, number>;
  errors: string[];
}

export interface LedgerEntry {
  account: string;
  /** Entra tenant GUID. */
  tenantId: string;
  deviceId: string;
  ciId?: string;
  productId?: string;
  /** Hash of the mapped values last written successfully; a write is skipped when it is unchanged. */
  fingerprint?: string;
  lastSeenAt: string;
  retired: boolean;
  /** The 4me person the connector set as user, so an owner change replaces only ours. */
  userId?: string;
  /** The Graph beta fields the CI was last written with (beta-snapshot.ts), for a run whose beta read fails. */
  beta?: string;
}

/** A software CI the tracked-software pass wrote (issue 17), and the device CIs it relates to as last written. */
export interface SoftwareCiEntry {
  account: string;
  sourceID: string;
  ciId: string;
  name: string;
  appName: string;
  deviceCiIds: string[];
}

/** waiting: failing, but past the run's limit of new requests; updatedAt is when it started waiting (issue 15). */
export type AlertState = "open" | "resolved" | "closed_by_person" | "pending" | "waiting";

export interface AlertEntry {
  account: string;
  tenantId: string;
  deviceId: string;
  /** 4me request node id; absent while the create is in flight. */
  requestId?: string;
  state: AlertState;
  /** Hash of the failing policies and settings last written, so unchanged violations add nothing. */
  detailHash: string;
  /** The failing detail last written, as JSON, to describe what changed in the next note. */
  detail: string;
  /** The previous request of this device, referenced when a violation comes back. */
  previousRequestId?: string;
  updatedAt: string;
}

export interface InstanceStore {
  readonly kind: "sqlite" | "postgres";
  /** Runs pending migrations; safe to call from several replicas at once. */
  migrate(): Promise<void>;
  /** Resolves when the store answers; rejects otherwise (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;

  upsertInstance(
    record: Pick<InstanceRecord, "account" | "offeringReference"> &
      Partial<Omit<InstanceRecord, "createdAt" | "updatedAt">>,
  ): Promise<InstanceRecord>;
  getInstance(account: string): Promise<InstanceRecord | undefined>;
  listInstances(filter?: { runnable?: boolean }): Promise<InstanceRecord[]>;
  /**
   * Deletes the instance with its secrets, tenants, tenant bindings and alert ledger; the device ledger is kept for a
   * reinstall.
   */
  deleteInstance(account: string): Promise<void>;

  /** Merges the parts present into what is stored; a part set to null is removed. Durable on resolve. */
  mergeSecrets(account: string, parts: SecretsPatch): Promise<void>;
  getSecrets(account: string): Promise<InstanceSecrets>;

  upsertTenant(record: Omit<TenantRecord, "updatedAt">): Promise<TenantRecord>;
  listTenants(account: string): Promise<TenantRecord[]>;
  deleteTenant(account: string, slot: number): Promise<void>;

  /**
   * Binds a tenant to an account (and app instance), taking it from whichever account held it, atomically.
   * Resolves the binding and the one it replaced, when another account (or app instance) held the tenant.
   */
  bindTenant(binding: Omit<TenantBinding, "boundAt">): Promise<{ binding: TenantBinding; previous?: TenantBinding }>;
  getTenantBinding(tenantId: string): Promise<TenantBinding | undefined>;
  listTenantBindings(account: string): Promise<TenantBinding[]>;

  /** Records a run as started. Resolves undefined when a run of this account is already running and not stale. */
  startRun(account: string, trigger: string, staleAfterMs: number): Promise<SyncRun | undefined>;
  /** Records that a running run is alive; staleness is measured from the last heartbeat (or the start). */
  heartbeatRun(id: string): Promise<void>;
  finishRun(run: Pick<SyncRun, "id" | "status" | "counts" | "errors">): Promise<void>;
  listRuns(account: string, limit: number): Promise<SyncRun[]>;

  getLedger(account: string): Promise<LedgerEntry[]>;
  /** Upserts by (account, tenantId, deviceId), in one transaction. */
  putLedger(entries: LedgerEntry[]): Promise<void>;

  getAlerts(account: string): Promise<AlertEntry[]>;
  putAlert(entry: AlertEntry): Promise<void>;

  /**
   * Remembers a one-time id (webhook jti or delivery id, consent nonce) until it expires.
   * Resolves true the first time, false for a replay. Expired ids are purged.
   */
  getSoftwareCis(account: string): Promise<SoftwareCiEntry[]>;
  /** Upserts by (account, sourceID). */
  putSoftwareCis(entries: SoftwareCiEntry[]): Promise<void>;
  rememberOnce(scope: string, id: string, expiresAt: Date): Promise<boolean>;
  /**
   * Drops an id remembered by rememberOnce (no-op when absent). The webhook receiver claims a delivery before
   * handling it and releases the claim when handling failed, so 4me's retry of that delivery is processed.
   */
  forgetOnce(scope: string, id: string): Promise<void>;
}
