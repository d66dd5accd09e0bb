// The store contract on PostgreSQL, plus what only matters with several replicas: concurrent writers and
// concurrent migrations. Each run works in its own schema (test/helpers/pg.ts) and drops it afterwards.
import { expect } from "chai";
import pg from "pg";
import { PostgresStore } from "../../../src/store/postgres/postgres-store.js";
import { POSTGRES_MIGRATIONS } from "../../../src/store/postgres/schema.js";
import type { SealingKeys } from "../../../src/store/seal.js";
import { createTestSchema, requirePostgres, type TestSchema } from "../../helpers/pg.js";
import {
  key,
  ledgerEntries,
  runStoreContract,
  STORE_TABLES as TABLES,
  TestClock,
  type TestDatabase,
} from "./contract.js";

async function testDatabase(): Promise<TestDatabase> {
  const schema = await createTestSchema("store");
  const side = new pg.Pool({ ...schema.poolConfig, max: 2 });
  return {
    open: async ({ keys, now }) => new PostgresStore({ pool: schema.poolConfig, keys, now }),
    query: async (sql) => (await side.query(sql)).rows as Record<string, unknown>[],
    reset: async () => {
      const probe = new PostgresStore({ pool: schema.poolConfig, keys: { current: key("reset"), previous: [] } });
      await probe.migrate();
      await probe.close();
      await side.query(`TRUNCATE ${TABLES.join(", ")}`);
    },
    destroy: async () => {
      await side.end();
      await schema.drop();
    },
  };
}

describe("postgres store", function () {
  before(async function () {
    await requirePostgres(this);
  });

  runStoreContract("postgres", testDatabase);

  describe("with concurrent writers", function () {
    let schema: TestSchema;
    let keys: SealingKeys;
    let clock: TestClock;
    const stores: PostgresStore[] = [];
    const open = async () => {
      const s = new PostgresStore({ pool: { ...schema.poolConfig, max: 12 }, keys, now: clock.now });
      stores.push(s);
      await s.migrate();
      return s;
    };

    beforeEach(async function () {
      schema = await createTestSchema("store_conc");
      keys = { current: key("k1"), previous: [] };
      clock = new TestClock();
    });
    afterEach(async function () {
      for (const s of stores.splice(0)) await s.close();
      await schema.drop();
    });

    it("lets exactly one of 10 parallel startRun calls for one account win", async function () {
      const [a, b] = [await open(), await open()];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).startRun("widget", `replica-${i}`, 60_000)),
      );
      expect(results.filter((r) => r !== undefined)).to.have.length(1);
      const runs = await a.listRuns("widget", 100);
      expect(runs.map((r) => r.status)).to.deep.equal(["running"]);
    });

    it("replaces a stale run exactly once when 10 replicas start together", async function () {
      const a = await open();
      const stale = await a.startRun("widget", "schedule", 60_000);
      clock.advance(120_000);
      const b = await open();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).startRun("widget", `replica-${i}`, 60_000)),
      );
      expect(results.filter((r) => r !== undefined)).to.have.length(1);
      const runs = await a.listRuns("widget", 100);
      expect(runs.map((r) => r.status).sort()).to.deep.equal(["failed", "running"]);
      const failed = runs.find((r) => r.id === stale!.id)!;
      expect(failed.errors).to.have.length(1);
    });

    it("loses no rows when ledger batches are written in parallel, overlapping or not", async function () {
      const [a, b] = [await open(), await open()];
      const all = ledgerEntries("widget", 12_000);
      // Six batches of 3 000 over 12 000 devices: neighbours overlap by 1 000, in both directions.
      const batches = Array.from({ length: 6 }, (_, i) => all.slice(i * 1800, i * 1800 + 3000));
      batches[3].reverse();
      await Promise.all(batches.map((batch, i) => (i % 2 ? a : b).putLedger(batch)));
      const back = await a.getLedger("widget");
      expect(back).to.have.length(all.length);
      expect(back).to.deep.equal(all);
    });

    it("keeps both parts when two secret deliveries for one account are merged at once", async function () {
      const [a, b] = [await open(), await open()];
      await Promise.all([
        a.mergeSecrets("widget", { application: { client_id: "c", client_secret: "s" } }),
        b.mergeSecrets("widget", { policy: { algorithm: "es512", public_key: "pem" } }),
        a.mergeSecrets("widget", { secrets: { x: "1" } }),
        b.mergeSecrets("widget", { secrets: { y: "2" } }),
      ]);
      expect(await a.getSecrets("widget")).to.deep.equal({
        application: { client_id: "c", client_secret: "s" },
        policy: { algorithm: "es512", public_key: "pem" },
        secrets: { x: "1", y: "2" },
      });
    });

    it("accepts a replayed id once when replicas see it at the same moment", async function () {
      const [a, b] = [await open(), await open()];
      const exp = new Date(clock.now().getTime() + 60_000);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).rememberOnce("jti", "same", exp)),
      );
      expect(results.filter(Boolean)).to.have.length(1);
    });

    it("migrates once when two pools run migrate() at the same time, and again is a no-op", async function () {
      const a = new PostgresStore({ pool: schema.poolConfig, keys });
      const b = new PostgresStore({ pool: schema.poolConfig, keys });
      stores.push(a, b);
      await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
      await a.upsertInstance({ account: "widget", offeringReference: "microsoft_intune" });
      await Promise.all([a.migrate(), b.migrate()]);
      const side = new pg.Pool(schema.poolConfig);
      try {
        const rows = (await side.query("SELECT version FROM schema_migrations ORDER BY version")).rows;
        expect(rows.map((r) => r.version)).to.deep.equal(POSTGRES_MIGRATIONS.map((m) => m.version));
      } finally {
        await side.end();
      }
      expect(await b.getInstance("widget")).to.include({ account: "widget" });
    });
  });
});
