// The scheduler's tick: queue a sync for every instance that is due. The tick itself runs once per tick period
// (SCHEDULER_TICK_SECONDS), from a timer (embedded mode) or from one throttled pg-boss job per period (scale-out
// mode, PgBossQueue.scheduleTick), so it fires once across replicas.
import type { InstanceStore } from "../store/types.js";
import type { JobQueue } from "./types.js";
import { dueAccounts } from "./due.js";
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
