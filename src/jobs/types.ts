// The work queue behind the webhooks and the scheduler: in-process by default, pg-boss on PostgreSQL.

export type JobName = "sync" | "validate-tenants" | "alerts" | "refresh-instance";

export interface JobData {
  /** Customer account the job is for. */
  account: string;
  /** What asked for it: webhook event, schedule, cli, consent. */
  trigger: string;
  [key: string]: unknown;
}

/** What a queue knows about the job it hands over (scale-out mode; the in-process queue passes nothing). */
export interface JobContext {
  /**
   * The job holds its key's lock across all replicas: no other process works on this key now, so a run the store
   * still shows as running for it was left behind by a replica that died.
   */
  exclusive: boolean;
  /** 0 on the first attempt; more when the job is retried (after a failure, an expiry or a release). */
  attempt: number;
}

export type JobHandler = (data: JobData, context?: JobContext) => Promise<void>;

export interface JobQueue {
  /**
   * Queues a job. With a singleton key, a job with the same name and key that is still waiting is not queued
   * twice, and two jobs with one key never run at the same time (one run per instance).
   */
  enqueue(name: JobName, data: JobData, options?: { singletonKey?: string }): Promise<void>;
  /** Registers the handler of a job name; jobs queued before registration wait for it. */
  work(name: JobName, handler: JobHandler): Promise<void>;
  /** Stops taking work and waits for running jobs, up to the timeout. */
  stop(timeoutMs?: number): Promise<void>;
}
