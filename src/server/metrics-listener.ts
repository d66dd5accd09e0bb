// GET /metrics on a listener of its own: the public listener (webhooks, consent callback) is reachable by anyone,
// and the metrics name accounts' activity and the connector's upstream health. Loopback by default (METRICS_HOST),
// so only a scraper on the same host or pod reaches it; METRICS_TOKEN adds a bearer token, for a scraper elsewhere.
import { createHash, timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { isLoopbackUrl } from "../config.js";
import { listen, type Listening } from "./listen.js";
import type { ConnectorMetrics } from "./metrics.js";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** An app that serves GET /metrics only (behind the bearer token when one is set) and 404 for the rest. */
export function createMetricsApp(metrics: Pick<ConnectorMetrics, "router">, token?: string): express.Express {
  const app = express();
  app.disable("x-powered-by");
  if (token) {
    const expected = digest(`Bearer ${token}`);
    app.use((req: Request, res: Response, next: NextFunction) => {
      // Compared as digests: equal lengths, constant time.
      if (timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) return next();
      res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').json({ message: "bearer token required" });
    });
  }
  app.use(metrics.router);
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ message: "not found" });
  });
  return app;
}

/** Starts the metrics listener of `serve` (and the scale tests' replicas) on METRICS_HOST:METRICS_PORT. */
export async function listenMetrics(
  metrics: Pick<ConnectorMetrics, "router">,
  settings: Config["metrics"],
  logger: Logger,
): Promise<Listening> {
  const server = await listen(createMetricsApp(metrics, settings.token), { port: settings.port, host: settings.host });
  if (
    !settings.token &&
    !isLoopbackUrl(`http://${settings.host.includes(":") ? `[${settings.host}]` : settings.host}`)
  ) {
    logger.warn(
      { host: settings.host },
      "metrics listener on a non-loopback address without METRICS_TOKEN: whoever reaches it reads the metrics",
    );
  }
  logger.info({ url: `${server.url}/metrics`, bearer: settings.token ? "required" : "none" }, "metrics listening");
  return server;
}
