// Prometheus metrics (GET /metrics, text format) on prom-client. One registry per connector, not the global one:
// tests and the demo build several connectors in one process.
// What is measured is taken at the edges the connector already has: the sync job's result, the fetch functions
// handed to the 4me and Graph clients, the queue, and a middleware in front of the webhook routes.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RunSyncResult } from "../sync/run-sync.js";

/** Counts of a finished run that are devices written to 4me (apply-plan's keys). */
const WRITTEN_KEYS = ["created", "updated", "reactivated", "retired"];

export interface MetricsOptions {
  /** Jobs waiting in the queue (all names); sampled at each scrape. */
  queueDepth?: () => Promise<number> | number;
  /** Jobs this process is running; sampled at each scrape. */
  activeJobs?: () => number;
}

export interface ConnectorMetrics {
  readonly registry: Registry;
  /** GET /metrics. */
  readonly router: express.Router;
  /** Times the webhook deliveries (paths under /webhooks/); passes every other request on untimed. */
  readonly webhookTiming: RequestHandler;
  /** Records a finished sync job (its result, or the error it threw). */
  recordSync(result: RunSyncResult | undefined, error?: unknown): void;
  /** A fetch that counts requests to `upstream` by outcome: the status class, 429, or network_error. */
  countingFetch(upstream: "fourme" | "graph", inner?: typeof fetch): typeof fetch;
}

export function requestOutcome(status: number): string {
  if (status === 429) return "throttled";
  if (status >= 500) return "5xx";
  if (status >= 400) return "4xx";
  if (status >= 300) return "3xx";
  return "2xx";
}

export function createMetrics(options: MetricsOptions = {}): ConnectorMetrics {
  const registry = new Registry();
  const syncs = new Counter({
    name: "connector_syncs_total",
    help: "Sync jobs finished, by outcome (succeeded, partial, failed, error, or skipped_<reason>)",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const devicesSeen = new Counter({
    name: "connector_devices_seen_total",
    help: "Intune devices read by finished syncs",
    registers: [registry],
  });
  const devicesWritten = new Counter({
    name: "connector_devices_written_total",
    help: "Devices written to the 4me CMDB by finished syncs, by action",
    labelNames: ["action"],
    registers: [registry],
  });
  const requests = new Counter({
    name: "connector_upstream_requests_total",
    help: "HTTP requests to 4me and to Microsoft (Graph and Entra), by outcome",
    labelNames: ["upstream", "outcome"],
    registers: [registry],
  });
  new Gauge({
    name: "connector_queue_depth",
    help: "Jobs waiting in the queue (all replicas in scale-out mode)",
    registers: [registry],
    async collect() {
      if (options.queueDepth) this.set(await options.queueDepth());
    },
  });
  new Gauge({
    name: "connector_jobs_running",
    help: "Jobs this process is running",
    registers: [registry],
    collect() {
      if (options.activeJobs) this.set(options.activeJobs());
    },
  });
  const webhookSeconds = new Histogram({
    name: "connector_webhook_duration_seconds",
    help: "Time to answer a webhook delivery, by status code",
    labelNames: ["status"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const router = express.Router();
  router.get("/metrics", async (_req: Request, res: Response, next: NextFunction) => {
    try {
      const body = await registry.metrics();
      res.setHeader("Content-Type", registry.contentType);
      res.send(body);
    } catch (err) {
      next(err);
    }
  });

  const webhookTiming: RequestHandler = (req, res, next) => {
    if (!req.path.startsWith("/webhooks/")) return next();
    const end = webhookSeconds.startTimer();
    res.on("finish", () => end({ status: String(res.statusCode) }));
    next();
  };

  return {
    registry,
    router,
    webhookTiming,
    recordSync(result, error) {
      if (error !== undefined || !result) {
        syncs.inc({ outcome: "error" });
        return;
      }
      if (result.skipped || !result.run) {
        syncs.inc({ outcome: `skipped_${result.skipped ?? "unknown"}` });
        return;
      }
      syncs.inc({ outcome: result.run.status });
      const counts = result.run.counts ?? {};
      devicesSeen.inc(counts.seen ?? 0);
      for (const action of WRITTEN_KEYS) if (counts[action]) devicesWritten.inc({ action }, counts[action]);
    },
    countingFetch(upstream, inner) {
      return async (input, init) => {
        const call = inner ?? globalThis.fetch;
        try {
          const response = await call(input, init);
          requests.inc({ upstream, outcome: requestOutcome(response.status) });
          return response;
        } catch (err) {
          requests.inc({ upstream, outcome: "network_error" });
          throw err;
        }
      };
    },
  };
}
