// The express app: health probes, the 4me webhook endpoints, and whatever routers the composition root adds
// (the consent callback, say). No listen here: see listen.ts.
import express, { type NextFunction, type Request, type Response } from "express";
import type { Config } from "../config.js";
import type { JobQueue } from "../jobs/types.js";
import type { Logger } from "../logger.js";
import type { InstanceStore } from "../store/types.js";
import { createWebhookRouter, PROVIDER_WEBHOOK_PATH } from "../webhooks/middleware.js";
import { recordedKeySource } from "../store/provider-records.js";
import type { OwnPerson } from "../webhooks/own-person.js";
import type { AppInstanceReader } from "../webhooks/types.js";
import { createHealthRouter } from "./health.js";
import { refusedRequestLimiter } from "./rate-limits.js";

/** Every consent route (the callback, and any other the sign-in flow adds) is under this prefix. */
export const CONSENT_PATH_PREFIX = "/consent";

/** How long the webhook.verify callback GET may take: 4me waits for our answer meanwhile. */
export const VERIFY_CALLBACK_TIMEOUT_MS = 5_000;

export interface AppDeps {
  config: Config;
  store: InstanceStore;
  logger: Logger;
  queue: JobQueue;
  /** The provider API (ProviderApi); the webhook handlers only read app instances through it. */
  appInstances: AppInstanceReader;
  /** Recognises the app_instance.update echoes of the connector's own writes (webhooks/own-person.ts). */
  ownPerson?: OwnPerson;
  /** Middleware run before every route (the metrics' webhook timing). */
  middleware?: express.RequestHandler[];
  /** Extra routers, mounted after the built-in routes (consent callback, metrics, the demo page). */
  routers?: express.Router[];
  /** Defaults to global fetch; used for webhook.verify callbacks only. */
  fetch?: typeof fetch;
  /** Defaults to the system clock. */
  now?: () => Date;
  verifyCallbackTimeoutMs?: number;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  // req.ip is the peer address unless TRUST_PROXY names the proxies in front (the rate limits key on it).
  app.set("trust proxy", deps.config.trustProxy);

  for (const handler of deps.middleware ?? []) app.use(handler);
  app.use(createHealthRouter(deps));
  // The unauthenticated endpoints, limited per client address before anything is verified. The webhook prefix
  // covers the customer endpoint (/webhooks/4me/customer) too.
  const limits = deps.config.rateLimits;
  const webhookLimit = refusedRequestLimiter("webhooks", limits.webhookRefusedPerMinute, deps.logger);
  if (webhookLimit) app.use(PROVIDER_WEBHOOK_PATH, webhookLimit);
  const consentLimit = refusedRequestLimiter("consent", limits.consentRefusedPerMinute, deps.logger);
  if (consentLimit) app.use(CONSENT_PATH_PREFIX, consentLimit);
  app.use(
    createWebhookRouter({
      config: deps.config,
      store: deps.store,
      queue: deps.queue,
      logger: deps.logger,
      fetch: deps.fetch ?? globalThis.fetch,
      now: deps.now ?? (() => new Date()),
      verifyCallbackTimeoutMs: deps.verifyCallbackTimeoutMs ?? VERIFY_CALLBACK_TIMEOUT_MS,
      ownPerson: deps.ownPerson,
      recordedKey: recordedKeySource(deps.store),
    }),
  );
  for (const router of deps.routers ?? []) app.use(router);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ message: "not found" });
  });
  // Errors of the extra routers end here: one log line, a plain 500, no stack to the client.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      res.status(status).json({ message: "bad request" });
      return;
    }
    deps.logger.error({ err: (err as Error).message, path: req.path }, "request failed");
    if (!res.headersSent) res.status(500).json({ message: "internal error" });
  });
  return app;
}
