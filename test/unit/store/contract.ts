// The one contract every InstanceStore implementation passes (sqlite.spec.ts, postgres.spec.ts).
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { StoreError } from "../../../src/errors.js";
import type { SealingKeys } from "../../../src/store/seal.js";
import type { Now } from "../../../src/store/time.js";
import type { AlertEntry, InstanceStore, LedgerEntry } from "../../../src/store/types.js";
import { SQLITE_MIGRATIONS } from "../../../src/store/sqlite/schema.js";
import { POSTGRES_MIGRATIONS } from "../../../src/store/postgres/schema.js";
import { sampleSettings } from "./fixtures.js";

/** A database the contract can open stores on, inspect raw, and empty between tests. */
export interface TestDatabase {
  open(options: { keys: SealingKeys; now: Now }): Promise<InstanceStore>;
  /** Raw SQL without parameters, to see what is at rest (and to tamper with it). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Empties every table but schema_migrations. */
  reset(): Promise<void>;
  destroy(): Promise<void>;
}

export class TestClock {
  private t: number;
  constructor(start = "2026-01-05T09:00:00.000Z") {
    this.t = Date.parse(start);
  }
  now: Now = () => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export const key = (id: string) => ({ id, key: randomBytes(32) });

/** Entries with every optional field present on some and absent (no key at all) on others. */
/** The tables each backend's suite empties between tests. */
export const STORE_TABLES = [
  "instances",
  "instance_secrets",
  "tenants",
  "tenant_bindings",
  "sync_runs",
  "device_ledger",
  "alert_ledger",
  "seen_once",
];

export function ledgerEntries(account: string, count: number, tenantId = "tenant-a"): LedgerEntry[] {
  return Array.from({ length: count }, (_, i) =>
    compact({
      account,
      tenantId,
      deviceId: `dev-${String(i).padStart(6, "0")}`,
      ciId: i % 3 === 0 ? undefined : `ci-${i}`,
      productId: i % 5 === 0 ? undefined : `prod-${i % 40}`,
      fingerprint: i % 7 === 0 ? undefined : `fp-${i}`,
      lastSeenAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      retired: i % 11 === 0,
      userId: i % 2 === 0 ? undefined : `person-${i}`,
      beta: i % 4 === 0 ? undefined : `["azureADJoined",null,${i % 3},"laptop",null]`,
    }),
  );
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const APP = { nodeID: "NG1-app", client_id: "cid-widget", client_secret: "cs-widget-1" };
const POLICY = { nodeID: "NG1-pol", algorithm: "es512", public_key: "-----BEGIN PUBLIC KEY-----x", audience: "aud" };

export function runStoreContract(name: string, factory: () => Promise<TestDatabase>): void {
  describe(`${name} store (contract)`, function () {
    let db: TestDatabase;
    let clock: TestClock;
    let k1: { id: string; key: Buffer };
    let store: InstanceStore;
    const opened: InstanceStore[] = [];
    const open = async (keys: SealingKeys): Promise<InstanceStore> => {
      const s = await db.open({ keys, now: clock.now });
      opened.push(s);
      await s.migrate();
      return s;
    };

    before(async function () {
      db = await factory();
    });
    after(async function () {
      await db?.destroy();
    });
    beforeEach(async function () {
      await db.reset();
      clock = new TestClock();
      k1 = key("k1");
      store = await open({ current: k1, previous: [] });
    });
    afterEach(async function () {
      for (const s of opened.splice(0)) await s.close();
    });

    describe("lifecycle", function () {
      it("records each migration once, and a second migrate changes nothing", async function () {
        await store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune" });
        await store.migrate();
        const rows = await db.query("SELECT version FROM schema_migrations ORDER BY version");
        const known = store.kind === "sqlite" ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
        expect(rows.map((r) => Number(r.version))).to.deep.equal(known.map((m) => m.version));
        expect(await store.getInstance("widget")).to.include({ account: "widget" });
      });

      it("answers ping while open and rejects after close", async function () {
        await store.ping();
        await store.close();
        let failure: unknown;
        await store.ping().catch((err) => (failure = err));
        expect(failure).to.be.instanceOf(StoreError);
      });
    });

    describe("instances", function () {
      it("creates an instance with defaults and reads it back", async function () {
        const created = await store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune" });
        expect(created).to.deep.equal({
          account: "widget",
          offeringReference: "microsoft_intune",
          disabled: false,
          suspended: false,
          enabledByCustomer: true,
          createdAt: "2026-01-05T09:00:00.000Z",
          updatedAt: "2026-01-05T09:00:00.000Z",
        });
        expect(await store.getInstance("widget")).to.deep.equal(created);
        expect(await store.getInstance("nobody")).to.equal(undefined);
      });

      it("updates only the fields given and keeps createdAt", async function () {
        await store.upsertInstance({
          account: "widget",
          offeringReference: "microsoft_intune",
          appInstanceId: "NG1-ai",
          suspended: true,
          breakdown: '{"windows":3}',
        });
        clock.advance(60_000);
        const updated = await store.upsertInstance({
          account: "widget",
          offeringReference: "microsoft_intune",
          disabled: true,
        });
        expect(updated).to.deep.include({
          appInstanceId: "NG1-ai",
          disabled: true,
          suspended: true,
          enabledByCustomer: true,
          breakdown: '{"windows":3}',
          createdAt: "2026-01-05T09:00:00.000Z",
          updatedAt: "2026-01-05T09:01:00.000Z",
        });
      });

      it("round-trips settings as JSON", async function () {
        const settings = sampleSettings();
        await store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune", settings });
        expect((await store.getInstance("widget"))?.settings).to.deep.equal(settings);
      });

      it("keeps the settings fingerprint until a new one is given", async function () {
        const base = { account: "widget", offeringReference: "microsoft_intune" };
        await store.upsertInstance({ ...base, settingsFingerprint: "fp-1" });
        expect((await store.upsertInstance({ ...base, suspended: true })).settingsFingerprint).to.equal("fp-1");
        await store.upsertInstance({ ...base, settingsFingerprint: "fp-2" });
        expect((await store.getInstance("widget"))?.settingsFingerprint).to.equal("fp-2");
      });

      it("lists all instances in account order, or only the runnable ones", async function () {
        const base = { offeringReference: "microsoft_intune" };
        await store.upsertInstance({ ...base, account: "d-off", disabled: true });
        await store.upsertInstance({ ...base, account: "c-susp", suspended: true });
        await store.upsertInstance({ ...base, account: "b-cust", enabledByCustomer: false });
        await store.upsertInstance({ ...base, account: "a-ok" });
        expect((await store.listInstances()).map((i) => i.account)).to.deep.equal([
          "a-ok",
          "b-cust",
          "c-susp",
          "d-off",
        ]);
        expect((await store.listInstances({ runnable: true })).map((i) => i.account)).to.deep.equal(["a-ok"]);
      });

      it("deletes an instance with its secrets, tenants and alerts, and keeps its device ledger", async function () {
        for (const account of ["widget", "other"]) {
          await store.upsertInstance({ account, offeringReference: "microsoft_intune" });
          await store.mergeSecrets(account, { application: APP });
          await store.upsertTenant({
            account,
            slot: 1,
            domain: "c.onmicrosoft.com",
            cloud: "global",
            status: "connected",
          });
          await store.putAlert(alert(account, "dev-1"));
          await store.putLedger(ledgerEntries(account, 3));
        }
        await store.deleteInstance("widget");
        expect(await store.getInstance("widget")).to.equal(undefined);
        expect(await store.getSecrets("widget")).to.deep.equal({});
        expect(await store.listTenants("widget")).to.deep.equal([]);
        expect(await store.getAlerts("widget")).to.deep.equal([]);
        expect(await store.getLedger("widget")).to.have.length(3);
        expect(await store.getInstance("other")).to.not.equal(undefined);
        expect(await store.getSecrets("other")).to.deep.equal({ application: APP });
        expect(await store.listTenants("other")).to.have.length(1);
        expect(await store.getAlerts("other")).to.have.length(1);
      });
    });

    describe("software CIs", function () {
      it("upserts software CIs by account and sourceID, with their device CI ids, per account", async function () {
        const entry = {
          account: "widget",
          sourceID: "app:visio:16",
          ciId: "ci-1",
          name: "Visio 16.x",
          appName: "Visio",
        };
        await store.putSoftwareCis([{ ...entry, deviceCiIds: ["d1", "d2"] }]);
        await store.putSoftwareCis([
          { ...entry, deviceCiIds: ["d2"] },
          { ...entry, sourceID: "app:acrobat:24", deviceCiIds: [] },
          { ...entry, account: "other", deviceCiIds: ["x"] },
        ]);
        expect(await store.getSoftwareCis("widget")).to.deep.equal([
          { ...entry, sourceID: "app:acrobat:24", deviceCiIds: [] },
          { ...entry, deviceCiIds: ["d2"] },
        ]);
        expect(await store.getSoftwareCis("other")).to.have.length(1);
      });
    });

    describe("secrets", function () {
      it("returns no secrets for an unknown account", async function () {
        expect(await store.getSecrets("nobody")).to.deep.equal({});
      });

      it("merges the parts that came and keeps the others", async function () {
        await store.mergeSecrets("widget", { application: APP, secrets: { api_key: "k-1" } });
        await store.mergeSecrets("widget", { policy: POLICY });
        const rotated = { ...APP, client_secret: "cs-widget-2" };
        await store.mergeSecrets("widget", { application: rotated });
        expect(await store.getSecrets("widget")).to.deep.equal({
          application: rotated,
          policy: POLICY,
          secrets: { api_key: "k-1" },
        });
      });

      it("merges data-secret fields one by one and removes a field set to null", async function () {
        await store.mergeSecrets("widget", { secrets: { a: "1", b: "2" } });
        await store.mergeSecrets("widget", { secrets: { b: "22", c: "3" } });
        await store.mergeSecrets("widget", { secrets: { a: null } });
        expect(await store.getSecrets("widget")).to.deep.equal({ secrets: { b: "22", c: "3" } });
      });

      it("removes a part set to null, and every field when secrets is null", async function () {
        await store.mergeSecrets("widget", { application: APP, policy: POLICY, secrets: { a: "1", b: "2" } });
        await store.mergeSecrets("widget", { policy: null, secrets: null });
        expect(await store.getSecrets("widget")).to.deep.equal({ application: APP });
      });

      it("stores each part sealed with the current key id, never in plain text", async function () {
        await store.mergeSecrets("widget", { application: APP, secrets: { api_key: "plain-field-value" } });
        const rows = await db.query("SELECT * FROM instance_secrets");
        expect(rows).to.have.length(2);
        for (const row of rows) {
          const text = JSON.stringify(row);
          expect(String(row.sealed)).to.match(/^v1:k1:[^:]+:[^:]+:[^:]+$/);
          expect(text).to.not.include(APP.client_secret);
          expect(text).to.not.include("plain-field-value");
        }
      });

      it("reads after a key rotation and re-seals every part with the new key on the next write", async function () {
        await store.mergeSecrets("widget", { application: APP, policy: POLICY, secrets: { a: "1" } });
        const k2 = key("k2");
        const rotated = await open({ current: k2, previous: [k1] });
        expect(await rotated.getSecrets("widget")).to.deep.equal({
          application: APP,
          policy: POLICY,
          secrets: { a: "1" },
        });
        expect(await sealedKeyIds(db)).to.deep.equal(["k1"]);

        await rotated.mergeSecrets("widget", { secrets: { b: "2" } });
        expect(await sealedKeyIds(db)).to.deep.equal(["k2"]);
        const onlyK2 = await open({ current: k2, previous: [] });
        expect(await onlyK2.getSecrets("widget")).to.deep.equal({
          application: APP,
          policy: POLICY,
          secrets: { a: "1", b: "2" },
        });
      });

      it("refuses with a clear error to read a secret sealed with a key that is not configured", async function () {
        await store.mergeSecrets("widget", { application: APP });
        const other = await open({ current: key("k9"), previous: [] });
        const err = await other.getSecrets("widget").catch((e: unknown) => e);
        expect(err).to.be.instanceOf(StoreError);
        expect((err as Error).message)
          .to.include("'k1'")
          .and.include("SECRET_KEYS_PREVIOUS");
      });

      it("refuses a sealed value copied into another account", async function () {
        await store.mergeSecrets("widget", { application: APP });
        await store.mergeSecrets("other", { application: { ...APP, client_secret: "other" } });
        await db.query(
          "UPDATE instance_secrets SET sealed = (SELECT sealed FROM instance_secrets WHERE account = 'widget') " +
            "WHERE account = 'other'",
        );
        const err = await store.getSecrets("other").catch((e: unknown) => e);
        expect(err).to.be.instanceOf(StoreError);
        expect((err as Error).message).to.include("altered");
      });

      it("keeps each account's secrets apart", async function () {
        await store.mergeSecrets("widget", { application: APP });
        await store.mergeSecrets("other", { policy: POLICY });
        await store.mergeSecrets("other", { application: null });
        expect(await store.getSecrets("widget")).to.deep.equal({ application: APP });
        expect(await store.getSecrets("other")).to.deep.equal({ policy: POLICY });
      });
    });

    describe("tenants", function () {
      it("upserts tenants by slot, lists them in slot order, and deletes one", async function () {
        await store.upsertTenant({ account: "widget", slot: 2, domain: "b.com", cloud: "usgov", status: "resolving" });
        const t1 = await store.upsertTenant({
          account: "widget",
          slot: 1,
          domain: "a.com",
          cloud: "global",
          status: "failed",
          reason: "no such tenant",
        });
        expect(t1).to.deep.equal({
          account: "widget",
          slot: 1,
          domain: "a.com",
          cloud: "global",
          status: "failed",
          reason: "no such tenant",
          updatedAt: "2026-01-05T09:00:00.000Z",
        });
        await store.upsertTenant({ account: "other", slot: 1, domain: "o.com", cloud: "china", status: "connected" });
        clock.advance(1000);
        const fixed = await store.upsertTenant({
          account: "widget",
          slot: 1,
          domain: "a.com",
          cloud: "global",
          tenantId: "9f0c1a2b-0000-4000-8000-000000000001",
          status: "connected",
        });
        expect(fixed).to.not.have.property("reason");
        expect(fixed.updatedAt).to.equal("2026-01-05T09:00:01.000Z");
        expect((await store.listTenants("widget")).map((t) => [t.slot, t.status])).to.deep.equal([
          [1, "connected"],
          [2, "resolving"],
        ]);
        await store.deleteTenant("widget", 2);
        expect(await store.listTenants("widget")).to.deep.equal([fixed]);
        expect(await store.listTenants("other")).to.have.length(1);
      });
    });

    describe("tenant bindings", function () {
      const TID = "9F0C1A2B-0000-4000-8000-000000000001";
      const bind = (account: string, appInstanceId = `NG1-${account}`, boundBy = "oid-admin") =>
        store.bindTenant({ tenantId: TID, cloud: "global", account, appInstanceId, boundBy });

      it("binds a tenant to one account, keyed by the lower-case tenant id", async function () {
        const { binding, previous } = await bind("widget");
        expect(previous).to.equal(undefined);
        expect(binding).to.deep.equal({
          tenantId: TID.toLowerCase(),
          cloud: "global",
          account: "widget",
          appInstanceId: "NG1-widget",
          boundBy: "oid-admin",
          boundAt: "2026-01-05T09:00:00.000Z",
        });
        expect(await store.getTenantBinding(TID)).to.deep.equal(binding);
        expect(await store.listTenantBindings("widget")).to.deep.equal([binding]);
        expect(await store.listTenantBindings("other")).to.deep.equal([]);
      });

      it("moves a tenant to another account and names the account it was taken from", async function () {
        const first = (await bind("widget")).binding;
        clock.advance(1000);
        const again = await bind("widget", "NG1-widget", "oid-other-admin");
        expect(again.previous, "the same account signing in again takes nothing from anyone").to.equal(undefined);
        const moved = await bind("other");
        expect(moved.previous).to.include({ account: "widget", tenantId: first.tenantId });
        expect(moved.binding).to.include({ account: "other", boundAt: "2026-01-05T09:00:01.000Z" });
        expect(await store.listTenantBindings("widget")).to.deep.equal([]);
      });

      it("releases an account's bindings with its instance, and no other account's", async function () {
        await store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune" });
        await bind("widget");
        await store.bindTenant({
          tenantId: "0000aaaa-0000-4000-8000-000000000002",
          cloud: "usgov",
          account: "other",
          appInstanceId: "NG1-other",
          boundBy: "oid",
        });
        await store.deleteInstance("widget");
        expect(await store.getTenantBinding(TID)).to.equal(undefined);
        expect(await store.listTenantBindings("other")).to.have.length(1);
      });
    });

    describe("sync runs", function () {
      it("starts a run, refuses a second while it runs, and starts again once it finished", async function () {
        const run = await store.startRun("widget", "schedule", 3_600_000);
        expect(run).to.deep.include({
          account: "widget",
          trigger: "schedule",
          status: "running",
          counts: {},
          errors: [],
        });
        expect(run?.startedAt).to.equal("2026-01-05T09:00:00.000Z");
        expect(await store.startRun("widget", "webhook", 3_600_000)).to.equal(undefined);
        await store.finishRun({ id: run!.id, status: "succeeded", counts: { seen: 3 }, errors: [] });
        const next = await store.startRun("widget", "webhook", 3_600_000);
        expect(next?.id).to.be.a("string").and.not.equal(run!.id);
      });

      it("does not let one account's run block another's", async function () {
        expect(await store.startRun("widget", "schedule", 60_000)).to.not.equal(undefined);
        expect(await store.startRun("other", "schedule", 60_000)).to.not.equal(undefined);
      });

      it("marks a stale running run failed and starts a new one", async function () {
        const old = await store.startRun("widget", "schedule", 60_000);
        clock.advance(60_001);
        const fresh = await store.startRun("widget", "schedule", 60_000);
        expect(fresh).to.not.equal(undefined);
        const [latest, previous] = await store.listRuns("widget", 10);
        expect(latest.id).to.equal(fresh!.id);
        expect(previous).to.deep.include({ id: old!.id, status: "failed", endedAt: "2026-01-05T09:01:00.001Z" });
        expect(previous.errors).to.have.length(1);
        expect(previous.errors[0]).to.match(/^stale/);
      });

      it("keeps a run alive while it beats, and replaces it once the beats stop", async function () {
        const run = await store.startRun("widget", "schedule", 60_000);
        clock.advance(50_000);
        await store.heartbeatRun(run!.id);
        clock.advance(50_000);
        expect(await store.startRun("widget", "schedule", 60_000), "alive: beat 50 s ago").to.equal(undefined);
        clock.advance(10_001);
        const next = await store.startRun("widget", "schedule", 60_000);
        expect(next, "stale: no beat for 60 s").to.not.equal(undefined);
        expect((await store.listRuns("widget", 2))[1]).to.include({ id: run!.id, status: "failed" });
      });

      it("lists a running run with its last heartbeat, which the scheduler reads to tell a crashed run", async function () {
        const run = await store.startRun("widget", "schedule", 60_000);
        expect((await store.listRuns("widget", 1))[0]!.heartbeatAt).to.equal(undefined);
        clock.advance(5_000);
        await store.heartbeatRun(run!.id);
        expect((await store.listRuns("widget", 1))[0]).to.deep.include({
          id: run!.id,
          heartbeatAt: "2026-01-05T09:00:05.000Z",
        });
      });

      it("lists runs newest first, up to the limit, with their counts and errors", async function () {
        for (let i = 0; i < 4; i++) {
          const run = await store.startRun("widget", `t${i}`, 60_000);
          clock.advance(1000);
          await store.finishRun({
            id: run!.id,
            status: i === 3 ? "partial" : "succeeded",
            counts: { seen: i, "skipped:no_serial": 1 },
            errors: i === 3 ? ["tenant b: 403"] : [],
          });
        }
        await store.startRun("other", "schedule", 60_000);
        const runs = await store.listRuns("widget", 3);
        expect(runs.map((r) => r.trigger)).to.deep.equal(["t3", "t2", "t1"]);
        expect(runs[0]).to.deep.include({
          status: "partial",
          counts: { seen: 3, "skipped:no_serial": 1 },
          errors: ["tenant b: 403"],
          startedAt: "2026-01-05T09:00:03.000Z",
          endedAt: "2026-01-05T09:00:04.000Z",
        });
      });

      it("refuses to finish a run as running, or a run that does not exist", async function () {
        const run = await store.startRun("widget", "schedule", 60_000);
        const asRunning = await store
          .finishRun({ id: run!.id, status: "running", counts: {}, errors: [] })
          .catch((e: unknown) => e);
        expect(asRunning).to.be.instanceOf(StoreError);
        const unknown = await store
          .finishRun({ id: "00000000-0000-4000-8000-000000000000", status: "failed", counts: {}, errors: [] })
          .catch((e: unknown) => e);
        expect(unknown).to.be.instanceOf(StoreError);
      });
    });

    describe("device ledger", function () {
      it("round-trips 100 000 entries of one account", async function () {
        this.timeout(60_000);
        const entries = ledgerEntries("widget", 100_000);
        await store.putLedger(entries);
        const back = await store.getLedger("widget");
        expect(back).to.have.length(entries.length);
        expect(back[0]).to.deep.equal(entries[0]);
        expect(back[99_999]).to.deep.equal(entries[99_999]);
        expect(back).to.deep.equal(entries);
      });

      it("upserts by tenant and device, and keeps accounts apart", async function () {
        await store.putLedger([...ledgerEntries("widget", 5), ...ledgerEntries("widget", 2, "tenant-b")]);
        await store.putLedger(ledgerEntries("other", 4));
        const changed: LedgerEntry = {
          account: "widget",
          tenantId: "tenant-a",
          deviceId: "dev-000001",
          lastSeenAt: "2026-02-01T00:00:00.000Z",
          retired: true,
        };
        await store.putLedger([changed]);
        const back = await store.getLedger("widget");
        expect(back).to.have.length(7);
        expect(back.find((e) => e.tenantId === "tenant-a" && e.deviceId === "dev-000001")).to.deep.equal(changed);
        expect(await store.getLedger("other")).to.have.length(4);
        expect(await store.getLedger("nobody")).to.deep.equal([]);
      });

      it("normalises times to UTC ISO form and rejects an invalid time without writing anything", async function () {
        await store.putLedger([{ ...ledgerEntries("widget", 1)[0], lastSeenAt: "2026-03-01T10:00:00+02:00" }]);
        expect((await store.getLedger("widget"))[0].lastSeenAt).to.equal("2026-03-01T08:00:00.000Z");
        const bad = [...ledgerEntries("other", 3), { ...ledgerEntries("other", 1)[0], lastSeenAt: "yesterday" }];
        expect(await store.putLedger(bad).catch((e: unknown) => e)).to.be.instanceOf(StoreError);
        expect(await store.getLedger("other")).to.deep.equal([]);
        await store.putLedger([]);
      });
    });

    describe("alert ledger", function () {
      it("upserts alerts by device and reads them back per account", async function () {
        await store.putAlert(alert("widget", "dev-2", { state: "pending" }));
        await store.putAlert(alert("widget", "dev-1"));
        await store.putAlert(alert("other", "dev-1"));
        const resolved = alert("widget", "dev-2", {
          requestId: "NG1-req-2",
          state: "resolved",
          previousRequestId: "NG1-req-0",
          detailHash: "h2",
        });
        await store.putAlert(resolved);
        const back = await store.getAlerts("widget");
        expect(back).to.deep.equal([alert("widget", "dev-1"), resolved]);
        expect(await store.getAlerts("other")).to.have.length(1);
        const pending = alert("x", "d", { state: "pending" });
        delete pending.requestId;
        await store.putAlert(pending);
        expect(await store.getAlerts("x")).to.deep.equal([pending]);
      });
    });

    describe("replay cache", function () {
      it("is true the first time and false for a replay, per scope", async function () {
        const exp = new Date(clock.now().getTime() + 120_000);
        expect(await store.rememberOnce("jti", "abc", exp)).to.equal(true);
        expect(await store.rememberOnce("jti", "abc", exp)).to.equal(false);
        expect(await store.rememberOnce("delivery", "abc", exp)).to.equal(true);
      });

      it("accepts an id again once it expired, and purges expired ids", async function () {
        const t0 = clock.now().getTime();
        expect(await store.rememberOnce("jti", "short", new Date(t0 + 1_000))).to.equal(true);
        expect(await store.rememberOnce("jti", "long", new Date(t0 + 3_600_000))).to.equal(true);
        clock.advance(1_000);
        expect(await store.rememberOnce("jti", "short", new Date(t0 + 5_000))).to.equal(true);
        expect(await store.rememberOnce("jti", "short", new Date(t0 + 5_000))).to.equal(false);
        clock.advance(10 * 60_000);
        expect(await store.rememberOnce("jti", "third", new Date(clock.now().getTime() + 1000))).to.equal(true);
        const ids = (await db.query("SELECT id FROM seen_once ORDER BY id")).map((r) => r.id);
        expect(ids).to.deep.equal(["long", "third"]);
      });

      it("forgets an id so a retried delivery is handled", async function () {
        const exp = new Date(clock.now().getTime() + 120_000);
        await store.rememberOnce("delivery", "d1", exp);
        await store.forgetOnce("delivery", "d1");
        await store.forgetOnce("delivery", "never-seen");
        expect(await store.rememberOnce("delivery", "d1", exp)).to.equal(true);
      });
    });
  });
}

function alert(account: string, deviceId: string, over: Partial<AlertEntry> = {}): AlertEntry {
  return {
    account,
    tenantId: "tenant-a",
    deviceId,
    requestId: `NG1-req-${deviceId}`,
    state: "open",
    detailHash: "h1",
    detail: JSON.stringify([{ policy: "Windows baseline", setting: "BitLocker" }]),
    updatedAt: "2026-01-05T09:00:00.000Z",
    ...over,
  };
}

async function sealedKeyIds(db: TestDatabase): Promise<string[]> {
  const rows = await db.query("SELECT sealed FROM instance_secrets");
  return [...new Set(rows.map((r) => String(r.sealed).split(":")[1]))].sort();
}
