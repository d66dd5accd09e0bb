// The default JobQueue: jobs run in this process, on p-queue for bounded concurrency. A singleton key (the customer
// account) gives one run per instance: a job waiting under a name and key is not queued twice, and two jobs with
// one key never run at the same time, whatever their names. A job that failed for a reason that may pass (an
// outage) is tried again after a backoff, as pg-boss does (retry-policy.ts). Jobs live in memory only: a restart
// drops what was waiting, and the scheduler queues it again.
import PQueue from "p-queue";
import { AppError, ErrorCode, asAppError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { RETRY_DELAY_MS, RETRY_LIMIT, isRetryable, retryDelayMs } from "./retry-policy.js";
import type { JobData, JobHandler, JobName, JobQueue } from "./types.js";

export interface InProcessQueueOptions {
  /** Jobs running at once, across all names and keys. */
  concurrency?: number;
  logger?: Logger;
  /** How stop() waits out its timeout and a retry its backoff; tests pass a controllable one. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries of a failed job (default 3); 0 turns retries off. */
  retryLimit?: number;
  /** The first retry's wait; each next one doubles it (default 5 s). */
  retryDelayMs?: number;
}

interface Job {
  name: JobName;
  data: JobData;
  key?: string;
  /** Handed to p-queue; until then it is waiting here for its handler or its key. */
  scheduled: boolean;
  /** 0 on the first attempt. */
  attempt: number;
}

const realSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export class InProcessQueue implements JobQueue {
  private readonly pool: PQueue;
  private readonly handlers = new Map<JobName, JobHandler>();
  /** Jobs queued and not started yet, in order (waiting here or scheduled in the pool). */
  private pending: Job[] = [];
  /** Keys of jobs in the pool, scheduled or running. */
  private readonly busyKeys = new Set<string>();
  private running = 0;
  /** Failed jobs waiting out their backoff before they are queued again. */
  private retrying = 0;
  private stopped = false;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retryLimit: number;
  private readonly retryBaseMs: number;

  constructor(options: InProcessQueueOptions = {}) {
    this.pool = new PQueue({ concurrency: options.concurrency ?? 4 });
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? realSleep;
    this.retryLimit = options.retryLimit ?? RETRY_LIMIT;
    this.retryBaseMs = options.retryDelayMs ?? RETRY_DELAY_MS;
  }

  async enqueue(name: JobName, data: JobData, options: { singletonKey?: string } = {}): Promise<void> {
    if (this.stopped) throw new AppError(ErrorCode.Unknown, `job queue stopped; ${name} not queued`);
    const key = options.singletonKey;
    this.add({ name, data, key, scheduled: false, attempt: 0 });
  }

  async work(name: JobName, handler: JobHandler): Promise<void> {
    this.handlers.set(name, handler);
    this.pump();
  }

  /** Stops taking work, drops what has not started, and waits for running jobs up to the timeout. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const dropped = this.pending.length;
    this.pending = [];
    this.pool.clear();
    if (dropped) this.logger.info({ dropped }, "job queue stopped; jobs not started were dropped");
    if (this.running === 0) return;
    let timedOut = false;
    await Promise.race([
      this.pool.onIdle(),
      this.sleep(timeoutMs).then(() => {
        timedOut = true;
      }),
    ]);
    if (timedOut) this.logger.warn({ running: this.running }, "job queue stop timed out with jobs still running");
  }

  /** Resolves once nothing that can run is running or scheduled. Jobs without a handler may still wait. */
  async onIdle(): Promise<void> {
    await this.pool.onIdle();
  }

  /** Waiting includes failed jobs waiting out their backoff. */
  counts(): { waiting: number; running: number } {
    return { waiting: this.pending.length + this.retrying, running: this.running };
  }

  private add(job: Job): void {
    if (job.key !== undefined && this.pending.some((j) => j.name === job.name && j.key === job.key)) {
      this.logger.debug({ job: job.name, key: job.key }, "job already waiting; not queued twice");
      return;
    }
    this.pending.push(job);
    this.pump();
  }

  /** Hands every job whose handler is known and whose key is free to the pool, in queue order. */
  private pump(): void {
    if (this.stopped) return;
    for (const job of this.pending) {
      if (job.scheduled || !this.handlers.has(job.name)) continue;
      if (job.key !== undefined) {
        if (this.busyKeys.has(job.key)) continue;
        this.busyKeys.add(job.key);
      }
      job.scheduled = true;
      void this.pool.add(() => this.run(job));
    }
  }

  private async run(job: Job): Promise<void> {
    this.pending = this.pending.filter((j) => j !== job);
    this.running++;
    try {
      await this.handlers.get(job.name)!(job.data, { exclusive: false, attempt: job.attempt });
    } catch (err) {
      const error = asAppError(err);
      const retry = job.attempt < this.retryLimit && isRetryable(err);
      if (!error.isLogged) {
        const fields = { job: job.name, account: job.data.account, attempt: job.attempt, err: error.message };
        if (retry) this.logger.warn(fields, "job failed; it is tried again");
        else this.logger.error(fields, "job failed");
      }
      if (retry) void this.retryLater(job);
    } finally {
      this.running--;
      if (job.key !== undefined) this.busyKeys.delete(job.key);
      this.pump();
    }
  }

  /** Queues a failed job again after its backoff; a queue stopped meanwhile drops it. */
  private async retryLater(job: Job): Promise<void> {
    this.retrying++;
    try {
      await this.sleep(retryDelayMs(job.attempt + 1, this.retryBaseMs));
    } finally {
      this.retrying--;
    }
    if (this.stopped) return;
    // A job queued meanwhile under the same name and key covers this one.
    this.add({ ...job, scheduled: false, attempt: job.attempt + 1 });
  }
}
