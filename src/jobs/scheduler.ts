// The scheduler's tick: queue a sync for every instance that is due. The tick itself runs once per tick period
// (SCHEDULER_TICK_SECONDS), from a timer (embedded mode) or from one throttled pg-boss job per period (scale-out
// mode, PgBossQueue.scheduleTick), so it fires once across replicas.
import type { InstanceStore } from "../store/types.js";
import type { JobQueue } from "./types.js";
import { dueAccounts, intervalMs } from "./due.js";
import type { Logger } from "../logger.js";

export interface TickDeps {
  store: InstanceStore;
  queue: JobQueue;
  logger: Logger;
  defaultIntervalMinutes: number;
  now?: () => Date;
}

export async function scheduleDueSyncs(deps: TickDeps): Promise<string[]> {
  const now = (deps.now ?? (() => new Date()))();
  const instances = await deps.store.listInstances({ runnable: true });
  const lastRuns = new Map(
    await Promise.all(instances.map(async (i) => [i.account, (await deps.store.listRuns(i.account, 1))[0]] as const)),
  );
  const due = dueAccounts({ instances, lastRuns, now, defaultIntervalMinutes: deps.defaultIntervalMinutes });
  for (const account of due) {
    await deps.queue.enqueue("sync", { account, trigger: "schedule" }, { singletonKey: account });
  }
  if (due.length > 0) deps.logger.info({ due: due.length }, "scheduled syncs queued");
  return due;
}

/**
 * Whether a scheduled sync still has to run when a worker takes its job. A tick reads the last runs, then queues:
 * a run that starts in between (a webhook's, or one a slow tick's twin queued) would be followed at once by this
 * one, two runs in one period. So the job checks again: skipped when the last run started within the interval.
 */
export async function scheduledSyncStillDue(
  deps: Pick<TickDeps, "store" | "defaultIntervalMinutes" | "now">,
  account: string,
): Promise<boolean> {
  const now = (deps.now ?? (() => new Date()))();
  const [instance, [last]] = await Promise.all([deps.store.getInstance(account), deps.store.listRuns(account, 1)]);
  if (!instance || !last) return true;
  return now.getTime() - Date.parse(last.startedAt) >= intervalMs(instance, deps.defaultIntervalMinutes);
}

/** Embedded mode: tick every `everyMs` until stopped. Returns the stop function. */
export function startTimerScheduler(deps: TickDeps, everyMs = 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await scheduleDueSyncs(deps);
    } catch (err) {
      deps.logger.error({ err }, "scheduler tick failed; retrying next tick");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
