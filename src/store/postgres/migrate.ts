// Applies pending PostgreSQL migrations in one transaction under a transaction-scoped advisory lock, keyed by the
// schema: replicas starting together queue on the lock, and the later ones find nothing left to do. DDL is
// transactional in PostgreSQL, so a failed migration leaves nothing half-applied.
import type pg from "pg";
import type { Logger } from "../../logger.js";
import { MIGRATIONS_TABLE, planMigrations, type Migration } from "../migrations.js";
import { POSTGRES_MIGRATIONS } from "./schema.js";
import { withTransaction } from "./tx.js";

export const MIGRATION_LOCK_PREFIX = "intune-4me-connector/migrate/";

export async function migratePostgres(
  pool: pg.Pool,
  logger: Logger,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<void> {
  await withTransaction(pool, "migrate", async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1 || current_schema()))", [MIGRATION_LOCK_PREFIX]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await client.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE}`);
    const plan = planMigrations(
      migrations,
      applied.rows.map((r) => r.version),
    );
    if (plan.unknown.length > 0) {
      logger.warn({ versions: plan.unknown }, "the database has migrations this release does not know: it is newer");
    }
    for (const m of plan.pending) {
      await client.query(m.sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      logger.info({ version: m.version, migration: m.name }, "applied database migration");
    }
  });
}
