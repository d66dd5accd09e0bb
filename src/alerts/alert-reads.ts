// What the alerts pass reads before it plans (issue 7), besides the compliance detail (read-compliance.ts): the devices
// gone from scope, the names of removed devices, the status of our open requests, and the people and service instances
// of the devices that get a new request. Each read is as wide as the run allows.
import type { CustomerApi } from "../fourme/customer-api.js";
import type { Logger } from "../logger.js";
import type { AlertEntry, LedgerEntry } from "../store/types.js";
import type { FleetDevice } from "../sync/fleet-device.js";
import { alertSourceId, GONE_HASH_PREFIX, type GoneDevice } from "./plan-alerts.js";

const key = (tenantId: string, deviceId: string) => `${tenantId}\u0000${deviceId}`;

/**
 * The person of the device's current primary user (e-mail, then UPN), looked up only for devices that get a new
 * request (the sync's lookups are cached in the CustomerApi). The ledger's userId is not used: it may still name a
 * previous user.
 */
export async function personOf(
  api: CustomerApi,
  devices: { ci: FleetDevice }[],
): Promise<(ci: FleetDevice) => string | undefined> {
  const addresses = (ci: FleetDevice) =>
    [ci.primaryUser?.email, ci.primaryUser?.upn].filter((a): a is string => !!a).map((a) => a.toLowerCase());
  const wanted = devices.flatMap(({ ci }) => addresses(ci));
  const found = wanted.length > 0 ? await api.findPeopleByEmails(wanted) : new Map<string, string>();
  return (ci) =>
    addresses(ci)
      .map((a) => found.get(a))
      .find((id) => id !== undefined);
}

/** CI id → its first service instance. */
export async function serviceInstancesOf(api: CustomerApi, ciIds: string[]): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  if (ciIds.length === 0) return out;
  for (const ci of await api.findCisByIds(ciIds)) out.set(ci.id, ci.serviceInstanceIds[0]);
  return out;
}

/** The mapper writes the state as a label; only "Compliant" matters here (it resolves an open request). */
export function complianceOfCi(ci: FleetDevice): string | null {
  return ci.compliance === "Compliant" ? "compliant" : null;
}

/** Open alerts whose device left Intune (tenant read completely) or is no longer imported. */
export function goneDevices(
  alerts: AlertEntry[],
  mapped: Map<string, FleetDevice>,
  inScope: Set<string>,
  completeTenants: Set<string>,
  removedTenants: Set<string>,
): GoneDevice[] {
  const out: GoneDevice[] = [];
  for (const a of alerts) {
    if (a.state !== "open") continue;
    const k = key(a.tenantId, a.deviceId);
    if (inScope.has(k)) continue;
    const ci = mapped.get(k);
    if (ci) out.push({ tenantId: a.tenantId, deviceId: a.deviceId, reason: "filtered", name: ci.name });
    else if (removedTenants.has(a.tenantId))
      out.push({ tenantId: a.tenantId, deviceId: a.deviceId, reason: "tenant_removed" });
    else if (completeTenants.has(a.tenantId))
      out.push({ tenantId: a.tenantId, deviceId: a.deviceId, reason: "removed" });
  }
  return out;
}

/**
 * A device removed from Intune is no longer read, so its note would name it by id: read the names of the CIs of the
 * removed devices about to get their note (not those noted already, so later runs read nothing).
 */
export async function namedRemoved(
  api: CustomerApi,
  gone: GoneDevice[],
  alerts: AlertEntry[],
  deviceLedger: LedgerEntry[],
  log: Logger,
): Promise<GoneDevice[]> {
  // Devices whose note for this very reason was added already: their names are not read again.
  const noted = new Set(alerts.map((a) => `${key(a.tenantId, a.deviceId)}\u0000${a.detailHash}`));
  const ciOf = new Map(deviceLedger.filter((e) => e.ciId).map((e) => [key(e.tenantId, e.deviceId), e.ciId!]));
  const ciIds = gone
    .filter((g) => !g.name && !noted.has(`${key(g.tenantId, g.deviceId)}\u0000${GONE_HASH_PREFIX}${g.reason}`))
    .flatMap((g) => ciOf.get(key(g.tenantId, g.deviceId)) ?? []);
  if (ciIds.length === 0) return gone;
  const names = new Map<string, string>();
  try {
    for (const ci of await api.findCisByIds(ciIds)) if (ci.name) names.set(ci.id, ci.name);
  } catch (err) {
    log.warn({ err: (err as Error).message }, "names of removed devices not read; their notes name them by id");
  }
  return gone.map((g) => {
    const name = g.name ?? names.get(ciOf.get(key(g.tenantId, g.deviceId)) ?? "");
    return name ? { ...g, name } : g;
  });
}

/** Status and number of these requests of our devices, found by their devices' source/sourceID. */
export async function requestsOf(
  api: CustomerApi,
  wanted: { tenantId: string; deviceId: string; requestId: string }[],
) {
  const statuses: Record<string, string> = {};
  const numbers: Record<string, string> = {};
  if (wanted.length === 0) return { statuses, numbers };
  const ids = new Set(wanted.map((w) => w.requestId));
  for (const r of await api.findRequestsBySource(wanted.map((w) => alertSourceId(w.tenantId, w.deviceId)))) {
    if (!ids.has(r.id)) continue;
    if (r.status) statuses[r.id] = r.status;
    if (r.requestId) numbers[r.id] = r.requestId;
  }
  return { statuses, numbers };
}
