// The default JobQueue: jobs run in this process, on p-queue for bounded concurrency. A singleton key (the customer
// account) gives one run per instance: a job waiting under a name and key is not queued twice, and two jobs with
// one key never run at the same time, whatever their names. Jobs live in memory only: a restart drops what was
// waiting, and the scheduler queues it again.
import PQueue from "p-queue";
import { AppError, ErrorCode, asAppError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import type { JobData, JobHandler, JobName, JobQueue } from "./types.js";

export interface InProcessQueueOptions {
  /** Jobs running at once, across all names and keys. */
  concurrency?: number;
  logger?: Logger;
  /** How stop() waits out its timeout; tests pass a controllable one. */
  sleep?: (ms: number) => Promise<void>;
}

interface Job {
  name: JobName;
  data: JobData;
  key?: string;
  /** Handed to p-queue; until then it is waiting here for its handler or its key. */
  scheduled: boolean;
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
  private stopped = false;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: InProcessQueueOptions = {}) {
    this.pool = new PQueue({ concurrency: options.concurrency ?? 4 });
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? realSleep;
  }

  async enqueue(name: JobName, data: JobData, options: { singletonKey?: string } = {}): Promise<void> {
    if (this.stopped) throw new AppError(ErrorCode.Unknown, `job queue stopped; ${name} not queued`);
    const key = options.singletonKey;
    if (key !== undefined && this.pending.some((j) => j.name === name && j.key === key)) {
      this.logger.debug({ job: name, key }, "job already waiting; not queued twice");
      return;
    }
    this.pending.push({ name, data, key, scheduled: false });
    this.pump();
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

  counts(): { waiting: number; running: number } {
    return { waiting: this.pending.length, running: this.running };
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
      await this.handlers.get(job.name)!(job.data);
    } catch (err) {
      const error = asAppError(err);
      if (!error.isLogged) {
        this.logger.error({ job: job.name, account: job.data.account, err: error.message }, "job failed");
      }
    } finally {
      this.running--;
      if (job.key !== undefined) this.busyKeys.delete(job.key);
      this.pump();
    }
  }
}
