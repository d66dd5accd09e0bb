// The composition root: builds the whole connector from a Config. `serve` (src/main.ts), the demo and the
// end-to-end tests all use this one wiring, so what the tests exercise is what runs in production.
import type express from "express";
import type { Config } from "./config.js";
import { createFourMeClients, type FourMeClients, type FourMeClientsOptions } from "./fourme/index.js";
import { MsalGraphTokens } from "./intune/tokens.js";
import { createIntuneClient, type IntuneDeps } from "./intune/intune-client.js";
import { connectTenants, recordAuthorizationFailure, type ConnectionDeps } from "./intune/connection.js";
import { refreshBreakdown } from "./intune/breakdown-refresh.js";
import { refreshSoftwareCatalogue } from "./intune/software-catalogue-refresh.js";
import { consentStateKeys } from "./intune/consent-state.js";
import { createConsentRouter } from "./server/consent-routes.js";
import { createApp } from "./server/app.js";
import { ownPersonOf } from "./webhooks/own-person.js";
import { createMetrics, type ConnectorMetrics } from "./server/metrics.js";
import { InProcessQueue } from "./jobs/in-process-queue.js";
import { PgBossQueue, type PgBossQueueOptions } from "./jobs/pg-boss-queue.js";
import { scheduleDueSyncs, scheduledSyncStillDue, startTimerScheduler } from "./jobs/scheduler.js";
import type { JobQueue } from "./jobs/types.js";
import type { Logger } from "./logger.js";
import { openStore } from "./store/open-store.js";
import { loadSealingKeys } from "./store/seal.js";
import type { InstanceStore } from "./store/types.js";
import { createRefreshInstanceJob, type RefreshInstanceDeps } from "./webhooks/refresh-instance.js";
import { lookupThrough } from "./app-instance/alert-references.js";
import { Field } from "./app-instance/fields.js";
import { skipOnReferenceProblem } from "./alerts/reference-guard.js";
import { runSync, type RunSyncDeps, type RunSyncResult } from "./sync/run-sync.js";
import { renderCiExtension } from "./extension/render.js";
import { FourMeCredentialsError } from "./fourme/token-cache.js";
import { createAlertsHook } from "./alerts/run-alerts.js";

export interface ConnectorOptions {
  /** Options for the 4me clients (the sandbox and benchmarks switch the local rate limits off). */
  fourme?: FourMeClientsOptions;
  /** Options for the Graph side (fetch, sleep, backoff) in tests. */
  intune?: Partial<Omit<IntuneDeps, "microsoft" | "tokens">>;
  /** Jobs one process runs at once (tests); JOB_CONCURRENCY otherwise. */
  concurrency?: number;
  /** pg-boss settings in scale-out mode (its schema, expiry, polling); tests and benchmarks set them. */
  pgBoss?: Partial<Omit<PgBossQueueOptions, "connectionString" | "logger">>;
  /** Run the scheduler (off in tests that drive syncs themselves). */
  scheduler?: boolean;
  /** Take jobs from the queue (off for the CLI's one-off sync). Default true. */
  workers?: boolean;
  /** Extra routers for the express app (the demo page). */
  routers?: express.Router[];
  onProgress?: RunSyncDeps["onProgress"];
  /** An alerts pass run after each sync's writes; returns counts for the run summary. */
  afterWrite?: RunSyncDeps["afterWrite"];
}

export interface Connector {
  config: Config;
  app: express.Express;
  store: InstanceStore;
  queue: JobQueue;
  fourme: FourMeClients;
  logger: Logger;
  /** Prometheus metrics: GET /metrics on the metrics listener (listenMetrics), never on `app`. */
  metrics: ConnectorMetrics;
  /**
   * Runs one sync of an account now, in this process. `staleRunMs: 0` when the caller holds the account's lock
   * across replicas: a run still marked running was left by a replica that died, and is replaced.
   */
  syncNow(account: string, trigger?: string, options?: { staleRunMs?: number }): Promise<RunSyncResult>;
  /** Resolves the tenants of an account and writes status and consent links back. */
  validateTenants(account: string): Promise<void>;
  /** Stops taking jobs; running ones get `timeoutMs` to finish (then pg-boss releases them). The store stays open. */
  stopJobs(timeoutMs?: number): Promise<void>;
  /** stopJobs, then closes the store. */
  stop(timeoutMs?: number): Promise<void>;
}

export async function buildConnector(
  config: Config,
  logger: Logger,
  options: ConnectorOptions = {},
): Promise<Connector> {
  // Loaded once: the store seals with them and consent links are signed with a key derived from them.
  const keys = loadSealingKeys(config, logger);
  const store = await openStore(config, logger, { keys });
  // The queue is built below; the metrics sample it only when scraped.
  const metrics = createMetrics({
    queueDepth: () => (queue instanceof PgBossQueue ? queue.queueDepth() : (queue as InProcessQueue).counts().waiting),
    activeJobs: () => (queue instanceof PgBossQueue ? queue.activeJobs : (queue as InProcessQueue).counts().running),
  });
  const fourme = createFourMeClients(config, {
    store,
    logger,
    ...options.fourme,
    fetch: metrics.countingFetch("fourme", options.fourme?.fetch),
  });
  const provider = fourme.provider();
  const graphFetch = metrics.countingFetch("graph", options.intune?.fetch);
  const tokens = new MsalGraphTokens(config.microsoft, { logger, fetch: graphFetch });
  const intuneDeps: IntuneDeps = { microsoft: config.microsoft, tokens, logger, ...options.intune, fetch: graphFetch };
  const connection: ConnectionDeps = {
    ...intuneDeps,
    config,
    store,
    writer: provider,
    stateKeys: consentStateKeys(config.secretKeys, keys.current),
  };

  const queue: JobQueue =
    config.database.kind === "postgres"
      ? await PgBossQueue.start({
          connectionString: config.database.url,
          logger,
          schema: config.pgBoss.schema,
          concurrency: options.concurrency ?? config.jobs.concurrency,
          ...options.pgBoss,
        })
      : new InProcessQueue({ concurrency: options.concurrency ?? config.jobs.concurrency ?? 4, logger });

  const ciExtension = renderCiExtension();
  const intuneClient: RunSyncDeps["intuneClient"] = (t) =>
    createIntuneClient({ tenantId: t.tenantId!, cloud: t.cloud }, intuneDeps);
  const syncDeps: RunSyncDeps = {
    store,
    customerApi: (account) => fourme.customer(account),
    intuneClient,
    writer: provider,
    ciExtension,
    microsoft: config.microsoft,
    logger,
    onRefused: async (account, tenant, err) => {
      await recordAuthorizationFailure(account, tenant.tenantId!, err, connection);
    },
    // Compliance alerts run after the writes when the instance switched them on (issue 7).
    afterWrite:
      options.afterWrite ??
      skipOnReferenceProblem(
        createAlertsHook({ store, intuneClient, writer: provider, microsoft: config.microsoft, logger }),
        store,
      ),
    onProgress: options.onProgress,
  };

  const syncNow = async (account: string, trigger = "cli", runOptions: { staleRunMs?: number } = {}) => {
    try {
      return await runSync(account, trigger, { ...syncDeps, ...runOptions });
    } catch (err) {
      if (err instanceof FourMeCredentialsError) {
        // The customer's app credentials were refused: suspend with a comment that says what to do.
        const instance = await store.getInstance(account);
        await provider.suspendForInvalidCredentials(account, instance?.appInstanceId);
      }
      throw err;
    }
  };
  const validateTenants = async (account: string) => {
    const results = await connectTenants(account, connection);
    if (results.some((r) => r.status === "connected")) {
      await refreshBreakdown(account, connection);
      await refreshSoftwareCatalogue(account, connection);
    }
  };

  // The alert settings name records by name or id: each refresh finds them in the customer account (issue 14).
  const alertReferences: RefreshInstanceDeps["alertReferences"] = {
    lookup: (account) => lookupThrough(() => fourme.customer(account)),
    writeStatus: (id, status) =>
      provider.updateAppInstance(id, { customFields: [{ id: Field.alertsReferences, value: status }] }),
  };

  // The CLI's one-off sync takes no jobs: in PostgreSQL mode it would otherwise work for the cluster until it exits.
  if (options.workers !== false) {
    await queue.work(
      "refresh-instance",
      createRefreshInstanceJob({
        config,
        store,
        queue,
        appInstances: provider,
        writer: provider,
        logger,
        alertReferences,
      }),
    );
    await queue.work("validate-tenants", async (job) => validateTenants(job.account));
    await queue.work("sync", async (job, context) => {
      // A retry continues a run already begun; a first attempt of a scheduled job checks that it is still due.
      if (job.trigger === "schedule" && !context?.attempt) {
        const deps = { store, defaultIntervalMinutes: config.sync.defaultIntervalMinutes };
        if (!(await scheduledSyncStillDue(deps, job.account))) {
          logger.info({ account: job.account }, "scheduled sync not run: a run started within its interval");
          return;
        }
      }
      // Holding the account's lock across replicas (pg-boss mode), a run still marked running is a dead replica's.
      let result: RunSyncResult | undefined;
      try {
        result = await syncNow(job.account, job.trigger, context?.exclusive ? { staleRunMs: 0 } : {});
      } catch (err) {
        metrics.recordSync(undefined, err);
        throw err;
      }
      metrics.recordSync(result);
      if (result.skipped) logger.info({ account: job.account, skipped: result.skipped }, "sync not run");
    });
  }

  const consentRouter = createConsentRouter({
    ...connection,
    onConnected: async (account) => {
      await refreshBreakdown(account, connection);
      await refreshSoftwareCatalogue(account, connection);
      await queue.enqueue("sync", { account, trigger: "consent" }, { singletonKey: account });
    },
  });
  const app = createApp({
    config,
    store,
    logger,
    queue,
    appInstances: provider,
    ownPerson: ownPersonOf(() => provider.ownPersonId()),
    middleware: [metrics.webhookTiming],
    routers: [consentRouter, ...(options.routers ?? [])],
  });

  let stopScheduler = () => {};
  if (options.scheduler !== false) {
    const tick = { store, queue, logger, defaultIntervalMinutes: config.sync.defaultIntervalMinutes };
    const tickSeconds = config.scheduler.tickSeconds;
    if (queue instanceof PgBossQueue) {
      // A failed tick is not retried (the next period ticks); logged here, as the timer scheduler does.
      const runTick = () =>
        scheduleDueSyncs(tick).then(
          () => undefined,
          (err: unknown) => logger.error({ err: (err as Error).message }, "scheduler tick failed; retrying next tick"),
        );
      await queue.scheduleTick(runTick, tickSeconds);
    } else stopScheduler = startTimerScheduler(tick, tickSeconds * 1000);
  }

  const stopJobs = async (timeoutMs = 30_000) => {
    stopScheduler();
    await queue.stop(timeoutMs);
  };
  return {
    config,
    app,
    store,
    queue,
    fourme,
    logger,
    metrics,
    syncNow,
    validateTenants,
    stopJobs,
    async stop(timeoutMs = 30_000) {
      await stopJobs(timeoutMs);
      await store.close();
    },
  };
}
