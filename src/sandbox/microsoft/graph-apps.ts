// Simulated Intune detected apps: GET /deviceManagement/detectedApps (the tenant's catalogue, one entry per name and
// version, with deviceCount), GET …/detectedApps/{id} and GET …/detectedApps/{id}/managedDevices (the devices that
// have it), each list with $select, $top and @odata.nextLink paging.
// Sources: "detectedApp resource type", "List detectedApps", "List managedDevices" of a detectedApp (Microsoft Learn,
// https://learn.microsoft.com/en-us/graph/api/resources/intune-devices-detectedapp,
// https://learn.microsoft.com/en-us/graph/api/intune-devices-detectedapp-list). Whether Graph honours $filter on
// detectedApps is not documented (only the generic "supports the OData query parameters"), so this simulator refuses
// $filter, $orderby, $search and $expand with a 400: a client that pages through the whole catalogue works here and
// on Graph alike. $expand=managedDevices on the list is known not to expand (microsoft-graph-docs issue #13645).
import { contextOf } from "../fleet/generate.js";
import { detectedAppId, installedAppsOf, type InstalledApp } from "../fleet/software.js";
import type { SimTenant } from "../fleet/types.js";
import { project, viewOf } from "./graph-devices.js";
import {
  QueryError,
  decodeSkipToken,
  encodeSkipToken,
  parseSelect,
  parseSelectOf,
  parseTop,
  type Version,
} from "./graph-query.js";

export const DETECTED_APPS = /^\/deviceManagement\/detectedApps(?:\/([^/]+)(?:\/(managedDevices))?)?\/?$/;

export function detectedAppsRoute(path: string): string | null {
  const m = DETECTED_APPS.exec(path);
  if (!m) return null;
  return m[2] ? "graph.detectedApps.devices" : m[1] ? "graph.detectedApps.get" : "graph.detectedApps.list";
}

export interface SimDetectedApp extends InstalledApp {
  id: string;
  deviceCount: number;
}

interface Catalogue {
  apps: SimDetectedApp[];
  byId: Map<string, SimDetectedApp>;
  /** App id → indexes (in the tenant's device view) of the devices that have it, ascending. */
  devices: Map<string, number[]>;
}

const APP_PROPS = ["id", "displayName", "version", "sizeInByte", "deviceCount", "publisher", "platform"];

// Built once per tenant by one pass over its devices. A lazy tenant never changes; a materialised one may (evolve,
// tests editing devices), so its key covers every field the installed software depends on: a changed owner or
// platform rebuilds the catalogue, as Intune's would follow the device.
const catalogues = new WeakMap<SimTenant, { key: string; catalogue: Catalogue }>();

/** The simulator's control for an uninstall: Intune stops listing the app (every version) on that device. */
export function uninstallApp(tenant: SimTenant, deviceId: string, displayName: string): void {
  tenant.uninstalled ??= new Map();
  const names = tenant.uninstalled.get(deviceId) ?? new Set<string>();
  tenant.uninstalled.set(deviceId, names.add(displayName));
}

function uninstalledKey(tenant: SimTenant): string {
  let n = 0;
  for (const names of tenant.uninstalled?.values() ?? []) n += names.size;
  return `u${n}`;
}

function fleetKey(tenant: SimTenant): string {
  if (tenant.lazy) return `lazy:${tenant.lazy.size}:${uninstalledKey(tenant)}`;
  let h = 0x811c9dc5;
  for (const d of tenant.devices) {
    const s = `${String(d["id"])}|${String(d["managedDeviceOwnerType"])}|${String(d["operatingSystem"])}|${String(d["deviceEnrollmentType"])}`;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return `${tenant.devices.length}:${h >>> 0}:${uninstalledKey(tenant)}`;
}

export function catalogueOf(tenant: SimTenant): Catalogue {
  const key = fleetKey(tenant);
  const cached = catalogues.get(tenant);
  if (cached && cached.key === key) return cached.catalogue;
  const ctx = contextOf(tenant);
  const view = viewOf(tenant);
  const byId = new Map<string, SimDetectedApp>();
  const devices = new Map<string, number[]>();
  for (let i = 0; i < view.size(); i++) {
    const device = view.at(i)!;
    const gone = tenant.uninstalled?.get(String(device["id"]));
    for (const app of installedAppsOf(ctx.seed, ctx.tenantIndex, device)) {
      if (gone?.has(app.displayName)) continue;
      const id = detectedAppId(app);
      let entry = byId.get(id);
      if (!entry) {
        entry = { ...app, id, deviceCount: 0 };
        byId.set(id, entry);
        devices.set(id, []);
      }
      entry.deviceCount++;
      devices.get(id)!.push(i);
    }
  }
  const apps = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const catalogue = { apps, byId, devices };
  catalogues.set(tenant, { key, catalogue });
  return catalogue;
}

function selectApp(raw: string | undefined): string[] | null {
  const props = parseSelectOf(raw, "detectedApp", (p) => APP_PROPS.includes(p));
  return props && ["id", ...props.filter((p) => p !== "id")];
}

function projectApp(a: SimDetectedApp, select: string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of select ?? APP_PROPS) out[p] = a[p as keyof SimDetectedApp];
  return out;
}

const REFUSED = ["$filter", "$expand", "$search", "$orderby", "$skip"];

/** A page of `items` from the request's $skiptoken on, with the nextLink that resumes after it. */
function page<T>(
  items: readonly T[],
  query: Record<string, string>,
  nextBase: string,
  idOf: (t: T) => string,
): { slice: T[]; nextLink?: string } {
  for (const k of REFUSED)
    if (query[k] !== undefined) throw new QueryError(`The query option '${k}' is not supported on this resource.`);
  const top = parseTop(query["$top"]);
  let start = 0;
  if (query["$skiptoken"] !== undefined) {
    const c = decodeSkipToken(query["$skiptoken"]);
    start = c.position;
    if (items[start - 1] !== undefined && idOf(items[start - 1]!) !== c.lastId) {
      // The list shifted since the previous page: resume after the last item served if it is still there.
      const k = items.findIndex((t) => idOf(t) === c.lastId);
      if (k >= 0) start = k + 1;
    }
  }
  const slice = items.slice(start, start + top);
  const end = start + slice.length;
  if (end >= items.length || slice.length === 0) return { slice };
  const keep = Object.entries(query)
    .filter(([k]) => k !== "$skiptoken")
    .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ",")}`);
  keep.push(
    `$skiptoken=${encodeSkipToken({ position: end, lastId: idOf(slice[slice.length - 1]!), count: items.length })}`,
  );
  return { slice, nextLink: `${nextBase}?${keep.join("&")}` };
}

export interface AppsCall {
  path: string;
  query: Record<string, string>;
  version: Version;
  /** `<base>/graph/<cloud>/<version>` */
  self: string;
  tenant: SimTenant;
}

/** The body of a detectedApps request, or a 404 message; QueryError for bad query options. */
export function answerDetectedApps(
  call: AppsCall,
  route: string,
): { body: Record<string, unknown> } | { notFound: string } {
  const m = DETECTED_APPS.exec(call.path)!;
  const cat = catalogueOf(call.tenant);
  if (route === "graph.detectedApps.list") {
    const select = selectApp(call.query["$select"]);
    const { slice, nextLink } = page(cat.apps, call.query, `${call.self}/deviceManagement/detectedApps`, (a) => a.id);
    return {
      body: {
        "@odata.context": `${call.self}/$metadata#deviceManagement/detectedApps${select ? `(${select.join(",")})` : ""}`,
        ...(nextLink ? { "@odata.nextLink": nextLink } : {}),
        value: slice.map((a) => projectApp(a, select)),
      },
    };
  }
  const id = decodeURIComponent(m[1]!);
  const app = cat.byId.get(id);
  if (!app) return { notFound: `detectedApp '${id}'` };
  if (route === "graph.detectedApps.get") {
    const select = selectApp(call.query["$select"]);
    return {
      body: {
        "@odata.context": `${call.self}/$metadata#deviceManagement/detectedApps/$entity`,
        ...projectApp(app, select),
      },
    };
  }
  const select = parseSelect(call.version, call.query["$select"]);
  const view = viewOf(call.tenant);
  const indexes = cat.devices.get(id)!;
  const { slice, nextLink } = page(
    indexes,
    call.query,
    `${call.self}/deviceManagement/detectedApps/${encodeURIComponent(id)}/managedDevices`,
    (i) => String(view.at(i)?.["id"]),
  );
  return {
    body: {
      "@odata.context": `${call.self}/$metadata#deviceManagement/detectedApps('${id}')/managedDevices${select ? `(${["id", ...select.filter((p) => p !== "id")].join(",")})` : ""}`,
      ...(nextLink ? { "@odata.nextLink": nextLink } : {}),
      value: slice.flatMap((i) => {
        const d = view.at(i);
        return d ? [project(d, call.version, select, false)] : [];
      }),
    },
  };
}
