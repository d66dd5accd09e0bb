// An in-memory InstanceStore for tests of the parts above the store (webhooks, server, jobs). It keeps to the
// interface's documented behaviour and can be told to fail, to test what a store outage does to a caller.
import { StoreError } from "../../src/errors.js";
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
} from "../../src/store/types.js";

type Method = Exclude<keyof InstanceStore, "kind">;

export class MemoryStore implements InstanceStore {
  readonly kind = "sqlite" as const;
  readonly instances = new Map<string, InstanceRecord>();
  readonly secrets = new Map<string, InstanceSecrets>();
  readonly tenants = new Map<string, TenantRecord>();
  readonly bindings = new Map<string, TenantBinding>();
  readonly runs: SyncRun[] = [];
  readonly ledger = new Map<string, LedgerEntry>();
  readonly alerts = new Map<string, AlertEntry>();
  readonly softwareCis = new Map<string, SoftwareCiEntry>();
  /** scope → id → expiry (ms). */
  readonly remembered = new Map<string, Map<string, number>>();
  /** Methods that reject with a StoreError until removed; "*" fails them all. */
  readonly failing = new Set<Method | "*">();
  /** Calls that changed state, in order, by method name. */
  readonly writes: Method[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** True when nothing at all is stored. */
  isEmpty(): boolean {
    return (
      this.instances.size +
        this.secrets.size +
        this.tenants.size +
        this.bindings.size +
        this.runs.length +
        this.ledger.size +
        this.alerts.size +
        [...this.remembered.values()].reduce((n, m) => n + m.size, 0) ===
      0
    );
  }

  private check(method: Method): void {
    if (this.failing.has("*") || this.failing.has(method)) throw new StoreError(`store down (${method})`);
  }
  private write(method: Method): void {
    this.check(method);
    this.writes.push(method);
  }
  private stamp(): string {
    return this.now().toISOString();
  }

  async migrate(): Promise<void> {
    this.check("migrate");
  }
  async ping(): Promise<void> {
    this.check("ping");
  }
  async close(): Promise<void> {}

  async upsertInstance(
    record: Pick<InstanceRecord, "account" | "offeringReference"> &
      Partial<Omit<InstanceRecord, "createdAt" | "updatedAt">>,
  ): Promise<InstanceRecord> {
    this.write("upsertInstance");
    const before = this.instances.get(record.account);
    const defined = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
    const next: InstanceRecord = {
      disabled: false,
      suspended: false,
      enabledByCustomer: true, // as the SQLite schema's default
      createdAt: this.stamp(),
      ...before,
      ...defined,
      updatedAt: this.stamp(),
    } as InstanceRecord;
    this.instances.set(record.account, next);
    return structuredClone(next);
  }
  async getInstance(account: string): Promise<InstanceRecord | undefined> {
    this.check("getInstance");
    const r = this.instances.get(account);
    return r && structuredClone(r);
  }
  async listInstances(filter: { runnable?: boolean } = {}): Promise<InstanceRecord[]> {
    this.check("listInstances");
    return [...this.instances.values()]
      .filter(
        (r) =>
          filter.runnable === undefined || filter.runnable === (r.enabledByCustomer && !r.disabled && !r.suspended),
      )
      .map((r) => structuredClone(r));
  }
  async deleteInstance(account: string): Promise<void> {
    this.write("deleteInstance");
    this.instances.delete(account);
    this.secrets.delete(account);
    for (const [k, t] of this.tenants) if (t.account === account) this.tenants.delete(k);
    for (const [k, b] of this.bindings) if (b.account === account) this.bindings.delete(k);
    for (const [k, a] of this.alerts) if (a.account === account) this.alerts.delete(k);
  }

  async mergeSecrets(account: string, parts: SecretsPatch): Promise<void> {
    this.write("mergeSecrets");
    const merged: Record<string, unknown> = structuredClone({ ...this.secrets.get(account) });
    for (const [part, value] of Object.entries(parts)) {
      if (value === undefined) continue;
      if (value === null) delete merged[part];
      else if (part === "secrets") {
        // data-secret fields merge one by one; a field set to null is removed.
        const fields = { ...(merged.secrets as Record<string, string> | undefined) };
        for (const [field, v] of Object.entries(value as Record<string, string | null>)) {
          if (v === null) delete fields[field];
          else fields[field] = v;
        }
        if (Object.keys(fields).length) merged.secrets = fields;
        else delete merged.secrets;
      } else merged[part] = structuredClone(value);
    }
    if (Object.keys(merged).length) this.secrets.set(account, merged as InstanceSecrets);
    else this.secrets.delete(account);
  }
  async getSecrets(account: string): Promise<InstanceSecrets> {
    this.check("getSecrets");
    return structuredClone(this.secrets.get(account) ?? {});
  }

  async upsertTenant(record: Omit<TenantRecord, "updatedAt">): Promise<TenantRecord> {
    this.write("upsertTenant");
    const next = { ...record, updatedAt: this.stamp() };
    this.tenants.set(`${record.account}/${record.slot}`, next);
    return structuredClone(next);
  }
  async listTenants(account: string): Promise<TenantRecord[]> {
    this.check("listTenants");
    return [...this.tenants.values()].filter((t) => t.account === account).sort((a, b) => a.slot - b.slot);
  }
  async deleteTenant(account: string, slot: number): Promise<void> {
    this.write("deleteTenant");
    this.tenants.delete(`${account}/${slot}`);
  }

  async bindTenant(b: Omit<TenantBinding, "boundAt">): Promise<{ binding: TenantBinding; previous?: TenantBinding }> {
    this.write("bindTenant");
    const tenantId = b.tenantId.toLowerCase();
    const before = this.bindings.get(tenantId);
    const binding = { ...b, tenantId, boundAt: this.stamp() };
    this.bindings.set(tenantId, binding);
    const moved = before && (before.account !== b.account || before.appInstanceId !== b.appInstanceId);
    return { binding: structuredClone(binding), ...(moved ? { previous: structuredClone(before) } : {}) };
  }
  async getTenantBinding(tenantId: string): Promise<TenantBinding | undefined> {
    this.check("getTenantBinding");
    const b = this.bindings.get(tenantId.toLowerCase());
    return b && structuredClone(b);
  }
  async listTenantBindings(account: string): Promise<TenantBinding[]> {
    this.check("listTenantBindings");
    return [...this.bindings.values()].filter((b) => b.account === account).map((b) => structuredClone(b));
  }

  async startRun(account: string, trigger: string, staleAfterMs: number): Promise<SyncRun | undefined> {
    this.write("startRun");
    const now = this.now().getTime();
    const running = this.runs.find(
      (r) => r.account === account && r.status === "running" && now - Date.parse(r.startedAt) < staleAfterMs,
    );
    if (running) return undefined;
    const run: SyncRun = {
      id: `run-${this.runs.length + 1}`,
      account,
      trigger,
      status: "running",
      startedAt: this.stamp(),
      counts: {},
      errors: [],
    };
    this.runs.push(run);
    return structuredClone(run);
  }
  async heartbeatRun(_id: string): Promise<void> {
    this.write("heartbeatRun");
  }
  async finishRun(run: Pick<SyncRun, "id" | "status" | "counts" | "errors">): Promise<void> {
    this.write("finishRun");
    const r = this.runs.find((x) => x.id === run.id);
    if (r) Object.assign(r, structuredClone(run), { endedAt: this.stamp() });
  }
  async listRuns(account: string, limit: number): Promise<SyncRun[]> {
    this.check("listRuns");
    return this.runs
      .filter((r) => r.account === account)
      .reverse()
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async getLedger(account: string): Promise<LedgerEntry[]> {
    this.check("getLedger");
    return [...this.ledger.values()].filter((e) => e.account === account).map((e) => structuredClone(e));
  }
  async putLedger(entries: LedgerEntry[]): Promise<void> {
    this.write("putLedger");
    for (const e of entries) this.ledger.set(`${e.account}/${e.tenantId}/${e.deviceId}`, structuredClone(e));
  }

  async getAlerts(account: string): Promise<AlertEntry[]> {
    this.check("getAlerts");
    return [...this.alerts.values()].filter((e) => e.account === account).map((e) => structuredClone(e));
  }
  async getSoftwareCis(account: string): Promise<SoftwareCiEntry[]> {
    this.check("getSoftwareCis");
    return [...this.softwareCis.values()].filter((e) => e.account === account).map((e) => structuredClone(e));
  }
  async putSoftwareCis(entries: SoftwareCiEntry[]): Promise<void> {
    this.write("putSoftwareCis");
    for (const e of entries) this.softwareCis.set(`${e.account}/${e.sourceID}`, structuredClone(e));
  }
  async putAlert(entry: AlertEntry): Promise<void> {
    this.write("putAlert");
    this.alerts.set(`${entry.account}/${entry.tenantId}/${entry.deviceId}`, structuredClone(entry));
  }

  async rememberOnce(scope: string, id: string, expiresAt: Date): Promise<boolean> {
    this.check("rememberOnce");
    const now = this.now().getTime();
    const ids = this.remembered.get(scope) ?? new Map<string, number>();
    for (const [k, exp] of ids) if (exp <= now) ids.delete(k);
    if (ids.has(id)) return false;
    this.writes.push("rememberOnce");
    ids.set(id, expiresAt.getTime());
    this.remembered.set(scope, ids);
    return true;
  }
  async forgetOnce(scope: string, id: string): Promise<void> {
    this.write("forgetOnce");
    const ids = this.remembered.get(scope);
    ids?.delete(id);
    if (ids?.size === 0) this.remembered.delete(scope);
  }
}
