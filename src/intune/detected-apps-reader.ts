// Intune's detected apps read per application, not per device: the catalogue (GET /v1.0/deviceManagement/detectedApps,
// one entry per name and version) page by page, then for each app the caller wants only, the ids of the devices that
// have it (GET …/detectedApps/{id}/managedDevices?$select=id). Every request goes through the tenant's "devices"
// budget: detectedApp belongs to Intune's devices service (Graph throttling limits, microsoft-graph-intune.md §2).
// Graph does not document $filter on detectedApps, so the catalogue is read whole and filtered here.
// Sources: https://learn.microsoft.com/en-us/graph/api/resources/intune-devices-detectedapp,
// https://learn.microsoft.com/en-us/graph/api/intune-devices-detectedapp-list
import { UpstreamError } from "../errors.js";
import type { GraphHttp } from "./graph-http.js";

export const APP_PAGE_SIZE = 1000;
export const APP_SELECT = ["id", "displayName", "version", "publisher", "platform", "deviceCount"] as const;

export interface DetectedApp {
  id: string;
  displayName: string;
  version: string;
  publisher: string;
  /** detectedAppPlatformType, e.g. windows, macOS, ios. */
  platform: string;
  deviceCount: number;
}

export interface TrackedApp extends DetectedApp {
  /** Intune managedDevice ids the app is installed on. */
  deviceIds: string[];
}

export interface ReadTrackedAppsResult {
  apps: TrackedApp[];
  /** Catalogue entries seen (all of them, matching or not). */
  catalogueSize: number;
  /** Graph requests made (pages; retries of a page not counted). */
  requests: number;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** A catalogue entry, or null for a record without an id or a name (nothing to track it by). */
export function toDetectedApp(raw: unknown): DetectedApp | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const id = str(r["id"]);
  const displayName = str(r["displayName"]).trim();
  if (!id || !displayName) return null;
  const count = Number(r["deviceCount"]);
  return {
    id,
    displayName,
    version: str(r["version"]).trim(),
    publisher: str(r["publisher"]).trim(),
    platform: str(r["platform"]) || "unknown",
    deviceCount: Number.isInteger(count) && count >= 0 ? count : 0,
  };
}

/** The catalogue, one page of entries at a time (the list is never held whole). */
export async function* listDetectedApps(
  http: GraphHttp,
  opts: { pageSize?: number; onRequest?: () => void } = {},
): AsyncGenerator<DetectedApp[]> {
  let url: string | undefined =
    `/v1.0/deviceManagement/detectedApps?$select=${APP_SELECT.join(",")}&$top=${opts.pageSize ?? APP_PAGE_SIZE}`;
  while (url) {
    const apps: DetectedApp[] = [];
    opts.onRequest?.();
    const page = await http.getList("devices", url, (raw) => {
      const app = toDetectedApp(raw);
      if (app) apps.push(app);
    });
    if (!Array.isArray(page["value"]))
      throw new UpstreamError("Microsoft Graph sent a detectedApps page without `value`");
    const link = page["@odata.nextLink"];
    url = typeof link === "string" && link !== "" ? link : undefined;
    yield apps;
  }
}

/** The ids of the devices an app is installed on, every page. */
export async function readAppDeviceIds(
  http: GraphHttp,
  appId: string,
  opts: { pageSize?: number; onRequest?: () => void } = {},
): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined =
    `/v1.0/deviceManagement/detectedApps/${encodeURIComponent(appId)}/managedDevices?$select=id&$top=${opts.pageSize ?? APP_PAGE_SIZE}`;
  while (url) {
    const pageIds: string[] = [];
    opts.onRequest?.();
    const page = await http.getList("devices", url, (raw) => {
      const id = str((raw as Record<string, unknown> | null)?.["id"]);
      if (id) pageIds.push(id);
    });
    if (!Array.isArray(page["value"]))
      throw new UpstreamError("Microsoft Graph sent a detectedApp managedDevices page without `value`");
    ids.push(...pageIds);
    const link = page["@odata.nextLink"];
    url = typeof link === "string" && link !== "" ? link : undefined;
  }
  return ids;
}

/**
 * The apps `wanted` keeps, each with its device ids. Device lists are read as the catalogue pages arrive, several
 * at once: the tenant's throttle decides how many run (concurrency and the 2,000 / 20 s budget), and a 429 holds
 * back every request of the tenant until its Retry-After.
 */
export async function readTrackedApps(
  http: GraphHttp,
  wanted: (app: DetectedApp) => boolean,
  opts: { pageSize?: number } = {},
): Promise<ReadTrackedAppsResult> {
  let requests = 0;
  let catalogueSize = 0;
  const onRequest = () => void requests++;
  const reads: Promise<TrackedApp>[] = [];
  try {
    for await (const page of listDetectedApps(http, { ...opts, onRequest })) {
      catalogueSize += page.length;
      for (const app of page) {
        if (!wanted(app)) continue;
        const read = readAppDeviceIds(http, app.id, { ...opts, onRequest }).then((deviceIds) => ({
          ...app,
          deviceIds,
        }));
        read.catch(() => undefined); // observed here; Promise.all below reports the first failure
        reads.push(read);
      }
    }
  } finally {
    // Whatever happened to the catalogue, no device read is left running unobserved.
    await Promise.allSettled(reads);
  }
  const apps = await Promise.all(reads);
  return { apps, catalogueSize, requests };
}
