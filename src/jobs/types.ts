// The work queue behind the webhooks and the scheduler: in-process by default, pg-boss on PostgreSQL.

export type JobName = "sync" | "validate-tenants" | "alerts" | "refresh-instance";

export interface JobData {
  /** Customer account the job is for. */
  account: string;
  /** What asked for it: webhook event, schedule, cli, consent. */
  trigger: string;
  [key: string]: unknown;
}

export type JobHandler = (data: JobData) => Promise<void>;

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
