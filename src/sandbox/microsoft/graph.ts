// Simulated Microsoft Graph (Intune) under /graph/<cloud>/{v1.0|beta}/: managedDevices pages and items, per-device
// compliance policy states and setting states. One dispatcher serves HTTP requests and $batch sub-requests alike.
import type { SimTenant } from "../fleet/types.js";
import type { Cloud } from "./clouds.js";
import { graphError, statusError, type SimResponse } from "./errors.js";
import type { Faults } from "./faults.js";
import { answerDetectedApps, detectedAppsRoute } from "./graph-apps.js";
import { project, projectPolicyState, viewOf } from "./graph-devices.js";
import {
  QueryError,
  decodeSkipToken,
  encodeSkipToken,
  parseFilter,
  parseSelect,
  parseTop,
  rejectUnsupported,
  type Version,
} from "./graph-query.js";
import type { SimState } from "./state.js";
import type { TokenClaims } from "./tokens.js";

export interface GraphCall {
  method: string;
  cloud: Cloud;
  version: Version;
  /** Path after the version, e.g. /deviceManagement/managedDevices/{id}. */
  path: string;
  query: Record<string, string>;
  base: string;
  clientRequestId?: string;
  claims: TokenClaims;
  tenant: SimTenant;
  /** Set for a $batch sub-request: its id. */
  batchItem?: string;
}

export type GraphResult = SimResponse & { route: string };

const ODATA_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const ok = (body: unknown, route: string): GraphResult => ({
  status: 200,
  headers: { "Content-Type": ODATA_JSON },
  body,
  route,
});
const DEVICES =
  /^\/deviceManagement\/managedDevices(?:\/([^/]+))?(?:\/(deviceCompliancePolicyStates)(?:\/([^/]+)(?:\/(settingStates))?)?)?\/?$/;
const NEEDS: Record<string, string> = {
  "graph.devices": "DeviceManagementManagedDevices",
  // detectedApps: DeviceManagementManagedDevices.Read.All ("List detectedApps", Microsoft Learn).
  "graph.detectedApps": "DeviceManagementManagedDevices",
  // A prefix: the policy-state list and a single policy state alike.
  "graph.policyState": "DeviceManagementConfiguration",
  "graph.settingStates": "DeviceManagementConfiguration",
};

export function routeOf(method: string, path: string): string {
  if (method === "POST" && path === "/$batch") return "graph.batch";
  const apps = detectedAppsRoute(path);
  if (apps) return apps;
  const m = DEVICES.exec(path);
  if (!m) return "graph.unknown";
  if (m[4]) return "graph.settingStates";
  if (m[2]) return m[3] ? "graph.policyState" : "graph.policyStates";
  return m[1] ? "graph.devices.get" : "graph.devices.list";
}

function forbidden(now: number, family: string, crid?: string): SimResponse {
  return graphError(
    403,
    "Forbidden",
    `Application is not authorized to perform this operation. Application must have one of the following scopes: ${family}.Read.All, ${family}.ReadWrite.All - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${crid ?? ""} - Url: - CustomApiErrorPhrase: `,
    now,
    crid,
  );
}

/** What stands before a route: consent, roles, injected faults, throttling and the beta switch. Null: go ahead. */
export function gate(state: SimState, faults: Faults, route: string, call: GraphCall): SimResponse | null {
  const now = state.now();
  const crid = call.clientRequestId;
  const access = state.accessOf(call.tenant);
  if (access.consent !== "consented") {
    return access.revokedStatus === 401
      ? graphError(
          401,
          "InvalidAuthenticationToken",
          "Access token validation failure. The application's service principal is no longer in the tenant (consent was revoked).",
          now,
          crid,
        )
      : forbidden(now, "DeviceManagementManagedDevices", crid);
  }
  const family = Object.entries(NEEDS).find(([prefix]) => route.startsWith(prefix))?.[1];
  if (family && !call.claims.roles.some((r) => r.startsWith(`${family}.`))) return forbidden(now, family, crid);
  const injected =
    faults.inject(route, call.batchItem !== undefined, call.tenant.tenantId, crid) ??
    faults.throttle(route, call.tenant.tenantId, crid);
  if (injected) return injected;
  const beta = state.betaFailure;
  if (call.version === "beta" && beta && (beta.scope === "all" || route.startsWith("graph.devices"))) {
    return statusError(beta.status, now, null, crid);
  }
  return null;
}

export function dispatchGraph(state: SimState, faults: Faults, call: GraphCall): GraphResult {
  const route = routeOf(call.method, call.path);
  const stop = gate(state, faults, route, call);
  if (stop) return { ...stop, route };
  if (call.method !== "GET") {
    return {
      ...graphError(
        405,
        "BadRequest",
        `The HTTP method '${call.method}' is not allowed here.`,
        state.now(),
        call.clientRequestId,
      ),
      route,
    };
  }
  try {
    if (route.startsWith("graph.detectedApps")) return detectedApps(state, call, route);
    return route === "graph.devices.list" ? list(call, route) : item(state, call, route);
  } catch (e) {
    if (e instanceof QueryError)
      return { ...graphError(400, "BadRequest", e.message, state.now(), call.clientRequestId), route };
    throw e;
  }
}

function list(call: GraphCall, route: string): GraphResult {
  const q = call.query;
  rejectUnsupported(q);
  const select = parseSelect(call.version, q["$select"]);
  const top = parseTop(q["$top"]);
  const filter = parseFilter(call.version, q["$filter"]);
  const view = viewOf(call.tenant);
  const size = view.size();
  let start = 0;
  let count: number;
  if (q["$skiptoken"] !== undefined) {
    const c = decodeSkipToken(q["$skiptoken"]);
    // Resume after the last device served; if the fleet shifted, find it again; if it is gone, keep the position.
    if (view.at(c.position - 1)?.["id"] === c.lastId) start = c.position;
    else {
      const k = view.indexOf(c.lastId);
      start = k >= 0 ? k + 1 : Math.min(c.position, size);
    }
    count = c.count;
  } else {
    count = filter ? countMatches(view, size, filter) : size;
  }
  const value: Record<string, unknown>[] = [];
  let i = start;
  let last = "";
  for (; i < size && value.length < top; i++) {
    const d = view.at(i)!;
    if (filter && !filter(d)) continue;
    value.push(project(d, call.version, select, false));
    last = String(d["id"]);
  }
  while (filter && i < size && !filter(view.at(i)!)) i++;
  const self = `${call.base}/graph/${call.cloud}/${call.version}`;
  const body: Record<string, unknown> = {
    "@odata.context": `${self}/$metadata#deviceManagement/managedDevices${select ? `(${["id", ...select.filter((p) => p !== "id")].join(",")})` : ""}`,
    "@odata.count": count,
  };
  if (i < size) {
    const keep = Object.entries(q)
      .filter(([k]) => k !== "$skiptoken")
      .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ",")}`);
    keep.push(`$skiptoken=${encodeSkipToken({ position: i, lastId: last, count })}`);
    body["@odata.nextLink"] = `${self}/deviceManagement/managedDevices?${keep.join("&")}`;
  }
  body["value"] = value;
  return ok(body, route);
}

function detectedApps(state: SimState, call: GraphCall, route: string): GraphResult {
  const self = `${call.base}/graph/${call.cloud}/${call.version}`;
  const answer = answerDetectedApps({ ...call, self }, route);
  if ("body" in answer) return ok(answer.body, route);
  return {
    ...graphError(404, "ResourceNotFound", `${answer.notFound} not found.`, state.now(), call.clientRequestId),
    route,
  };
}

function countMatches(
  view: ReturnType<typeof viewOf>,
  size: number,
  filter: (d: Record<string, unknown>) => boolean,
): number {
  let n = 0;
  for (let i = 0; i < size; i++) if (filter(view.at(i)!)) n++;
  return n;
}

function item(state: SimState, call: GraphCall, route: string): GraphResult {
  const now = state.now();
  const m = DEVICES.exec(call.path);
  if (!m || route === "graph.unknown") {
    const segment = call.path.split("/").filter(Boolean).pop() ?? "";
    return {
      ...graphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`, now, call.clientRequestId),
      route,
    };
  }
  const view = viewOf(call.tenant);
  const index = view.indexOf(decodeURIComponent(m[1]!));
  const device = index >= 0 ? view.at(index) : undefined;
  const notFound = (what: string): GraphResult => ({
    ...graphError(404, "ResourceNotFound", `${what} not found.`, now, call.clientRequestId),
    route,
  });
  if (!device) return notFound(`managedDevice '${m[1]}'`);
  const self = `${call.base}/graph/${call.cloud}/${call.version}`;
  const at = `deviceManagement/managedDevices('${device["id"]}')`;
  if (route === "graph.devices.get") {
    const select = parseSelect(call.version, call.query["$select"]);
    const ctx = `${self}/$metadata#deviceManagement/managedDevices${select ? `(${["id", ...select.filter((p) => p !== "id")].join(",")})` : ""}/$entity`;
    return ok({ "@odata.context": ctx, ...project(device, call.version, select, true) }, route);
  }
  const states = view.policyStates(device, index);
  if (route === "graph.policyStates") {
    return ok(
      {
        "@odata.context": `${self}/$metadata#${at}/deviceCompliancePolicyStates`,
        value: states.map((p) => projectPolicyState(p, call.version)),
      },
      route,
    );
  }
  const policy = states.find((p) => p.id === decodeURIComponent(m[3]!));
  if (!policy) return notFound(`deviceCompliancePolicyState '${m[3]}'`);
  if (route === "graph.policyState") {
    return ok(
      {
        "@odata.context": `${self}/$metadata#${at}/deviceCompliancePolicyStates/$entity`,
        ...projectPolicyState(policy, call.version),
      },
      route,
    );
  }
  if (call.version !== "beta") {
    // In v1.0 settingStates is a property of the policy state, not a navigable segment.
    return {
      ...graphError(
        400,
        "BadRequest",
        "Resource not found for the segment 'settingStates'.",
        now,
        call.clientRequestId,
      ),
      route,
    };
  }
  return ok(
    {
      "@odata.context": `${self}/$metadata#${at}/deviceCompliancePolicyStates('${policy.id}')/settingStates`,
      value: policy.settingStates,
    },
    route,
  );
}
