// The HTTP face of the simulator: /login/<cloud>/… to Entra, /graph/<cloud>/{v1.0|beta}/… to Graph (after the
// bearer token check), every request recorded with the cloud it hit.
import { createAdminCenterRouter } from "./admin-center.js";
import express, { type Request, type Response } from "express";
import { isCloud, graphResource, type Cloud } from "./clouds.js";
import { handleLogin } from "./entra.js";
import { graphError, type SimResponse } from "./errors.js";
import type { Faults } from "./faults.js";
import { dispatchBatch } from "./graph-batch.js";
import { dispatchGraph, gate, routeOf } from "./graph.js";
import type { SigningKeys } from "./signing-keys.js";
import type { SimState } from "./state.js";
import type { TokenIssuer } from "./tokens.js";

export interface HttpDeps {
  state: SimState;
  issuer: TokenIssuer;
  /** Sign ID tokens; published at discovery/v2.0/keys. */
  keys: SigningKeys;
  faults: Faults;
  shuffleBatch: boolean;
}

function baseOf(req: Request): string {
  const proto = String(req.headers["x-forwarded-proto"] ?? req.protocol)
    .split(",")[0]!
    .trim();
  const host = String(req.headers["x-forwarded-host"] ?? req.headers.host ?? "127.0.0.1")
    .split(",")[0]!
    .trim();
  return `${proto}://${host}`;
}

/** An https origin without a path, or undefined: anything else in the header is ignored. */
function routedOriginOf(req: Request): string | undefined {
  const v = req.headers["x-sandbox-login-origin"];
  return typeof v === "string" && /^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(v) ? v : undefined;
}

function send(res: Response, r: SimResponse): void {
  res.status(r.status).set(r.headers);
  if (typeof r.body === "string") res.send(r.body);
  else res.send(JSON.stringify(r.body));
}

const strings = (o: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((o ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
  ) as Record<string, string>;

const TOKEN_ERRORS = {
  empty: "Access token is empty.",
  malformed: "IDX14100: JWT is not well formed or its signature is not valid.",
  expired: "Lifetime validation failed, the token is expired.",
  audience: "Access token validation failure. Invalid audience.",
};

export function createApp(deps: HttpDeps): express.Express {
  const { state, issuer, faults } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(express.urlencoded({ extended: false, limit: "64kb" }));
  app.use(express.json({ limit: "1mb" }));

  app.use("/login", async (req, res) => {
    const [cloud = "", ...segments] = req.path.split("/").filter(Boolean).map(decodeURIComponent);
    const r = await handleLogin(deps, {
      method: req.method,
      cloud,
      segments,
      query: strings(req.query),
      form: strings(req.body),
      authorization: req.headers.authorization,
      base: baseOf(req),
      routedOrigin: routedOriginOf(req),
    });
    state.record({
      kind: "login",
      cloud,
      method: req.method,
      route: r.route,
      path: req.path,
      status: r.status,
      tenantId: r.tenantId,
    });
    send(res, r);
  });

  app.use("/graph", async (req, res) => {
    const m = /^\/([^/]+)\/(v1\.0|beta)(\/.*)$/.exec(req.path);
    const cloud = m?.[1] ?? req.path.split("/")[1] ?? "";
    const crid = typeof req.headers["client-request-id"] === "string" ? req.headers["client-request-id"] : undefined;
    const reply = (r: SimResponse, route: string, tenantId?: string) => {
      state.record({ kind: "graph", cloud, method: req.method, route, path: req.path, status: r.status, tenantId });
      send(res, r);
    };
    if (!m || !isCloud(cloud))
      return reply(
        graphError(400, "BadRequest", "Invalid version or cloud in the request URL.", state.now(), crid),
        "graph.unknown",
      );
    const [, , version, path] = m as unknown as [string, Cloud, "v1.0" | "beta", string];
    const route = routeOf(req.method, path);
    const auth = req.headers.authorization ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1] ?? "";
    const claims = token
      ? await issuer.verify(token, graphResource(cloud), state.now(), state.tokensValidFrom)
      : "empty";
    if (typeof claims === "string") {
      return reply(graphError(401, "InvalidAuthenticationToken", TOKEN_ERRORS[claims], state.now(), crid), route);
    }
    const tenant = state.tenantById(claims.tid);
    if (!tenant || tenant.cloud !== cloud)
      return reply(
        graphError(401, "InvalidAuthenticationToken", TOKEN_ERRORS.audience, state.now(), crid),
        route,
        claims.tid,
      );
    const call = {
      method: req.method,
      cloud,
      version,
      path,
      query: strings(req.query),
      base: baseOf(req),
      clientRequestId: crid,
      claims,
      tenant,
    };
    if (route === "graph.batch") {
      // The outer request meets consent, injected faults and the beta switch; its items are judged one by one.
      const stop = gate(state, faults, route, call);
      if (stop) return reply(stop, route, tenant.tenantId);
      const r = dispatchBatch(state, faults, call, req.body, deps.shuffleBatch);
      for (const it of r.items)
        state.record({
          kind: "graph",
          cloud,
          method: "GET",
          route: `batch:${it.route}`,
          path: req.path,
          status: it.status,
          tenantId: tenant.tenantId,
          batchItem: it.id,
        });
      return reply(r, route, tenant.tenantId);
    }
    const r = dispatchGraph(state, faults, call);
    reply(r, r.route, tenant.tenantId);
  });

  // The links the connector writes into 4me (MS_ADMIN_CENTER_URL=<simulator>/intune).
  app.use("/intune", createAdminCenterRouter(state));

  app.use((req, res) => {
    res
      .status(404)
      .type("text/plain")
      .send("Not found: the simulator serves /login/<cloud>/…, /graph/<cloud>/… and /intune/<tenant>/….");
  });
  return app;
}
