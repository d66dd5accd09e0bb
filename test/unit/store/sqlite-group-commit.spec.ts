// Group commit on SQLite: the writes of one event-loop turn share one transaction (one fsync), each atomic on its
// own, and none resolves before the group is committed.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "../../../src/errors.js";
import { GroupCommit } from "../../../src/store/sqlite/group-commit.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";

const asError = (op: string, err: unknown) => new StoreError(`${op}: ${(err as Error).message}`, { cause: err });

describe("GroupCommit", () => {
  let dir: string;
  let db: Database.Database;
  let side: Database.Database;
  let group: GroupCommit;
  /** Top-level transactions begun (BEGIN IMMEDIATE), counted by wrapping the connection's transaction(). */
  let begun: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "group-commit-"));
    db = new Database(join(dir, "g.db"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.exec(`CREATE TABLE parent (id TEXT PRIMARY KEY);
      CREATE TABLE t (k TEXT PRIMARY KEY,
        parent TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
    side = new Database(join(dir, "g.db"), { readonly: true });
    begun = 0;
    const transaction = db.transaction.bind(db);
    const counted = ((fn: (...a: unknown[]) => unknown) => {
      const tx = transaction(fn);
      const wrapped = (...args: unknown[]) => tx(...args);
      wrapped.immediate = (...args: unknown[]) => {
        begun++;
        return tx.immediate(...args);
      };
      return wrapped;
    }) as unknown as typeof db.transaction;
    group = new GroupCommit(Object.assign(Object.create(db) as Database.Database, { transaction: counted }), asError);
  });
  afterEach(() => {
    side.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert =
    (k: string, parent: string | null = null) =>
    () =>
      db.prepare("INSERT INTO t (k, parent) VALUES (?, ?)").run(k, parent).changes;
  const stored = () => side.prepare("SELECT k FROM t ORDER BY k").pluck().all();

  it("commits the writes of one turn in one transaction, and resolves each once it is durable", async () => {
    const seenAtResolve: unknown[][] = [];
    const writes = ["a", "b", "c"].map((k) => group.run(`w-${k}`, insert(k)).then(() => seenAtResolve.push(stored())));
    expect(stored(), "nothing is written before the turn ends").to.deep.equal([]);
    await Promise.all(writes);
    expect(begun).to.equal(1);
    // Another connection already saw every row of the group when the first promise resolved.
    expect(seenAtResolve[0]).to.deep.equal(["a", "b", "c"]);
  });

  it("runs writes of later turns in later transactions, in the order asked", async () => {
    await group.run("first", insert("a"));
    await group.run("second", () => db.prepare("UPDATE t SET k = 'b' WHERE k = 'a'").run().changes);
    expect(begun).to.equal(2);
    expect(stored()).to.deep.equal(["b"]);
  });

  it("rolls back and rejects only the write that threw; the rest of the group commits", async () => {
    const results = await Promise.allSettled([
      group.run("ok-1", insert("a")),
      group.run("half-done", () => {
        insert("b")();
        throw new Error("boom after a row");
      }),
      group.run("duplicate", insert("a")),
      group.run("ok-2", insert("c")),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "rejected", "rejected", "fulfilled"]);
    const reason = (results[1] as PromiseRejectedResult).reason as Error;
    expect(reason).to.be.instanceOf(StoreError);
    expect(reason.message).to.equal("half-done: boom after a row");
    expect((results[2] as PromiseRejectedResult).reason.message).to.match(/^duplicate: UNIQUE constraint failed/);
    expect(stored()).to.deep.equal(["a", "c"]);
    expect(begun).to.equal(1);
  });

  it("rejects the whole group, and stores none of it, when the commit itself fails", async () => {
    // A deferred foreign key is checked at COMMIT: the group's commit fails, not a write.
    const results = await Promise.allSettled([
      group.run("ok", insert("a")),
      group.run("orphan", insert("b", "no-such-parent")),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason.message).to.match(/^ok: FOREIGN KEY constraint failed/);
    expect(stored()).to.deep.equal([]);
    expect(db.inTransaction).to.equal(false);
    await group.run("after", insert("c"));
    expect(stored()).to.deep.equal(["c"]);
  });
});

describe("SqliteStore group commit", () => {
  it("commits a write still pending when the store is closed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "group-commit-store-"));
    const keys = { current: { id: "k1", key: randomBytes(32) }, previous: [] };
    try {
      const path = join(dir, "c.db");
      const store = new SqliteStore({ path, keys });
      await store.migrate();
      const pending = store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune" });
      await store.close();
      expect((await pending).account).to.equal("widget");
      const reopened = new SqliteStore({ path, keys });
      expect((await reopened.getInstance("widget"))?.offeringReference).to.equal("microsoft_intune");
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
