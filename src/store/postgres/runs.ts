// Sync runs on PostgreSQL. Concurrent starts for one account meet on the partial unique index
// sync_runs_one_running: one INSERT wins, the others wait for it to commit and then do nothing.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { StoreError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { staleRunError, validateFinish } from "../runs.js";
import { toRun, type RunRow } from "../rows.js";
import type { SyncRun } from "../types.js";

/** Runs inside the caller's transaction. */
export async function startRun(
  client: pg.PoolClient,
  logger: Logger,
  now: Date,
  account: string,
  trigger: string,
  staleAfterMs: number,
): Promise<SyncRun | undefined> {
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const stale = await client.query<{ id: string }>(
    `UPDATE sync_runs SET status = 'failed', ended_at = $2, errors = errors || jsonb_build_array($4::text)
     WHERE account = $1 AND status = 'running' AND COALESCE(heartbeat_at, started_at) < $3 RETURNING id`,
    [account, now, cutoff, staleRunError(staleAfterMs)],
  );
  for (const s of stale.rows) logger.warn({ account, runId: s.id }, "marked a stale sync run as failed");
  const inserted = await client.query<RunRow>(
    `INSERT INTO sync_runs (id, account, run_trigger, status, started_at)
     VALUES ($1, $2, $3, 'running', $4)
     ON CONFLICT (account) WHERE status = 'running' DO NOTHING
     RETURNING *`,
    [randomUUID(), account, trigger, now],
  );
  return inserted.rows[0] && toRun(inserted.rows[0]);
}

export async function finishRun(
  pool: pg.Pool,
  now: Date,
  run: Pick<SyncRun, "id" | "status" | "counts" | "errors">,
): Promise<void> {
  validateFinish(run);
  const result = await pool.query(
    "UPDATE sync_runs SET status = $2, ended_at = $3, counts = $4::jsonb, errors = $5::jsonb WHERE id = $1",
    [run.id, run.status, now, JSON.stringify(run.counts), JSON.stringify(run.errors)],
  );
  if (result.rowCount === 0) throw new StoreError(`sync run ${run.id} does not exist`);
}

export async function listRuns(pool: pg.Pool, account: string, limit: number): Promise<SyncRun[]> {
  const result = await pool.query<RunRow>(
    "SELECT * FROM sync_runs WHERE account = $1 ORDER BY started_at DESC, seq DESC LIMIT $2",
    [account, limit],
  );
  return result.rows.map(toRun);
}

/** Marks a running run as alive; a run whose heartbeat is older than the stale window may be replaced. */
export async function heartbeatRun(pool: pg.Pool, now: Date, id: string): Promise<void> {
  await pool.query("UPDATE sync_runs SET heartbeat_at = $2 WHERE id = $1 AND status = 'running'", [id, now]);
}
