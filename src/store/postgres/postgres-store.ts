// The store for several replicas: PostgreSQL through a pg Pool. Everything that must not interleave across
// replicas is settled by the database (unique indexes, row locks, an advisory lock for migrations), never by
// in-process state.
import pg from "pg";
import { StoreError } from "../../errors.js";
import { silentLogger, type Logger } from "../../logger.js";
import { Sealer, type SealingKeys } from "../seal.js";
import { systemNow, type Now } from "../time.js";
import { toInstance, type InstanceRow } from "../rows.js";
import { PURGE_INTERVAL_MS } from "../replay.js";
import type {
  AlertEntry,
  SoftwareCiEntry,
  InstanceRecord,
  InstanceSecrets,
  InstanceStore,
  LedgerEntry,
  SecretsPatch,
  SyncRun,
  TenantBinding,
  TenantRecord,
} from "../types.js";
import { asStoreError, withTransaction } from "./tx.js";
import { migratePostgres } from "./migrate.js";
import { finishRun, heartbeatRun, listRuns, startRun } from "./runs.js";
import { getSoftwareCis, putSoftwareCis } from "./software-cis.js";
import { getAlerts, getLedger, prepareLedger, putAlert, putLedger } from "./ledgers.js";
import { bindTenant, getTenantBinding, listTenantBindings } from "./bindings.js";
import { getSecrets, listTenants, mergeSecrets, upsertTenant } from "./secrets.js";

export interface PostgresStoreOptions {
  /** Connection settings; e.g. { connectionString, options: "-c search_path=…" } to use another schema. */
  pool: pg.PoolConfig;
  keys: SealingKeys;
  logger?: Logger;
  now?: Now;
}

export class PostgresStore implements InstanceStore {
  readonly kind = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly sealer: Sealer;
  private readonly logger: Logger;
  private readonly now: Now;
  private lastPurge = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.sealer = new Sealer(options.keys);
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? systemNow;
    this.pool = new pg.Pool({ max: 10, ...options.pool });
    // An idle connection that drops (server restart, failover) must not crash the process; the next query
    // gets a fresh connection.
    this.pool.on("error", (err) => this.logger.warn({ err: err.message }, "an idle PostgreSQL connection failed"));
  }

  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw asStoreError(op, err);
    }
  }

  async migrate(): Promise<void> {
    try {
      await migratePostgres(this.pool, this.logger);
    } catch (err) {
      // The first query of a start-up: a wrong URL, password or database name shows here. The URL is not
      // repeated (it may hold a password).
      throw new StoreError(`cannot migrate the PostgreSQL database (check DATABASE_URL): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  ping(): Promise<void> {
    return this.call("ping", async () => void (await this.pool.query("SELECT 1")));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  upsertInstance(
    record: Pick<InstanceRecord, "account" | "offeringReference"> &
      Partial<Omit<InstanceRecord, "createdAt" | "updatedAt">>,
  ): Promise<InstanceRecord> {
    return this.call("upsertInstance", async () => {
      // Absent fields keep their stored value (COALESCE), so a partial update never clears what it did not name.
      const result = await this.pool.query<InstanceRow>(
        `INSERT INTO instances (account, app_instance_id, offering_reference, disabled, suspended,
           enabled_by_customer, settings, breakdown, created_at, updated_at, settings_fingerprint)
         VALUES ($1, $2, $3, COALESCE($4::boolean, false), COALESCE($5::boolean, false),
           COALESCE($6::boolean, true), $7::jsonb, $8, $9, $9, $10)
         ON CONFLICT (account) DO UPDATE SET
           app_instance_id = COALESCE($2, instances.app_instance_id),
           offering_reference = $3,
           disabled = COALESCE($4::boolean, instances.disabled),
           suspended = COALESCE($5::boolean, instances.suspended),
           enabled_by_customer = COALESCE($6::boolean, instances.enabled_by_customer),
           settings = COALESCE($7::jsonb, instances.settings),
           breakdown = COALESCE($8, instances.breakdown),
           settings_fingerprint = COALESCE($10, instances.settings_fingerprint),
           updated_at = $9
         RETURNING *`,
        [
          record.account,
          record.appInstanceId ?? null,
          record.offeringReference,
          record.disabled ?? null,
          record.suspended ?? null,
          record.enabledByCustomer ?? null,
          record.settings === undefined ? null : JSON.stringify(record.settings),
          record.breakdown ?? null,
          this.now(),
          record.settingsFingerprint ?? null,
        ],
      );
      return toInstance(result.rows[0]);
    });
  }

  getInstance(account: string): Promise<InstanceRecord | undefined> {
    return this.call("getInstance", async () => {
      const result = await this.pool.query<InstanceRow>("SELECT * FROM instances WHERE account = $1", [account]);
      return result.rows[0] && toInstance(result.rows[0]);
    });
  }

  listInstances(filter?: { runnable?: boolean }): Promise<InstanceRecord[]> {
    return this.call("listInstances", async () => {
      const where = filter?.runnable ? "WHERE NOT disabled AND NOT suspended AND enabled_by_customer" : "";
      const result = await this.pool.query<InstanceRow>(`SELECT * FROM instances ${where} ORDER BY account`);
      return result.rows.map(toInstance);
    });
  }

  deleteInstance(account: string): Promise<void> {
    return withTransaction(this.pool, "deleteInstance", async (client) => {
      for (const table of ["instances", "instance_secrets", "tenants", "tenant_bindings", "alert_ledger"]) {
        await client.query(`DELETE FROM ${table} WHERE account = $1`, [account]);
      }
    });
  }

  mergeSecrets(account: string, parts: SecretsPatch): Promise<void> {
    return withTransaction(this.pool, "mergeSecrets", (client) =>
      mergeSecrets(client, this.sealer, this.now(), account, parts),
    );
  }

  getSecrets(account: string): Promise<InstanceSecrets> {
    return this.call("getSecrets", () => getSecrets(this.pool, this.sealer, account));
  }

  upsertTenant(record: Omit<TenantRecord, "updatedAt">): Promise<TenantRecord> {
    return this.call("upsertTenant", () => upsertTenant(this.pool, this.now(), record));
  }

  listTenants(account: string): Promise<TenantRecord[]> {
    return this.call("listTenants", () => listTenants(this.pool, account));
  }

  deleteTenant(account: string, slot: number): Promise<void> {
    return this.call("deleteTenant", async () => {
      await this.pool.query("DELETE FROM tenants WHERE account = $1 AND slot = $2", [account, slot]);
    });
  }

  bindTenant(binding: Omit<TenantBinding, "boundAt">): Promise<{ binding: TenantBinding; previous?: TenantBinding }> {
    return withTransaction(this.pool, "bindTenant", (client) => bindTenant(client, this.now(), binding));
  }

  getTenantBinding(tenantId: string): Promise<TenantBinding | undefined> {
    return this.call("getTenantBinding", () => getTenantBinding(this.pool, tenantId));
  }

  listTenantBindings(account: string): Promise<TenantBinding[]> {
    return this.call("listTenantBindings", () => listTenantBindings(this.pool, account));
  }

  startRun(account: string, trigger: string, staleAfterMs: number): Promise<SyncRun | undefined> {
    return withTransaction(this.pool, "startRun", (client) =>
      startRun(client, this.logger, this.now(), account, trigger, staleAfterMs),
    );
  }

  heartbeatRun(id: string): Promise<void> {
    return this.call("heartbeatRun", () => heartbeatRun(this.pool, this.now(), id));
  }

  finishRun(run: Pick<SyncRun, "id" | "status" | "counts" | "errors">): Promise<void> {
    return this.call("finishRun", () => finishRun(this.pool, this.now(), run));
  }

  listRuns(account: string, limit: number): Promise<SyncRun[]> {
    return this.call("listRuns", () => listRuns(this.pool, account, limit));
  }

  getLedger(account: string): Promise<LedgerEntry[]> {
    return this.call("getLedger", () => getLedger(this.pool, account));
  }

  async putLedger(entries: LedgerEntry[]): Promise<void> {
    const sorted = await this.call("putLedger", async () => prepareLedger(entries));
    if (sorted.length === 0) return;
    await withTransaction(this.pool, "putLedger", (client) => putLedger(client, sorted));
  }

  getAlerts(account: string): Promise<AlertEntry[]> {
    return this.call("getAlerts", () => getAlerts(this.pool, account));
  }

  putAlert(entry: AlertEntry): Promise<void> {
    return this.call("putAlert", () => putAlert(this.pool, entry));
  }

  getSoftwareCis(account: string): Promise<SoftwareCiEntry[]> {
    return this.call("getSoftwareCis", () => getSoftwareCis(this.pool, account));
  }

  putSoftwareCis(entries: SoftwareCiEntry[]): Promise<void> {
    return this.call("putSoftwareCis", () => putSoftwareCis(this.pool, entries));
  }

  rememberOnce(scope: string, id: string, expiresAt: Date): Promise<boolean> {
    return this.call("rememberOnce", async () => {
      const now = this.now();
      if (now.getTime() - this.lastPurge >= PURGE_INTERVAL_MS) {
        this.lastPurge = now.getTime();
        await this.pool.query("DELETE FROM seen_once WHERE expires_at <= $1", [now]);
      }
      // An expired row counts as absent: it is taken over, not a replay.
      const result = await this.pool.query(
        `INSERT INTO seen_once (scope, id, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (scope, id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE seen_once.expires_at <= $4
         RETURNING 1`,
        [scope, id, expiresAt, now],
      );
      return result.rowCount === 1;
    });
  }

  forgetOnce(scope: string, id: string): Promise<void> {
    return this.call("forgetOnce", async () => {
      await this.pool.query("DELETE FROM seen_once WHERE scope = $1 AND id = $2", [scope, id]);
    });
  }
}
