// /_sandbox/…: JSON views of the simulated 4me for tests and the demo page, plus run-time switches.
import express, { type Router } from "express";
import type { Inspector } from "../inspection.js";
import type { Delivery } from "../webhooks/sender.js";
import type { FaultInjector, FaultSettings } from "./faults.js";
import type { RateLimiter, RateLimitSettings } from "./rate-limit.js";
import type { StatsRecorder } from "./stats.js";

export interface InspectionDeps {
  inspector: Inspector;
  stats: StatsRecorder;
  faults: FaultInjector;
  limiter: RateLimiter;
  deliveries: () => Delivery[];
  expireTokens: () => void;
  settings: { discoveryDelayMs: number };
}

/** `?offset=&limit=` over a list (default: the first 1,000), with the total in X-Total-Count. */
function page<T>(items: T[], q: Record<string, unknown>): T[] {
  const offset = Math.max(0, Number(q.offset ?? 0) || 0);
  const limit = Math.max(0, Number(q.limit ?? 1000) || 1000);
  return items.slice(offset, offset + limit);
}

export function inspectionRouter(d: InspectionDeps): Router {
  const r = express.Router();
  const list = (path: string, get: (account: string) => unknown[]) =>
    r.get(`/_sandbox/accounts/:account/${path}`, (req, res) => {
      const items = get(req.params.account);
      res.set("X-Total-Count", String(items.length)).json(page(items, req.query));
    });
  list("cis", (a) => d.inspector.cis(a));
  list("products", (a) => d.inspector.products(a));
  list("categories", (a) => d.inspector.categories(a));
  list("people", (a) => d.inspector.people(a));
  list("teams", (a) => d.inspector.teams(a));
  list("service-instances", (a) => d.inspector.serviceInstances(a));
  list("requests", (a) => d.inspector.requests(a));
  list("ui-extensions", (a) => d.inspector.uiExtensions(a));
  list("webhooks", (a) => d.inspector.webhooks(a));
  r.get("/_sandbox/accounts", (_q, res) => res.json(d.inspector.accounts()));
  r.get("/_sandbox/app-instances", (_q, res) => res.json(d.inspector.appInstances()));
  r.get("/_sandbox/app-offerings", (_q, res) => res.json(d.inspector.appOfferings()));
  r.get("/_sandbox/deliveries", (_q, res) => res.json(d.deliveries().map(({ jwt: _jwt, ...rest }) => rest)));
  r.get("/_sandbox/stats", (_q, res) => res.json(d.stats.snapshot()));
  r.post("/_sandbox/stats/reset", (_q, res) => {
    d.stats.reset();
    res.json(d.stats.snapshot());
  });
  r.get("/_sandbox/faults", (_q, res) => res.json(d.faults.settings));
  r.post("/_sandbox/faults", express.json(), (req, res) => {
    try {
      res.json(d.faults.set((req.body ?? {}) as Partial<FaultSettings>));
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  r.post("/_sandbox/rate-limits", express.json(), (req, res) => {
    Object.assign(d.limiter.settings, (req.body ?? {}) as Partial<RateLimitSettings>);
    d.limiter.reset();
    res.json(d.limiter.settings);
  });
  r.post("/_sandbox/discovery-delay", express.json(), (req, res) => {
    const ms = Number((req.body as { ms?: unknown })?.ms);
    if (!Number.isFinite(ms) || ms < 0) return void res.status(400).json({ error: "ms must be a number ≥ 0" });
    d.settings.discoveryDelayMs = ms;
    res.json({ ms });
  });
  r.post("/_sandbox/tokens/expire", (_q, res) => {
    d.expireTokens();
    res.json({ ok: true });
  });
  return r;
}
