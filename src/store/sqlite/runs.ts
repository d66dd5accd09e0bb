// Sync runs on SQLite. The caller runs startRun inside an IMMEDIATE transaction; the partial unique index
// sync_runs_one_running is the backstop that keeps one running run per account.
import { randomUUID } from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { StoreError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { staleRunError, validateFinish } from "../runs.js";
import { toRun, type RunRow } from "../rows.js";
import type { SyncRun } from "../types.js";

export function startRun(
  db: BetterSqlite3.Database,
  logger: Logger,
  now: Date,
  account: string,
  trigger: string,
  staleAfterMs: number,
): SyncRun | undefined {
  const cutoff = new Date(now.getTime() - staleAfterMs).toISOString();
  const stale = db
    .prepare(
      `UPDATE sync_runs SET status = 'failed', ended_at = @now, errors = json_insert(errors, '$[#]', @error)
       WHERE account = @account AND status = 'running' AND COALESCE(heartbeat_at, started_at) < @cutoff RETURNING id`,
    )
    .all({ account, cutoff, now: now.toISOString(), error: staleRunError(staleAfterMs) }) as { id: string }[];
  for (const s of stale) logger.warn({ account, runId: s.id }, "marked a stale sync run as failed");
  const row = db
    .prepare(
      `INSERT INTO sync_runs (id, account, run_trigger, status, started_at)
       VALUES (?, ?, ?, 'running', ?)
       ON CONFLICT (account) WHERE status = 'running' DO NOTHING
       RETURNING *`,
    )
    .get(randomUUID(), account, trigger, now.toISOString()) as RunRow | undefined;
  return row && toRun(row);
}

export function finishRun(
  db: BetterSqlite3.Database,
  now: Date,
  run: Pick<SyncRun, "id" | "status" | "counts" | "errors">,
): void {
  validateFinish(run);
  const result = db
    .prepare("UPDATE sync_runs SET status = ?, ended_at = ?, counts = ?, errors = ? WHERE id = ?")
    .run(run.status, now.toISOString(), JSON.stringify(run.counts), JSON.stringify(run.errors), run.id);
  if (result.changes === 0) throw new StoreError(`sync run ${run.id} does not exist`);
}

export function listRuns(db: BetterSqlite3.Database, account: string, limit: number): SyncRun[] {
  const rows = db
    .prepare("SELECT * FROM sync_runs WHERE account = ? ORDER BY started_at DESC, seq DESC LIMIT ?")
    .all(account, limit) as RunRow[];
  return rows.map(toRun);
}

/** Marks a running run as alive; a run whose heartbeat is older than the stale window may be replaced. */
export function heartbeatRun(db: BetterSqlite3.Database, now: Date, id: string): void {
  db.prepare("UPDATE sync_runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'").run(now.toISOString(), id);
}
