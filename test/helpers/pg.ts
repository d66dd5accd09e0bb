// PostgreSQL for tests: whether a server answers at TEST_DATABASE_URL, and a fresh schema per test run, so
// parallel runs (and parallel CI jobs) never see each other's tables.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/** The URL without its password, for notices. */
export function describeUrl(url = TEST_DATABASE_URL): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable TEST_DATABASE_URL)";
  }
}

let reachable: Promise<boolean> | undefined;
let noticed = false;

/** Whether PostgreSQL answers (asked once per process, with a short timeout). */
export function postgresAnswers(url = TEST_DATABASE_URL): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * For a suite's `before` hook: skips the suite with a visible notice when PostgreSQL does not answer, except in
 * CI (CI=true), where PostgreSQL must run and the suite fails instead.
 */
export async function requirePostgres(ctx: Mocha.Context): Promise<void> {
  if (await postgresAnswers()) return;
  const message = `PostgreSQL not reachable at ${describeUrl()}`;
  if (process.env.CI === "true") throw new Error(`${message}: CI must run the PostgreSQL tests`);
  if (!noticed) console.warn(`\n  ⚠ ${message}: skipping (set TEST_DATABASE_URL, or start PostgreSQL)\n`);
  noticed = true;
  ctx.skip();
}

export interface TestSchema {
  schema: string;
  /** Pool settings whose connections use only this schema. */
  poolConfig: pg.PoolConfig;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** Creates an empty, uniquely named schema. */
export async function createTestSchema(prefix = "test"): Promise<TestSchema> {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`.toLowerCase();
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE SCHEMA "${schema}"`);
  return {
    schema,
    poolConfig: { connectionString: TEST_DATABASE_URL, options: `-c search_path="${schema}"` },
    drop: () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}
