// Which instances are due for a scheduled sync. Pure: takes the instances, their last runs and the time.
import type { InstanceRecord, SyncRun } from "../store/types.js";
import { DEFAULT_STALE_RUN_MS } from "../sync/run-sync.js";

export interface DueInput {
  instances: InstanceRecord[];
  /** The latest run per account, if any. */
  lastRuns: Map<string, SyncRun | undefined>;
  now: Date;
  defaultIntervalMinutes: number;
  /** A running run silent for this long was left by a crash (as runSync judges it); default DEFAULT_STALE_RUN_MS. */
  staleRunMs?: number;
}

/** An instance is runnable when the customer enabled it, the provider did not disable it, and it is not suspended. */
export function isRunnable(i: InstanceRecord): boolean {
  return i.enabledByCustomer && !i.disabled && !i.suspended;
}

/**
 * Accounts whose interval has passed since their last run started (so a slow run does not drift the schedule),
 * that are not running now, and whose import is active or whose alerts are on. A run still marked running that has
 * not beaten its heartbeat for the stale window was left by a crash: it holds nothing back (the sync replaces it);
 * otherwise an embedded connector restarted after a crash mid-run would never schedule that account again.
 */
export function dueAccounts({
  instances,
  lastRuns,
  now,
  defaultIntervalMinutes,
  staleRunMs = DEFAULT_STALE_RUN_MS,
}: DueInput): string[] {
  return instances
    .filter(isRunnable)
    .filter((i) => i.settings?.filters.active || i.settings?.alerts.enabled)
    .filter((i) => {
      const last = lastRuns.get(i.account);
      if (!last) return true;
      if (last.status === "running")
        return now.getTime() - Date.parse(last.heartbeatAt ?? last.startedAt) >= staleRunMs;
      return now.getTime() - Date.parse(last.startedAt) >= intervalMs(i, defaultIntervalMinutes);
    })
    .map((i) => i.account);
}

/** The instance's sync interval (its form's, or the configured default), in milliseconds. */
export function intervalMs(i: InstanceRecord, defaultIntervalMinutes: number): number {
  return (i.settings?.syncIntervalMinutes ?? defaultIntervalMinutes) * 60_000;
}
