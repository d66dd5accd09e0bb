// One connector server process for the scale tests and bench/replicas.ts: the production wiring (buildConnector,
// listen, stopOnSignals) configured by environment, on PostgreSQL with pg-boss. The test process runs the sandbox
// simulators and passes their URLs in the environment; REPLICA_* variables tune what tests need shorter.
import { readConfig } from "../../src/config.js";
import { buildConnector } from "../../src/connector.js";
import { createLogger } from "../../src/logger.js";
import { stopOnSignals } from "../../src/main.js";
import { listen } from "../../src/server/listen.js";
import { listenMetrics } from "../../src/server/metrics-listener.js";

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);

const config = readConfig(env);
const logger = createLogger(config.logLevel).child({ replica: env.REPLICA_NAME ?? "replica" });
const connector = await buildConnector(config, logger, {
  scheduler: env.REPLICA_SCHEDULER === "on",
  concurrency: num("REPLICA_CONCURRENCY", 2),
  // The sandbox's 4me has its own limits; the connector's local throttle is off, as in the sandbox harness.
  fourme: { rateLimits: { burstCap: 0, requestsPerHour: 0 } },
  pgBoss: {
    applicationName: env.REPLICA_NAME,
    pollingIntervalSeconds: num("REPLICA_POLL_SECONDS", 0.5),
    expireInSeconds: num("REPLICA_EXPIRE_SECONDS", 60),
    maintenanceIntervalSeconds: num("REPLICA_MAINTENANCE_SECONDS", 1),
    retryDelaySeconds: num("REPLICA_RETRY_DELAY_SECONDS", 0),
    busyDelaySeconds: num("REPLICA_BUSY_DELAY_SECONDS", 1),
    retryLimit: num("REPLICA_RETRY_LIMIT", 5),
  },
});
const server = await listen(connector.app, { port: config.port, host: config.host });
const metricsServer = await listenMetrics(connector.metrics, config.metrics, logger);
stopOnSignals({ server, metricsServer, connector, logger }, { timeoutMs: num("REPLICA_SHUTDOWN_MS", 10_000) });
logger.info({ url: server.url }, "replica listening");
process.stdout.write(`REPLICA READY ${server.url}\n`);
