// Scale-out mode: jobs go through pg-boss on the same PostgreSQL, so any replica runs any job.
// Queues use the "stately" policy: per singleton key at most one job waiting and one running, across replicas,
// which is how "one run per instance at a time" holds with several replicas.
import PgBoss from "pg-boss";
import type { JobData, JobHandler, JobName, JobQueue } from "./types.js";
import type { Logger } from "../logger.js";

export const JOB_NAMES: JobName[] = ["sync", "validate-tenants", "alerts", "refresh-instance"];
const TICK = "scheduler-tick";

export interface PgBossQueueOptions {
  connectionString: string;
  logger: Logger;
  /** PostgreSQL schema for pg-boss's tables. */
  schema?: string;
  /** Jobs one replica runs at once per job name. */
  concurrency?: number;
  /** A job whose replica died is retried by another after this long. */
  expireInSeconds?: number;
  retryLimit?: number;
  pollingIntervalSeconds?: number;
}

export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly workers: string[] = [];

  private constructor(
    boss: PgBoss,
    private readonly options: PgBossQueueOptions,
  ) {
    this.boss = boss;
  }

  static async start(options: PgBossQueueOptions): Promise<PgBossQueue> {
    const boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema ?? "pgboss",
      max: 5,
    });
    boss.on("error", (err) => options.logger.error({ err }, "pg-boss error"));
    await boss.start();
    for (const name of [...JOB_NAMES, TICK]) {
      await boss.createQueue(name, {
        name,
        policy: name === TICK ? "singleton" : "stately",
        retryLimit: options.retryLimit ?? 3,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: options.expireInSeconds ?? 15 * 60,
      });
    }
    return new PgBossQueue(boss, options);
  }

  async enqueue(name: JobName, data: JobData, options?: { singletonKey?: string }): Promise<void> {
    await this.boss.send(name, data, { singletonKey: options?.singletonKey });
  }

  async work(name: JobName, handler: JobHandler): Promise<void> {
    const concurrency = this.options.concurrency ?? 2;
    for (let i = 0; i < concurrency; i++) {
      const id = await this.boss.work<JobData>(
        name,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
        async ([job]) => handler(job.data),
      );
      this.workers.push(id);
    }
  }

  /** The scheduler tick as one pg-boss cron schedule: it fires once per minute across all replicas. */
  async scheduleTick(handler: () => Promise<void>): Promise<void> {
    await this.boss.schedule(TICK, "* * * * *", {});
    this.workers.push(await this.boss.work(TICK, async () => handler()));
  }

  async queueDepth(): Promise<number> {
    let total = 0;
    for (const name of JOB_NAMES) total += await this.boss.getQueueSize(name);
    return total;
  }

  async stop(timeoutMs = 30_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
  }
}
