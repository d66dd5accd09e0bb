// startFourMeSimulator: the simulated 4me over real HTTP on 127.0.0.1 (OAuth, GraphQL, webhooks, inspection).
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { asyncResult } from "./async-queries.js";
import { systemClock, type Clock } from "./clock.js";
import type { SimHooks, SimSettings } from "./graphql/context.js";
import { buildExecutableSchema } from "./graphql/schema.js";
import { FaultInjector, type FaultSettings } from "./http/faults.js";
import { graphqlRouter } from "./http/graphql-route.js";
import { inspectionRouter } from "./http/inspection-route.js";
import { oauthRouter } from "./http/oauth-route.js";
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitSettings } from "./http/rate-limit.js";
import { StatsRecorder } from "./http/stats.js";
import { Inspector } from "./inspection.js";
import { AppLifecycle } from "./lifecycle.js";
import { OauthService } from "./oauth.js";
import { allResolvers } from "./resolvers/index.js";
import { FourMeStore } from "./store/store.js";
import { bootstrapProvider, connectProviderWebhooks, type ProviderBootstrap } from "./provider.js";
import { generatePolicyKeys } from "./webhooks/keys.js";
import { WebhookSender } from "./webhooks/sender.js";
import { WebhookVerifier } from "./webhooks/verify.js";

export interface FourMeSimulatorOptions {
  /** Domain encoded in node ids. Default `4me.com`. */
  domain?: string;
  /** The provider account that owns the app offering. Default `wdc`. */
  providerAccount?: string;
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  clock?: Clock;
  /** Lifetime of access tokens. Default 3600 (4me's hour). */
  tokenTtlSeconds?: number;
  /** How long a discoveredConfigurationItems result stays `{}`. Default 0 (readable at the first poll). */
  discoveryDelayMs?: number;
  rateLimits?: Partial<RateLimitSettings>;
  /**
   * The clock of the per-token hourly windows (default `clock`). The harness passes the connector's virtual clock,
   * so an hour the connector waits through (virtually) is an hour of 4me's window too, as it would be for real.
   */
  rateLimitClock?: Clock;
  faults?: Partial<FaultSettings>;
  webhooks?: {
    /** The provider webhook policy's algorithm. Default `es512` (as 4me's own app builder uses). */
    jwtAlg?: "rs256" | "rs384" | "rs512" | "es256" | "es384" | "es512";
    audience?: string;
    /** Minutes until a webhook JWT expires (`exp`); none by default, like 4me's fixtures. */
    claimExpiresInMinutes?: number;
    /** The connector's provider webhook URL (`…/webhooks/4me`); can also be set later. */
    connectorUrl?: string;
    /** Header brand of deliveries: X-4me-Delivery (default) or x-xurrent-delivery. */
    brand?: "4me" | "xurrent";
  };
  offering?: {
    reference?: string;
    name?: string;
    /** The configuration form's HTML: its input ids are the app instance's custom fields. */
    formHtml?: string;
    /** Customer webhook URI template (`{account}`), for automation-rule webhooks. */
    webhookUriTemplate?: string;
    /** Algorithm of the policy created in each customer account. Default es512 (RSA keys take a second to make). */
    policyJwtAlg?: string;
  };
}

export interface Runtime {
  server: Server;
  url: string;
  store: FourMeStore;
  settings: SimSettings;
  oauth: OauthService;
  stats: StatsRecorder;
  faults: FaultInjector;
  limiter: RateLimiter;
  sender: WebhookSender;
  verifier: WebhookVerifier;
  lifecycle: AppLifecycle;
  inspector: Inspector;
  provider: ProviderBootstrap;
  pending: Set<Promise<unknown>>;
}

/** Builds the parts and listens. The public API around it is in index.ts. */
export async function startRuntime(o: FourMeSimulatorOptions = {}): Promise<Runtime> {
  const clock = o.clock ?? systemClock;
  const store = new FourMeStore(o.domain ?? "4me.com", clock);
  const settings: SimSettings = { discoveryDelayMs: o.discoveryDelayMs ?? 0, baseUrl: "", accountUrlTemplate: "" };
  const oauth = new OauthService(store, clock, o.tokenTtlSeconds ?? 3600);
  const stats = new StatsRecorder();
  const faults = new FaultInjector(o.faults);
  const limiter = new RateLimiter(o.rateLimitClock ?? clock, { ...DEFAULT_RATE_LIMITS, ...o.rateLimits });
  const template = () => settings.accountUrlTemplate;
  const sender = new WebhookSender(store, clock, template, o.webhooks?.brand ?? "4me");
  const verifier = new WebhookVerifier(store, clock, sender, template);
  const pending = new Set<Promise<unknown>>();
  // 4me delivers in the background; idle() and close() wait for what is still in flight.
  const inBackground = (work: () => Promise<unknown>) => {
    const p: Promise<unknown> = work()
      .catch(() => undefined)
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const provider = await bootstrapProvider(store, oauth, o);
  const lifecycle = new AppLifecycle(store, oauth, sender, provider.account, () =>
    store.appOfferings.get(provider.offeringId)!,
  );
  const hooks: SimHooks = {
    webhookNeedsVerification: (webhook) => inBackground(() => verifier.start(webhook)),
    newPolicyKeys: generatePolicyKeys,
    appInstanceUpdated: (instance, personId) =>
      inBackground(() => lifecycle.announceUpdate(instance, store.people.get(personId))),
  };
  const inspector = new Inspector(store);

  const app = express();
  app.disable("x-powered-by");
  app.use(oauthRouter(oauth, () => stats.tokenIssued()));
  app.use(
    graphqlRouter({
      schema: buildExecutableSchema(allResolvers()),
      store,
      oauth,
      stats,
      limiter,
      faults,
      settings,
      hooks,
    }),
  );
  app.get("/async_query_results/:file", (req, res) => {
    const result = asyncResult(store, req.params.file.replace(/\.json$/, ""));
    if (result === undefined) return void res.status(404).json({ error: "Not Found" });
    res.json(result);
  });
  app.use(verifier.router());
  app.use(
    inspectionRouter({
      inspector,
      stats,
      faults,
      limiter,
      deliveries: () => sender.deliveries,
      expireTokens: () => oauth.expireAllTokens(),
      settings,
    }),
  );
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ errors: [{ message: status === 500 ? "Internal Server Error" : err.message }] });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  settings.baseUrl = url;
  settings.accountUrlTemplate = `${url}/{account}`;
  if (o.webhooks?.connectorUrl)
    connectProviderWebhooks(store, provider.account, o.webhooks.connectorUrl, provider.policy);
  return {
    server,
    url,
    store,
    settings,
    oauth,
    stats,
    faults,
    limiter,
    sender,
    verifier,
    lifecycle,
    inspector,
    provider,
    pending,
  };
}
