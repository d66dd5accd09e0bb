import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { expect } from "chai";
import { StoreError } from "../../../src/errors.js";
import { createLogger, silentLogger } from "../../../src/logger.js";
import { checkMigrations, planMigrations, type Migration } from "../../../src/store/migrations.js";
import { POSTGRES_MIGRATIONS } from "../../../src/store/postgres/schema.js";
import { SQLITE_MIGRATIONS } from "../../../src/store/sqlite/schema.js";
import { migrateSqlite } from "../../../src/store/sqlite/migrate.js";

const m = (version: number, sql = "SELECT 1"): Migration => ({ version, name: `m${version}`, sql });

describe("migrations", function () {
  it("plans the versions not yet applied, in order, and names versions this code does not know", function () {
    expect(planMigrations([m(1), m(2), m(3)], [1]).pending.map((x) => x.version)).to.deep.equal([2, 3]);
    expect(planMigrations([m(1), m(2)], [1, 2]).pending).to.deep.equal([]);
    expect(planMigrations([m(1)], [1, 3, 2]).unknown).to.deep.equal([2, 3]);
  });

  it("refuses a list that is not numbered 1, 2, 3 … without gaps", function () {
    expect(() => checkMigrations([m(1), m(3)])).to.throw(StoreError, /expected 2/);
    expect(() => checkMigrations([m(2)])).to.throw(StoreError);
  });

  it("keeps both dialects at the same versions", function () {
    checkMigrations(SQLITE_MIGRATIONS);
    checkMigrations(POSTGRES_MIGRATIONS);
    expect(SQLITE_MIGRATIONS.map((x) => x.version)).to.deep.equal(POSTGRES_MIGRATIONS.map((x) => x.version));
  });

  describe("on SQLite", function () {
    let dir: string;
    beforeEach(function () {
      dir = mkdtempSync(join(tmpdir(), "migrate-"));
    });
    afterEach(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it("applies only the new migration when a release adds one", function () {
      const db = new Database(join(dir, "db"));
      migrateSqlite(db, silentLogger, [m(1, "CREATE TABLE a (x INTEGER)")]);
      migrateSqlite(db, silentLogger, [m(1, "CREATE TABLE a (x INTEGER)"), m(2, "CREATE TABLE b (y INTEGER)")]);
      migrateSqlite(db, silentLogger, [m(1, "CREATE TABLE a (x INTEGER)"), m(2, "CREATE TABLE b (y INTEGER)")]);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).to.deep.equal(["a", "b", "schema_migrations"]);
      db.close();
    });

    it("rolls a failing migration back whole, leaving nothing half-applied", function () {
      const db = new Database(join(dir, "db"));
      const bad = [m(1, "CREATE TABLE a (x INTEGER)"), m(2, "CREATE TABLE b (y INTEGER); CREATE TABLE a (z INTEGER)")];
      expect(() => migrateSqlite(db, silentLogger, bad)).to.throw();
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).to.deep.equal([]);
      db.close();
    });

    it("warns, and carries on, when the database is newer than this release", function () {
      const db = new Database(join(dir, "db"));
      migrateSqlite(db, silentLogger, [m(1), m(2)]);
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      });
      migrateSqlite(db, createLogger("info", stream), [m(1)]);
      expect(lines.join("")).to.include("newer");
      db.close();
    });
  });
});
