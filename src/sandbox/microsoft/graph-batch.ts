// JSON batching (POST /{version}/$batch): at most 20 sub-requests, each dispatched and throttled on its own, so a
// 200 batch can carry inner 429s with their own Retry-After. Responses may come back in any order, as on Graph.
import { mix } from "../fleet/prng.js";
import { graphError } from "./errors.js";
import type { Faults } from "./faults.js";
import { dispatchGraph, routeOf, type GraphCall, type GraphResult } from "./graph.js";
import type { SimState } from "./state.js";

export const MAX_BATCH = 20;

interface SubRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
}

function parseRequests(body: unknown): SubRequest[] | string {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) return "Invalid batch payload format.";
  if (requests.length === 0) return "Invalid batch payload format: no requests.";
  if (requests.length > MAX_BATCH) return `Limit of ${MAX_BATCH} requests per batch exceeded.`;
  const ids = new Set<string>();
  for (const r of requests as Partial<SubRequest>[]) {
    if (typeof r?.id !== "string" || r.id === "" || typeof r.method !== "string" || typeof r.url !== "string") {
      return "Invalid batch payload format: every request needs an id, a method and a url.";
    }
    if (ids.has(r.id)) return `Batch request contains a duplicate request id '${r.id}'.`;
    ids.add(r.id);
  }
  return requests as SubRequest[];
}

export function dispatchBatch(
  state: SimState,
  faults: Faults,
  outer: GraphCall,
  body: unknown,
  shuffle: boolean,
): GraphResult & { items: { id: string; route: string; status: number }[] } {
  const route = "graph.batch";
  const parsed = parseRequests(body);
  if (typeof parsed === "string")
    return { ...graphError(400, "BadRequest", parsed, state.now(), outer.clientRequestId), route, items: [] };
  const items: { id: string; route: string; status: number }[] = [];
  const responses = parsed.map((r) => {
    let res: GraphResult;
    if (/^[a-z]+:\/\//i.test(r.url)) {
      res = {
        ...graphError(
          400,
          "BadRequest",
          "The sub-request url must be relative to the batch version (e.g. /deviceManagement/managedDevices).",
          state.now(),
        ),
        route: "graph.unknown",
      };
    } else {
      const rel = new URL(r.url.startsWith("/") ? r.url : `/${r.url}`, "http://batch.invalid");
      const query = Object.fromEntries(rel.searchParams.entries());
      const path = decodeURIComponent(rel.pathname);
      res = dispatchGraph(state, faults, {
        ...outer,
        method: r.method.toUpperCase(),
        path,
        query,
        batchItem: r.id,
        clientRequestId: r.headers?.["client-request-id"],
      });
      if (res.route === "graph.unknown") res.route = routeOf(r.method.toUpperCase(), path);
    }
    items.push({ id: r.id, route: res.route, status: res.status });
    const headers = { ...res.headers };
    delete headers["request-id"];
    delete headers["client-request-id"];
    return { id: r.id, status: res.status, headers, body: res.body };
  });
  if (shuffle) responses.sort((a, b) => mix("batch", a.id) - mix("batch", b.id));
  return { status: 200, headers: { "Content-Type": "application/json" }, body: { responses }, route, items };
}
