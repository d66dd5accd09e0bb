// Versioned schema migrations, one ordered list per dialect (sqlite/schema.ts, postgres/schema.ts). Each runner
// applies the pending ones inside one locked transaction and records them in `schema_migrations`, so a second
// run (or a second replica) finds nothing to do.
import { StoreError } from "../errors.js";

export interface Migration {
  /** Strictly increasing from 1; never renumber or edit a released migration, add a new one. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_TABLE = "schema_migrations";

/** Throws when the list is not strictly increasing from 1 without gaps: a coding error, caught by the tests. */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError(`migration '${m.name}' has version ${m.version}, expected ${i + 1}`);
    }
  });
}

export interface MigrationPlan {
  pending: Migration[];
  /** Versions recorded in the database that this code does not know: a newer release ran against it. */
  unknown: number[];
}

export function planMigrations(migrations: readonly Migration[], applied: readonly number[]): MigrationPlan {
  checkMigrations(migrations);
  const done = new Set(applied);
  const known = new Set(migrations.map((m) => m.version));
  return {
    pending: migrations.filter((m) => !done.has(m.version)),
    unknown: applied.filter((v) => !known.has(v)).sort((a, b) => a - b),
  };
}
