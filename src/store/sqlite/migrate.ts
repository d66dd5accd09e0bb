// Applies pending SQLite migrations in one IMMEDIATE transaction: it takes the write lock first, so a second
// process opening the same file waits and then finds nothing to do.
import type BetterSqlite3 from "better-sqlite3";
import type { Logger } from "../../logger.js";
import { MIGRATIONS_TABLE, planMigrations, type Migration } from "../migrations.js";
import { SQLITE_MIGRATIONS } from "./schema.js";

export function migrateSqlite(
  db: BetterSqlite3.Database,
  logger: Logger,
  migrations: readonly Migration[] = SQLITE_MIGRATIONS,
): void {
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = db.prepare(`SELECT version FROM ${MIGRATIONS_TABLE}`).pluck().all() as number[];
    const plan = planMigrations(migrations, applied);
    if (plan.unknown.length > 0) {
      logger.warn({ versions: plan.unknown }, "the database has migrations this release does not know: it is newer");
    }
    const record = db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`);
    for (const m of plan.pending) {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      logger.info({ version: m.version, migration: m.name }, "applied database migration");
    }
  });
  run.immediate();
}
