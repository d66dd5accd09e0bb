// The SQLite replay cache's relaxed durability and the per-connection statement cache. A temporary trigger records
// the connection's synchronous level at the moment each replay row is written.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { silentLogger } from "../../../src/logger.js";
import { migrateSqlite } from "../../../src/store/sqlite/migrate.js";
import { SqliteReplayCache } from "../../../src/store/sqlite/replay.js";
import { prepared } from "../../../src/store/sqlite/statements.js";

const FULL = 2;
const NORMAL = 1;
const NOW = new Date(Date.UTC(2025, 5, 1, 12));
const LATER = new Date(NOW.getTime() + 3_600_000);

describe("SqliteReplayCache", () => {
  let dir: string;
  let db: Database.Database;
  let cache: SqliteReplayCache;

  function open(journal: "WAL" | "DELETE"): void {
    db = new Database(join(dir, `replay-${journal}.db`));
    db.pragma(`journal_mode = ${journal}`);
    db.pragma("synchronous = FULL");
    migrateSqlite(db, silentLogger);
    db.exec(`CREATE TEMP TABLE levels (level INTEGER);
      CREATE TEMP TRIGGER record_level AFTER INSERT ON main.seen_once
      BEGIN INSERT INTO levels SELECT synchronous FROM pragma_synchronous; END;`);
    cache = new SqliteReplayCache(db, () => NOW);
  }
  const levels = () => db.prepare("SELECT level FROM levels").pluck().all();
  const level = () => db.pragma("synchronous", { simple: true });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "replay-sqlite-"));
  });
  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes replay records at synchronous NORMAL in WAL mode and restores FULL afterwards", () => {
    open("WAL");
    expect(cache.remember("jti", "a", LATER)).to.equal(true);
    expect(cache.remember("jti", "a", LATER)).to.equal(false);
    expect(levels()).to.deep.equal([NORMAL]);
    expect(level()).to.equal(FULL);
  });

  it("commits the record before returning, so another connection sees it at once", () => {
    open("WAL");
    cache.remember("delivery", "d1", LATER);
    const side = new Database(db.name, { readonly: true });
    try {
      expect(side.prepare("SELECT scope, id FROM seen_once").all()).to.deep.equal([{ scope: "delivery", id: "d1" }]);
    } finally {
      side.close();
    }
  });

  it("restores FULL when the write fails", () => {
    open("WAL");
    db.exec("DROP TABLE seen_once");
    expect(() => cache.forget("jti", "a")).to.throw(/no such table/);
    expect(level()).to.equal(FULL);
  });

  it("keeps the caller's level inside the caller's transaction", () => {
    open("WAL");
    db.transaction(() => cache.remember("jti", "in-tx", LATER))();
    expect(levels()).to.deep.equal([FULL]);
    expect(level()).to.equal(FULL);
  });

  it("keeps FULL in rollback-journal mode, where NORMAL is not safe", () => {
    open("DELETE");
    cache.remember("jti", "b", LATER);
    expect(levels()).to.deep.equal([FULL]);
  });
});

describe("prepared", () => {
  it("prepares a statement once per connection and SQL text", () => {
    const a = new Database(":memory:");
    const b = new Database(":memory:");
    try {
      expect(prepared(a, "SELECT 1")).to.equal(prepared(a, "SELECT 1"));
      expect(prepared(a, "SELECT 1")).not.to.equal(prepared(a, "SELECT 2"));
      expect(prepared(a, "SELECT 1")).not.to.equal(prepared(b, "SELECT 1"));
    } finally {
      a.close();
      b.close();
    }
  });
});
