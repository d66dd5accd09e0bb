// The embedded default store: one SQLite file (WAL) through better-sqlite3. Calls are synchronous underneath;
// every write that touches more than one row runs atomically in an IMMEDIATE transaction, shared with the other
// writes of the same event-loop turn so that one fsync makes them all durable (group-commit.ts).
import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { AppError, StoreError } from "../../errors.js";
import { silentLogger, type Logger } from "../../logger.js";
import { isMemoryDatabase, Sealer, type SealingKeys } from "../seal.js";
import { systemNow, type Now } from "../time.js";
import { toInstance, type InstanceRow } from "../rows.js";
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
import { migrateSqlite } from "./migrate.js";
import { finishRun, heartbeatRun, listRuns, startRun } from "./runs.js";
import { getSoftwareCis, putSoftwareCis } from "./software-cis.js";
import { getAlerts, getLedger, putAlert, putLedger } from "./ledgers.js";
import { GroupCommit } from "./group-commit.js";
import { SqliteReplayCache } from "./replay.js";
import { prepared } from "./statements.js";
import { bindTenant, getTenantBinding, listTenantBindings } from "./bindings.js";
import { getSecrets, listTenants, mergeSecrets, upsertTenant } from "./secrets.js";

export interface SqliteStoreOptions {
  /** Database file (its folder is created), or ":memory:" for tests. */
  path: string;
  keys: SealingKeys;
  logger?: Logger;
  now?: Now;
}

const bit = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);

export class SqliteStore implements InstanceStore {
  readonly kind = "sqlite" as const;
  private readonly db: BetterSqlite3.Database;
  private readonly sealer: Sealer;
  private readonly logger: Logger;
  private readonly now: Now;
  private readonly replay: SqliteReplayCache;
  private readonly group: GroupCommit;

  constructor(options: SqliteStoreOptions) {
    this.sealer = new Sealer(options.keys);
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? systemNow;
    const memory = isMemoryDatabase(options.path);
    try {
      if (!memory) mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
      this.db = new Database(memory ? ":memory:" : options.path);
    } catch (err) {
      throw new StoreError(
        `cannot open the SQLite database ${options.path} (check DATABASE_URL and the folder's permissions): ` +
          (err as Error).message,
        { cause: err },
      );
    }
    if (!memory) {
      this.db.pragma("journal_mode = WAL");
      // Only we read it: the ledger names customers' devices. SQLite gives -wal and -shm the same mode.
      try {
        chmodSync(options.path, 0o600);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, "could not restrict the database file to mode 0600");
      }
    }
    // FULL: a resolved write survives power loss, which "secrets stored before the webhook gets 2xx" relies on.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 5000");
    // 4 MB of page cache rather than better-sqlite3's 16 MB: the connector's memory budget (issue 6: under 300 MB at
    // 100,000 devices) goes to the run; a ledger read is one sequential scan that the OS page cache serves as well.
    this.db.pragma("cache_size = -4096");
    this.replay = new SqliteReplayCache(this.db, this.now);
    this.group = new GroupCommit(this.db, (op, err) => this.asError(op, err));
  }

  private asError(op: string, err: unknown): Error {
    if (err instanceof AppError) return err;
    return new StoreError(`sqlite ${op} failed: ${(err as Error).message}`, { cause: err });
  }

  private call<T>(op: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(this.asError(op, err));
    }
  }

  /** A durable write: atomic, and resolved only once committed at synchronous=FULL (shared with others: group-commit.ts). */
  private write<T>(op: string, fn: () => T): Promise<T> {
    return this.group.run(op, fn);
  }

  private iso(): string {
    return this.now().toISOString();
  }

  migrate(): Promise<void> {
    return this.call("migrate", () => migrateSqlite(this.db, this.logger));
  }

  ping(): Promise<void> {
    return this.call("ping", () => void this.db.prepare("SELECT 1").get());
  }

  close(): Promise<void> {
    return this.call("close", () => {
      if (!this.db.open) return;
      this.group.flush();
      this.db.close();
    });
  }

  upsertInstance(
    record: Pick<InstanceRecord, "account" | "offeringReference"> &
      Partial<Omit<InstanceRecord, "createdAt" | "updatedAt">>,
  ): Promise<InstanceRecord> {
    return this.write("upsertInstance", () => {
      // Absent fields keep their stored value (COALESCE), so a partial update never clears what it did not name.
      const row = prepared(
        this.db,
        `INSERT INTO instances (account, app_instance_id, offering_reference, disabled, suspended,
             enabled_by_customer, settings, settings_fingerprint, breakdown, created_at, updated_at)
           VALUES (@account, @appInstanceId, @offeringReference, COALESCE(@disabled, 0), COALESCE(@suspended, 0),
             COALESCE(@enabledByCustomer, 1), @settings, @settingsFingerprint, @breakdown, @now, @now)
           ON CONFLICT (account) DO UPDATE SET
             app_instance_id = COALESCE(@appInstanceId, app_instance_id),
             offering_reference = @offeringReference,
             disabled = COALESCE(@disabled, disabled),
             suspended = COALESCE(@suspended, suspended),
             enabled_by_customer = COALESCE(@enabledByCustomer, enabled_by_customer),
             settings = COALESCE(@settings, settings),
             settings_fingerprint = COALESCE(@settingsFingerprint, settings_fingerprint),
             breakdown = COALESCE(@breakdown, breakdown),
             updated_at = @now
           RETURNING *`,
      ).get({
        account: record.account,
        appInstanceId: record.appInstanceId ?? null,
        offeringReference: record.offeringReference,
        disabled: bit(record.disabled),
        suspended: bit(record.suspended),
        enabledByCustomer: bit(record.enabledByCustomer),
        settings: record.settings === undefined ? null : JSON.stringify(record.settings),
        settingsFingerprint: record.settingsFingerprint ?? null,
        breakdown: record.breakdown ?? null,
        now: this.iso(),
      }) as InstanceRow;
      return toInstance(row);
    });
  }

  getInstance(account: string): Promise<InstanceRecord | undefined> {
    return this.call("getInstance", () => {
      const row = prepared(this.db, "SELECT * FROM instances WHERE account = ?").get(account) as
        InstanceRow | undefined;
      return row && toInstance(row);
    });
  }

  listInstances(filter?: { runnable?: boolean }): Promise<InstanceRecord[]> {
    return this.call("listInstances", () => {
      const where = filter?.runnable ? "WHERE disabled = 0 AND suspended = 0 AND enabled_by_customer = 1" : "";
      const rows = this.db.prepare(`SELECT * FROM instances ${where} ORDER BY account`).all() as InstanceRow[];
      return rows.map(toInstance);
    });
  }

  deleteInstance(account: string): Promise<void> {
    return this.write("deleteInstance", () => {
      for (const table of ["instances", "instance_secrets", "tenants", "tenant_bindings", "alert_ledger"]) {
        this.db.prepare(`DELETE FROM ${table} WHERE account = ?`).run(account);
      }
    });
  }

  mergeSecrets(account: string, parts: SecretsPatch): Promise<void> {
    return this.write("mergeSecrets", () => mergeSecrets(this.db, this.sealer, this.now(), account, parts));
  }

  getSecrets(account: string): Promise<InstanceSecrets> {
    return this.call("getSecrets", () => getSecrets(this.db, this.sealer, account));
  }

  upsertTenant(record: Omit<TenantRecord, "updatedAt">): Promise<TenantRecord> {
    return this.call("upsertTenant", () => upsertTenant(this.db, this.now(), record));
  }

  listTenants(account: string): Promise<TenantRecord[]> {
    return this.call("listTenants", () => listTenants(this.db, account));
  }

  deleteTenant(account: string, slot: number): Promise<void> {
    return this.call("deleteTenant", () => {
      this.db.prepare("DELETE FROM tenants WHERE account = ? AND slot = ?").run(account, slot);
    });
  }

  bindTenant(binding: Omit<TenantBinding, "boundAt">): Promise<{ binding: TenantBinding; previous?: TenantBinding }> {
    return this.write("bindTenant", () => bindTenant(this.db, this.now(), binding));
  }

  getTenantBinding(tenantId: string): Promise<TenantBinding | undefined> {
    return this.call("getTenantBinding", () => getTenantBinding(this.db, tenantId));
  }

  listTenantBindings(account: string): Promise<TenantBinding[]> {
    return this.call("listTenantBindings", () => listTenantBindings(this.db, account));
  }

  startRun(account: string, trigger: string, staleAfterMs: number): Promise<SyncRun | undefined> {
    return this.write("startRun", () => startRun(this.db, this.logger, this.now(), account, trigger, staleAfterMs));
  }

  heartbeatRun(id: string): Promise<void> {
    return this.call("heartbeatRun", () => heartbeatRun(this.db, this.now(), id));
  }

  finishRun(run: Pick<SyncRun, "id" | "status" | "counts" | "errors">): Promise<void> {
    return this.call("finishRun", () => finishRun(this.db, this.now(), run));
  }

  listRuns(account: string, limit: number): Promise<SyncRun[]> {
    return this.call("listRuns", () => listRuns(this.db, account, limit));
  }

  getLedger(account: string): Promise<LedgerEntry[]> {
    return this.call("getLedger", () => getLedger(this.db, account));
  }

  putLedger(entries: LedgerEntry[]): Promise<void> {
    return this.write("putLedger", () => putLedger(this.db, entries));
  }

  getAlerts(account: string): Promise<AlertEntry[]> {
    return this.call("getAlerts", () => getAlerts(this.db, account));
  }

  putAlert(entry: AlertEntry): Promise<void> {
    return this.call("putAlert", () => putAlert(this.db, entry));
  }

  getSoftwareCis(account: string): Promise<SoftwareCiEntry[]> {
    return this.call("getSoftwareCis", () => getSoftwareCis(this.db, account));
  }

  putSoftwareCis(entries: SoftwareCiEntry[]): Promise<void> {
    return this.write("putSoftwareCis", () => putSoftwareCis(this.db, entries));
  }

  rememberOnce(scope: string, id: string, expiresAt: Date): Promise<boolean> {
    return this.call("rememberOnce", () => this.replay.remember(scope, id, expiresAt));
  }

  forgetOnce(scope: string, id: string): Promise<void> {
    return this.call("forgetOnce", () => this.replay.forget(scope, id));
  }
}
