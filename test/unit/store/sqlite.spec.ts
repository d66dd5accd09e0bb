// The store contract on SQLite: a fresh file in a temporary folder per suite, so WAL and reopening are real.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { runStoreContract, STORE_TABLES as TABLES, type TestDatabase } from "./contract.js";

runStoreContract("sqlite", async (): Promise<TestDatabase> => {
  const dir = mkdtempSync(join(tmpdir(), "store-sqlite-"));
  const path = join(dir, "connector.db");
  // A side connection, as a second process would have: it sees only what the store committed.
  let raw: Database.Database | undefined;
  const side = () => (raw ??= new Database(path));
  return {
    open: async ({ keys, now }) => new SqliteStore({ path, keys, now }),
    query: async (sql) => {
      const stmt = side().prepare(sql);
      if (stmt.reader) return stmt.all() as Record<string, unknown>[];
      stmt.run();
      return [];
    },
    reset: async () => {
      const probe = new SqliteStore({ path, keys: { current: { id: "reset", key: Buffer.alloc(32) }, previous: [] } });
      await probe.migrate();
      await probe.close();
      for (const t of TABLES) side().prepare(`DELETE FROM ${t}`).run();
    },
    destroy: async () => {
      raw?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
