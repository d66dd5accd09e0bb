// `serve` and `sync`: read the configuration, build the connector, and run it until SIGTERM.
import { readConfig } from "./config.js";
import { requireServeSettings, requireSyncSettings, webhookKeyAtStart } from "./command-settings.js";
import { buildConnector, type Connector } from "./connector.js";
import { entraClouds } from "./intune/entra-apps.js";
import { PgBossQueue } from "./jobs/pg-boss-queue.js";
import { createLogger, type Logger } from "./logger.js";
import { listen, type Listening } from "./server/listen.js";
import { listenMetrics } from "./server/metrics-listener.js";
import type { RunSyncResult } from "./sync/run-sync.js";
import type { SyncProgress } from "./sync/progress.js";

/** How long running jobs get to finish after SIGTERM before they are released to another replica. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;
/** Webhook requests still open this long after SIGTERM are cut (4me retries a delivery it got no answer to). */
const REQUEST_DRAIN_MS = 5_000;

export interface ShutdownOptions {
  /** Running jobs get this long to finish; then pg-boss releases them (another replica retries them). */
  timeoutMs?: number;
  /** Defaults to process.exit. */
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

/**
 * Graceful shutdown: on the first signal, stop taking webhooks (close the listener), stop taking jobs, let the
 * running ones finish or release them at the timeout, close the store, exit 0. A second signal, or a stop that
 * overruns its own deadline, exits 1 at once. Returns the shutdown function (the tests call it directly too).
 */
export function stopOnSignals(
  parts: {
    server: Listening;
    /** The metrics listener; closed with the public one. */
    metricsServer?: Listening;
    connector: Pick<Connector, "stopJobs" | "stop">;
    logger: Logger;
  },
  options: ShutdownOptions = {},
): (signal: string) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const { server, connector, logger } = parts;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "second signal while stopping; exiting now");
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, "shutting down: no new webhooks or jobs; running jobs finish or are released");
    // The whole stop has a deadline of its own: a hung close must not keep a replica half alive.
    const deadline = setTimeout(
      () => {
        logger.error("shutdown overran its deadline; exiting");
        exit(1);
      },
      timeoutMs + REQUEST_DRAIN_MS + 10_000,
    );
    deadline.unref();
    const drain = setTimeout(() => server.server.closeAllConnections(), REQUEST_DRAIN_MS);
    drain.unref();
    try {
      // Jobs stop being taken at once, not after the listener drained: a client holding a connection open for the
      // drain's seconds must not let a replica that is going away start another job. The store stays open until
      // both are done (requests still in flight write to it); a webhook that can no longer queue its job gets a 5xx,
      // and 4me delivers it again, to another replica.
      await Promise.all([
        server.close().finally(() => clearTimeout(drain)),
        parts.metricsServer?.close(),
        connector.stopJobs(timeoutMs),
      ]);
      await connector.stop(timeoutMs);
      logger.info("stopped");
      exit(0);
    } catch (err) {
      logger.error({ err: (err as Error).message }, "shutdown failed");
      exit(1);
    } finally {
      clearTimeout(deadline);
    }
  };
  for (const signal of options.signals ?? (["SIGTERM", "SIGINT"] as NodeJS.Signals[])) {
    process.on(signal, () => void shutdown(signal));
  }
  return shutdown;
}

export async function serve(): Promise<void> {
  const config = readConfig();
  requireServeSettings(config);
  const logger = createLogger(config.logLevel);
  const connector = await buildConnector(config, logger);
  const key = await webhookKeyAtStart(config, connector.store);
  if (key.source === "none") logger.warn(key.advice);
  else logger.info({ source: key.source }, "webhook policy key found");
  const server = await listen(connector.app, { port: config.port, host: config.host });
  const metricsServer = await listenMetrics(connector.metrics, config.metrics, logger);
  logger.info(
    {
      bound: server.bound,
      publicUrl: config.publicUrl,
      store: connector.store.kind,
      // Tenants in other clouds fail at their check: the operator sees here which app registrations were read.
      clouds: entraClouds(config.microsoft),
    },
    `connector listening on ${server.bound}${/^(0\.0\.0\.0|\[::\]):/.test(server.bound) ? " (every interface)" : ""}`,
  );
  stopOnSignals({ server, metricsServer, connector, logger });
}

/** What `sync --account` did: ran and succeeded, ran and did not, or did not run because a replica holds it. */
export type SyncOnceOutcome = "succeeded" | "failed" | "busy";

/**
 * One sync of an account in this process. With PostgreSQL it runs under the account's lock across replicas (the
 * one their jobs take), so it never runs beside a replica's run of the same account; when the lock is held it does
 * not run and answers "busy". The process takes no queued jobs meanwhile.
 */
export async function syncOnce(
  account: string,
  /** The environment (tests); the process's own by default. */
  env?: Record<string, string | undefined>,
  /** The run's progress, for a person watching (the CLI draws it on a terminal). */
  onProgress?: (p: SyncProgress) => void,
): Promise<SyncOnceOutcome> {
  const config = readConfig(env);
  requireSyncSettings(config);
  const logger = createLogger(config.logLevel);
  const connector = await buildConnector(config, logger, { scheduler: false, workers: false, onProgress });
  try {
    let result: RunSyncResult;
    if (connector.queue instanceof PgBossQueue) {
      // Holding the lock, a run the store still shows as running was left by a replica that died: replaced.
      const held = await connector.queue.withKeyLock(account, () =>
        connector.syncNow(account, "cli", { staleRunMs: 0 }),
      );
      if (!held.locked) {
        logger.warn({ account }, "sync not run: a replica is working on this account");
        return "busy";
      }
      result = held.result;
    } else {
      result = await connector.syncNow(account, "cli");
    }
    if (result.skipped) logger.warn({ account, skipped: result.skipped }, "sync not run");
    return result.run?.status === "succeeded" ? "succeeded" : "failed";
  } finally {
    await connector.stop();
  }
}
