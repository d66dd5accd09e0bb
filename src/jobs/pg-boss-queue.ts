// Scale-out mode: jobs go through pg-boss on the same PostgreSQL, so any replica takes any job.
//
// Why not pg-boss's "stately" policy for "one run per instance": its fetch takes the oldest waiting job, and when
// that job's key already has an active job the fetch fails on the unique index, so one busy account blocks every
// other account's jobs behind it (head-of-line blocking). Instead:
// - queues use the "short" policy: per singleton key at most one job waits (a second enqueue is dropped);
// - a job with a key runs under a PostgreSQL session advisory lock on that key, whatever its name. A job whose key is
//   busy is put back to wait (startAfter) and the worker takes the next job, so a large tenant never holds more
//   than one worker slot across all replicas and never blocks the others.
// The lock is held by a database session: when a replica dies, PostgreSQL drops the session and the lock with it.
// Its job stays active until pg-boss expires it (expireInSeconds), then another replica retries it and, holding
// the lock, knows the run left behind is dead (JobContext.exclusive) and resumes from the ledger.
import PgBoss from "pg-boss";
import pg from "pg";
import { asAppError } from "../errors.js";
import { RETRY_DELAY_MS, RETRY_LIMIT, isRetryable } from "./retry-policy.js";
import type { JobData, JobHandler, JobName, JobQueue } from "./types.js";
import type { Logger } from "../logger.js";

export const JOB_NAMES: JobName[] = ["sync", "validate-tenants", "alerts", "refresh-instance"];
export const TICK_QUEUE = "scheduler-tick";
/** First key of the two-key advisory lock: the connector's own lock space. */
const LOCK_SPACE = 0x4d45494e; // "MEIN"

export interface PgBossQueueOptions {
  connectionString: string;
  logger: Logger;
  /** PostgreSQL schema for pg-boss's tables (PGBOSS_SCHEMA; tests pass a fresh one). Default `pgboss`. */
  schema?: string;
  /** Jobs one replica runs at once per job name. */
  concurrency?: number;
  /**
   * A job whose replica died is retried by another after this long (default 15 minutes). A live run that takes
   * longer is not run twice at once (the retry finds its key locked and waits); it is run once more after it ends.
   */
  expireInSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
  /** A job whose key is busy waits this long before it is tried again. */
  busyDelaySeconds?: number;
  /** How often pg-boss expires jobs of dead replicas (one replica does it per interval). */
  maintenanceIntervalSeconds?: number;
  /** Sessions in the application_name, so operators (and tests) can tell replicas apart. */
  applicationName?: string;
}

export class PgBossQueue implements JobQueue {
  private readonly workers: string[] = [];
  private stopped = false;
  private running = 0;
  private tickTimer?: NodeJS.Timeout;
  /** Lock sessions of running jobs: ended on stop, so a released job's key is free for the replica taking it. */
  private readonly lockClients = new Set<pg.PoolClient>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly locks: pg.Pool,
    private readonly options: PgBossQueueOptions,
    private readonly schema: string,
  ) {}

  static async start(options: PgBossQueueOptions): Promise<PgBossQueue> {
    const schema = options.schema ?? "pgboss";
    const boss = new PgBoss({
      connectionString: options.connectionString,
      schema,
      max: 5,
      application_name: options.applicationName,
      ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
      // No cron: the tick is a throttled job (scheduleTick), so pg-boss need not poll for schedules.
      schedule: false,
    });
    boss.on("error", (err) => options.logger.error({ err: err.message }, "pg-boss error"));
    await boss.start();
    for (const name of [...JOB_NAMES, TICK_QUEUE]) {
      await boss.createQueue(name, {
        name,
        // The tick: at most one running across replicas. Jobs: one waiting per key (see the header).
        policy: name === TICK_QUEUE ? "singleton" : "short",
        retryLimit: options.retryLimit ?? RETRY_LIMIT,
        retryDelay: options.retryDelaySeconds ?? RETRY_DELAY_MS / 1000,
        retryBackoff: true,
        expireInSeconds: options.expireInSeconds ?? 15 * 60,
      });
    }
    // One connection per running job holds its key's lock; enough for every worker of every name.
    const concurrency = options.concurrency ?? 2;
    const locks = new pg.Pool({
      connectionString: options.connectionString,
      max: concurrency * JOB_NAMES.length + 1,
      application_name: options.applicationName,
    });
    locks.on("error", (err) => options.logger.warn({ err: err.message }, "a job lock connection failed"));
    return new PgBossQueue(boss, locks, options, schema);
  }

  async enqueue(name: JobName, data: JobData, options?: { singletonKey?: string }): Promise<void> {
    const id = await this.boss.send(name, data, { singletonKey: options?.singletonKey });
    if (id === null) this.options.logger.debug({ job: name, key: options?.singletonKey }, "job already waiting");
  }

  async work(name: JobName, handler: JobHandler): Promise<void> {
    const concurrency = this.options.concurrency ?? 2;
    for (let i = 0; i < concurrency; i++) {
      const id = await this.boss.work<JobData>(
        name,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
        async ([job]) => this.runJob(name, job, handler),
      );
      this.workers.push(id);
    }
  }

  /**
   * The scheduler tick, once per `tickSeconds` across all replicas. A cron has minute granularity, so instead every
   * replica offers a tick job twice per period with pg-boss's throttled send: the job's singleton slot is the
   * period (aligned on the database clock), and a unique index lets one job per slot exist, whoever sends it; the
   * others' sends are dropped. Offering twice per period means a late timer on one replica cannot skip a slot.
   * The tick queue's "singleton" policy keeps at most one tick running.
   */
  async scheduleTick(handler: () => Promise<void>, tickSeconds = 60): Promise<void> {
    // Earlier versions ticked from a pg-boss cron schedule; left in place it would tick once more per minute.
    await this.boss.unschedule(TICK_QUEUE);
    const pollingIntervalSeconds = Math.max(0.5, Math.min(this.options.pollingIntervalSeconds ?? 2, tickSeconds / 2));
    this.workers.push(await this.boss.work(TICK_QUEUE, { pollingIntervalSeconds }, async () => handler()));
    const offer = async () => {
      if (this.stopped) return;
      try {
        // No retry (the next period ticks anyway); a dead replica's tick expires soon, so the next one can run.
        await this.boss.sendThrottled(
          TICK_QUEUE,
          {},
          { retryLimit: 0, expireInSeconds: Math.max(30, tickSeconds) },
          tickSeconds,
        );
      } catch (err) {
        this.options.logger.warn({ err: (err as Error).message }, "scheduler tick not offered; next try soon");
      }
    };
    this.tickTimer = setInterval(() => void offer(), tickSeconds * 500);
    this.tickTimer.unref();
    await offer();
  }

  /** Jobs waiting (created or waiting for a retry) over all job names. */
  async queueDepth(): Promise<number> {
    let total = 0;
    for (const name of JOB_NAMES) total += await this.boss.getQueueSize(name);
    return total;
  }

  /** Jobs this replica is running now. */
  get activeJobs(): number {
    return this.running;
  }

  /**
   * Stops taking work, waits for running jobs up to the timeout, then releases those still running: pg-boss
   * fails them, so another replica retries them (after retryDelay) and resumes from the ledger.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.tickTimer);
    await this.boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
    if (this.lockClients.size > 0) {
      this.options.logger.warn({ jobs: this.lockClients.size }, "jobs still running at stop were released");
    }
    for (const client of this.lockClients) client.release(new Error("queue stopped; job released"));
    this.lockClients.clear();
    await this.locks.end();
  }

  private async runJob(name: JobName, job: PgBoss.JobWithMetadata<JobData>, handler: JobHandler): Promise<void> {
    const key = job.singletonKey;
    if (!key) return this.track(name, job.data, () => handler(job.data, { exclusive: false, attempt: job.retryCount }));
    const held = await this.withKeyLock(key, () =>
      this.track(name, job.data, () => handler(job.data, { exclusive: true, attempt: job.retryCount })),
    );
    if (!held.locked) {
      // Busy on another worker or replica: wait again rather than hold this slot. With the "short" policy a job
      // already waiting for this key covers this one, and the send is dropped.
      const again = await this.boss.send(name, job.data, {
        singletonKey: key,
        startAfter: this.options.busyDelaySeconds ?? 10,
      });
      this.options.logger.debug({ job: name, key, requeued: again !== null }, "key busy; job waits again");
    }
  }

  /**
   * Runs `fn` holding the key's lock across all replicas: the one every job with this singleton key runs under,
   * whatever its name. When another job (or process) holds it, returns `{ locked: false }` at once without running
   * `fn`. The CLI's `sync --account` takes it too, so it never runs beside a replica's run of the same account.
   */
  async withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<{ locked: true; result: T } | { locked: false }> {
    const client = await this.locks.connect();
    // A checked-out client's errors do not reach the pool's handler; unhandled, a dropped session would crash
    // the process. The lock went with the session; the unlock below then fails and the client is discarded.
    const onError = (err: Error) => this.options.logger.warn({ err: err.message, key }, "job lock session lost");
    client.on("error", onError);
    this.lockClients.add(client);
    let released = false;
    const release = (err?: Error) => {
      if (released || !this.lockClients.has(client)) return;
      released = true;
      this.lockClients.delete(client);
      client.off("error", onError);
      client.release(err);
    };
    try {
      // The schema is part of the lock key: two deployments (or test runs) on one database do not meet.
      const lockKey = `${this.schema}:${key}`;
      const { rows } = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked",
        [LOCK_SPACE, lockKey],
      );
      if (!rows[0]?.locked) return { locked: false };
      try {
        return { locked: true, result: await fn() };
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_SPACE, lockKey]).catch((err) => {
          // A broken session released the lock already; do not return it to the pool.
          release(err as Error);
        });
      }
    } finally {
      release();
    }
  }

  /** Runs a job; a failure that would repeat itself (retry-policy.ts) completes the job instead of failing it. */
  private async track(name: JobName, data: JobData, fn: () => Promise<void>): Promise<void> {
    this.running++;
    try {
      await fn();
    } catch (err) {
      if (isRetryable(err)) throw err;
      const error = asAppError(err);
      if (!error.isLogged) {
        this.options.logger.error({ job: name, account: data.account, err: error.message }, "job failed; not retried");
      }
    } finally {
      this.running--;
    }
  }
}
