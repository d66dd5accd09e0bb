// Upgrading a deployment from before tenant bindings (issue 13): a tenant connected by one account keeps its binding;
// a tenant that several accounts held connected (the naming defect let a second account connect it) is bound to none
// of them until an administrator signs in; a tenant nobody had connected is bound to nobody.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import pg from "pg";
import { silentLogger } from "../../../src/logger.js";
import type { Migration } from "../../../src/store/migrations.js";
import { migratePostgres } from "../../../src/store/postgres/migrate.js";
import { POSTGRES_MIGRATIONS } from "../../../src/store/postgres/schema.js";
import { migrateSqlite } from "../../../src/store/sqlite/migrate.js";
import { SQLITE_MIGRATIONS } from "../../../src/store/sqlite/schema.js";
import { createTestSchema, requirePostgres, type TestSchema } from "../../helpers/pg.js";

const X = "aaaaaaaa-0000-4000-8000-00000000000a";
const Y = "bbbbbbbb-0000-4000-8000-00000000000b";
const Z = "cccccccc-0000-4000-8000-00000000000c";

/** Everything before the bindings migration, then the rest. */
function split(list: readonly Migration[]): [Migration[], Migration[]] {
  const at = list.findIndex((m) => m.name === "tenant bindings");
  expect(at, "the bindings migration exists").to.be.greaterThan(0);
  return [list.slice(0, at), list.slice()];
}

const ROWS: [account: string, slot: number, tenantId: string, status: string][] = [
  ["alpha", 1, X.toUpperCase(), "connected"],
  ["alpha", 2, Y, "connected"],
  ["bravo", 1, Y, "connected"],
  ["charlie", 1, Z, "pending_consent"],
  ["delta", 1, X, "failed"],
];
const NOW = "2026-01-05T09:00:00.000Z";

const EXPECTED = [
  { tenant_id: X, account: "alpha", app_instance_id: "NG1-alpha", bound_by: "upgrade", cloud: "global" },
];

describe("upgrade: tenant bindings from the connected tenants", function () {
  it("on SQLite", function () {
    const dir = mkdtempSync(join(tmpdir(), "upgrade-bindings-"));
    const db = new Database(join(dir, "db"));
    try {
      const [before, all] = split(SQLITE_MIGRATIONS);
      migrateSqlite(db, silentLogger, before);
      for (const a of ["alpha", "bravo", "charlie", "delta"]) {
        db.prepare(
          "INSERT INTO instances (account, app_instance_id, offering_reference, created_at, updated_at) VALUES (?, ?, 'microsoft_intune', ?, ?)",
        ).run(a, `NG1-${a}`, NOW, NOW);
      }
      for (const [account, slot, tenantId, status] of ROWS) {
        db.prepare(
          "INSERT INTO tenants (account, slot, domain, cloud, tenant_id, status, updated_at) VALUES (?, ?, 'd.example', 'global', ?, ?, ?)",
        ).run(account, slot, tenantId, status, NOW);
      }
      migrateSqlite(db, silentLogger, all);
      const rows = db
        .prepare("SELECT tenant_id, account, app_instance_id, bound_by, cloud FROM tenant_bindings ORDER BY tenant_id")
        .all();
      expect(rows).to.deep.equal(EXPECTED);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("on PostgreSQL", function () {
    let schema: TestSchema;
    let pool: pg.Pool;
    before(async function () {
      await requirePostgres(this);
      schema = await createTestSchema("upgrade");
      pool = new pg.Pool(schema.poolConfig);
    });
    after(async function () {
      await pool?.end();
      await schema?.drop();
    });

    it("keeps the same bindings", async function () {
      const [before, all] = split(POSTGRES_MIGRATIONS);
      await migratePostgres(pool, silentLogger, before);
      for (const a of ["alpha", "bravo", "charlie", "delta"]) {
        await pool.query(
          "INSERT INTO instances (account, app_instance_id, offering_reference, created_at, updated_at) VALUES ($1, $2, 'microsoft_intune', $3, $3)",
          [a, `NG1-${a}`, NOW],
        );
      }
      for (const [account, slot, tenantId, status] of ROWS) {
        await pool.query(
          "INSERT INTO tenants (account, slot, domain, cloud, tenant_id, status, updated_at) VALUES ($1, $2, 'd.example', 'global', $3, $4, $5)",
          [account, slot, tenantId, status, NOW],
        );
      }
      await migratePostgres(pool, silentLogger, all);
      const { rows } = await pool.query(
        "SELECT tenant_id, account, app_instance_id, bound_by, cloud FROM tenant_bindings ORDER BY tenant_id",
      );
      expect(rows).to.deep.equal(EXPECTED);
    });
  });
});
