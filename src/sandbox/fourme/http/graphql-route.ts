// POST /graphql: token and account checks, counting, rate-limit headers, fault injection, then execution.
import express, { type Response, type Router } from "express";
import { graphql, Kind, parse, type DocumentNode, type GraphQLSchema } from "graphql";
import { settleAsyncQueries } from "../async-queries.js";
import type { GqlContext, SimHooks, SimSettings } from "../graphql/context.js";
import type { OauthService } from "../oauth.js";
import type { FourMeStore } from "../store/store.js";
import { accountHeader } from "./account-header.js";
import type { FaultInjector } from "./faults.js";
import { rateLimitHeaders, type RateLimiter } from "./rate-limit.js";
import { selectOperation, type StatsRecorder } from "./stats.js";

export interface GraphqlDeps {
  schema: GraphQLSchema;
  store: FourMeStore;
  oauth: OauthService;
  stats: StatsRecorder;
  limiter: RateLimiter;
  faults: FaultInjector;
  settings: SimSettings;
  hooks: SimHooks;
}

interface Body {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const fail = (res: Response, status: number, message: string) => res.status(status).json({ errors: [{ message }] });

function parseQuietly(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}

export function graphqlRouter(deps: GraphqlDeps): Router {
  const { schema, store, oauth, stats, limiter, faults, settings, hooks } = deps;
  const router = express.Router();
  router.post("/graphql", express.json({ limit: "2mb" }), async (req, res) => {
    settleAsyncQueries(store);
    const body = (req.body ?? {}) as Body;
    const query = typeof body.query === "string" ? body.query : undefined;
    const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
    const doc = query ? parseQuietly(query) : undefined;
    const op = selectOperation(doc, operationName);
    const requestNumber = stats.received(operationName ?? op?.name?.value ?? (doc ? "(anonymous)" : "(invalid)"));

    const auth = req.headers.authorization;
    const check = oauth.check(auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined);
    if (!check.ok) {
      stats.rejected("unauthorized");
      const why = {
        missing: "Authorization required",
        unknown: "Invalid token",
        expired: "Token expired",
        revoked: "Token revoked",
      };
      res.set("WWW-Authenticate", 'Bearer error="invalid_token"');
      return void fail(res, 401, why[check.reason]);
    }
    const rootFields = op?.selectionSet.selections.filter((s) => s.kind === Kind.FIELD).length ?? 1;
    const budget = limiter.take(check.token.token, Math.max(1, rootFields));
    res.set(rateLimitHeaders(budget));
    res.set("x-request-id", `sandbox-${requestNumber}`);
    const account = accountHeader(req.headers);
    if (!account) return void fail(res, 400, "The X-4me-Account (or X-Xurrent-Account) header is required");
    if (account !== check.token.account) {
      stats.rejected("unauthorized");
      return void fail(res, 403, `This token does not give access to account ${account}`);
    }
    const fault = faults.decide(operationName ?? op?.name?.value);
    if (budget.exceeded || fault?.status === 429) {
      stats.rejected("throttled");
      const retryAfter =
        fault?.status === 429
          ? fault.retryAfterSeconds
          : Math.max(1, budget.reset - Math.floor(store.clock.now() / 1000));
      res.set("Retry-After", String(retryAfter));
      return void fail(res, 429, "Too Many Requests");
    }
    if (fault) {
      stats.rejected("serverErrors");
      return void fail(res, fault.status, "Internal Server Error (injected by the sandbox)");
    }
    if (!query) return void fail(res, 400, "A `query` string is required");

    stats.executing(account, op, (body.variables ?? undefined) as Record<string, unknown> | undefined);
    const contextValue: GqlContext = {
      store,
      settings,
      hooks,
      account,
      personId: check.client.personId,
      rateLimit: { cost: budget.cost, limit: budget.costLimit, remaining: budget.costRemaining, resetAt: budget.reset },
    };
    const result = await graphql({
      schema,
      source: query,
      variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName,
      contextValue,
    });
    if (faults.failsAfterCommit(operationName ?? op?.name?.value)) {
      stats.rejected("serverErrors");
      return void fail(res, 502, "Bad Gateway (injected by the sandbox after the request was carried out)");
    }
    return void res.status(200).json(result);
  });
  router.all("/graphql", (_req, res) => {
    res.set("Allow", "POST");
    fail(res, 405, "Use POST");
  });
  return router;
}
