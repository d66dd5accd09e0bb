// The compliance-alerts pass of a sync (issue 7): reads the failing policies of the imported troubled devices,
// plans against the alert ledger (plan-alerts.ts, pure) and carries each action out through the CustomerApi.
// Every step is in the alert ledger before the next one starts, and a create is recorded as `pending` before the
// request is written, so a crash or a rerun never doubles a request: the next run finds it by source/sourceID.
import { Field } from "../app-instance/fields.js";
import type { AlertSettings } from "../app-instance/settings.js";
import type { CustomerApi } from "../fourme/customer-api.js";
import type { Request } from "../fourme/types.js";
import { cloudEndpoints, type CloudOverrides } from "../intune/clouds.js";
import type { IntuneClient } from "../intune/intune-client.js";
import type { AppInstanceWriter } from "../intune/tenant-fields.js";
import type { Logger } from "../logger.js";
import type { AlertEntry, InstanceStore, LedgerEntry, TenantRecord } from "../store/types.js";
import { isImported, type ImportFilters } from "../sync/filters.js";
import type { FleetDevice } from "../sync/map-device.js";
import { removedTenantIds } from "../sync/plan.js";
import type { FleetRead } from "../sync/read-fleet.js";
import { readCompliance, type AlertsProgress } from "./read-compliance.js";
import {
  alertSourceId,
  GONE_HASH_PREFIX,
  planAlerts,
  type AlertAction,
  type AlertDevice,
  type GoneDevice,
} from "./plan-alerts.js";

export interface RunAlertsDeps {
  store: InstanceStore;
  intuneClient: (tenant: TenantRecord) => IntuneClient;
  logger: Logger;
  now: () => Date;
  settings: AlertSettings;
  /** The import filters: a device they exclude does not alert (its open request gets a note). */
  filters: ImportFilters;
  microsoft: CloudOverrides;
  /** Writes the count of imported CIs without a service instance to the app instance (Field.unlinkedCis). */
  writeUnlinkedCis?: (count: number) => Promise<void>;
  onProgress?: AlertsProgress;
}

const key = (tenantId: string, deviceId: string) => `${tenantId}\u0000${deviceId}`;

/** Runs the alerts pass; returns counts for the run summary (alerts_created, alerts_noted, …). */
export async function runAlerts(
  account: string,
  fleet: FleetRead,
  api: CustomerApi,
  deps: RunAlertsDeps,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const add = (k: string, n = 1) => (counts[`alerts_${k}`] = (counts[`alerts_${k}`] ?? 0) + n);
  if (!deps.settings.enabled) return counts;
  const log = deps.logger.child({ pass: "alerts" });
  const now = deps.now();

  const tenantsInForm = await deps.store.listTenants(account);
  const tenants = tenantsInForm.filter((t) => t.tenantId);
  const tenantById = new Map(tenants.map((t) => [t.tenantId!, t]));
  const deviceLedger = await deps.store.getLedger(account);
  const ledger = new Map(deviceLedger.filter((e) => e.ciId && !e.retired).map((e) => [key(e.tenantId, e.deviceId), e]));

  // In scope: read this run, let in by the filters, and imported (its CI is in the ledger).
  const mapped = new Map(fleet.mapped.map((c) => [key(c.tenantId, c.deviceId), c]));
  const inScope: { ci: FleetDevice; entry: LedgerEntry }[] = [];
  for (const ci of fleet.mapped) {
    const entry = ledger.get(key(ci.tenantId, ci.deviceId));
    if (entry && isImported(ci.deviceClass, deps.filters)) inScope.push({ ci, entry });
  }
  const inScopeKeys = new Set(inScope.map((d) => key(d.ci.tenantId, d.ci.deviceId)));

  // One counting request (not a read of every imported CI): our active CIs in 4me without a service instance.
  let unlinked: number | undefined;
  if (deps.writeUnlinkedCis) {
    try {
      unlinked = await api.countCisWithoutServiceInstance();
      await deps.writeUnlinkedCis(unlinked);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "unlinked CI count not written");
    }
  }
  // Only a new request carries its CI's service instance: read below for the creates alone.
  let serviceInstances = new Map<string, string | undefined>();

  const troubled = new Map(fleet.troubled.map((t) => [key(t.tenantId, t.id), t]));
  const devicesWith = (people: (ci: FleetDevice) => string | undefined): AlertDevice[] =>
    inScope.map(({ ci, entry }) => {
      const t = troubled.get(key(ci.tenantId, ci.deviceId));
      const tenant = tenantById.get(ci.tenantId);
      const serviceInstanceId = serviceInstances.get(entry.ciId!);
      return {
        tenantId: ci.tenantId,
        deviceId: ci.deviceId,
        name: ci.name,
        ciId: entry.ciId,
        ...(people(ci) ? { personId: people(ci) } : {}),
        ...(serviceInstanceId ? { serviceInstanceId } : {}),
        ...(t?.lastSyncDateTime
          ? { lastSyncAt: t.lastSyncDateTime }
          : ci.lastSeenAt
            ? { lastSyncAt: ci.lastSeenAt }
            : {}),
        graceExpiresAt: t?.complianceGracePeriodExpirationDateTime ?? null,
        adminCenterUrl: cloudEndpoints(tenant?.cloud ?? "global", deps.microsoft).adminCenterUrl,
        complianceState: t?.complianceState ?? complianceOfCi(ci),
      };
    });

  const troubledOf = (ci: FleetDevice) => troubled.get(key(ci.tenantId, ci.deviceId));
  const compliance = await readCompliance(inScope, troubledOf, tenantById, deps, log, add);
  // The alerts phase starts here: planning and its lookups come before the first request is written.
  deps.onProgress?.("alerts", 0);
  const alertLedger = await deps.store.getAlerts(account);
  const gone = await namedRemoved(
    api,
    goneDevices(
      alertLedger,
      mapped,
      inScopeKeys,
      new Set(fleet.completeTenantIds),
      new Set(removedTenantIds(deviceLedger, tenantsInForm)),
    ),
    alertLedger,
    deviceLedger,
    log,
  );
  // Only open alerts' requests are read (a person may have completed them), so a pass costs the same however
  // many alerts were resolved before. The planner is pure, and only a new request needs its person and the number
  // of the previous request: plan, read those for the creates alone, and plan again.
  const known = await requestsOf(
    api,
    alertLedger.filter((a) => a.state === "open" && a.requestId).map((a) => ({ ...a, requestId: a.requestId! })),
  );
  const planWith = (devices: AlertDevice[], numbers: Record<string, string>) =>
    planAlerts({
      account,
      compliance,
      devices,
      alertLedger,
      settings: deps.settings,
      gone,
      requestStatuses: known.statuses,
      requestNumbers: numbers,
      qualifyTenant: tenants.length > 1,
      now,
    });
  let plan = planWith(
    devicesWith(() => undefined),
    known.numbers,
  );
  const creates = plan.actions.filter((a) => a.kind === "create");
  if (creates.length > 0) {
    const creating = new Set(creates.map((a) => key(a.tenantId, a.deviceId)));
    serviceInstances = await serviceInstancesOf(
      api,
      inScope.filter(({ ci }) => creating.has(key(ci.tenantId, ci.deviceId))).map((d) => d.entry.ciId!),
    );
    const people = await personOf(
      api,
      inScope.filter(({ ci }) => creating.has(key(ci.tenantId, ci.deviceId))),
    );
    const previous = creates.flatMap((a) =>
      a.entry.previousRequestId && !known.numbers[a.entry.previousRequestId]
        ? [{ tenantId: a.tenantId, deviceId: a.deviceId, requestId: a.entry.previousRequestId }]
        : [],
    );
    const read = await requestsOf(api, previous);
    plan = planWith(devicesWith(people), { ...known.numbers, ...read.numbers });
  }
  add("unchanged", plan.counts["unchanged"] ?? 0);
  for (const [k, v] of Object.entries(plan.counts)) if (k.startsWith("skipped:")) add(k, v);

  for (const [i, action] of plan.actions.entries()) {
    deps.onProgress?.("alerts", i, plan.actions.length);
    try {
      await carryOut(action, api, deps.store, add);
    } catch (err) {
      // The ledger holds what was done; this device is planned again next run.
      add("failed");
      log.warn(
        { tenantId: action.tenantId, deviceId: action.deviceId, kind: action.kind, err: (err as Error).message },
        "alert action failed",
      );
    }
  }
  deps.onProgress?.("alerts", plan.actions.length, plan.actions.length);
  log.info({ counts, unlinked }, "alerts done");
  return counts;
}

async function carryOut(
  action: AlertAction,
  api: CustomerApi,
  store: InstanceStore,
  add: (k: string, n?: number) => void,
): Promise<void> {
  switch (action.kind) {
    case "create": {
      if (action.findExistingFirst) {
        // A pending entry: the create may have reached 4me before the crash.
        const found = await openRequestOf(api, action.request.sourceID, action.entry.previousRequestId);
        if (found) {
          await store.putAlert({ ...action.entry, state: "open", requestId: found.id });
          add("recovered");
          return;
        }
      }
      await store.putAlert(action.entry);
      const { source: _source, ...fields } = action.request;
      const request = await api.createRequest(fields);
      await store.putAlert({ ...action.entry, state: "open", requestId: request.id });
      add("created");
      return;
    }
    case "addNote":
      await api.addNote(action.requestId, action.note);
      await store.putAlert(action.entry);
      add("noted");
      return;
    case "resolve":
      await api.completeRequest(action.requestId, action.note, action.completionReason);
      await store.putAlert(action.entry);
      add("resolved");
      return;
    case "noteDeviceGone":
      await api.addNote(action.requestId, action.note);
      await store.putAlert(action.entry);
      add("gone_noted");
      return;
    case "ledger":
      await store.putAlert(action.entry);
      add(action.why);
      return;
    case "settlePending": {
      const found = await openRequestOf(api, action.sourceID, action.entry.previousRequestId);
      const entry: AlertEntry = found
        ? { ...action.entry, state: "open", requestId: found.id }
        : { ...action.entry, state: "resolved" };
      await store.putAlert(entry);
      add(found ? "recovered" : "settled");
      return;
    }
  }
}

/** The newest open request of a device other than its previous one. */
async function openRequestOf(api: CustomerApi, sourceID: string, previousId?: string): Promise<Request | undefined> {
  const open = (await api.findOpenRequestsBySource([sourceID])).filter(
    (r) => r.sourceID === sourceID && r.id !== previousId,
  );
  return open.sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))[0];
}

/**
 * The person of the device's current primary user (e-mail, then UPN), looked up only for devices that get a new
 * request (the sync's lookups are cached in the CustomerApi). The ledger's userId is not used: it may still name a
 * previous user.
 */
async function personOf(
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
async function serviceInstancesOf(api: CustomerApi, ciIds: string[]): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  if (ciIds.length === 0) return out;
  for (const ci of await api.findCisByIds(ciIds)) out.set(ci.id, ci.serviceInstanceIds[0]);
  return out;
}

/** The mapper writes the state as a label; only "Compliant" matters here (it resolves an open request). */
function complianceOfCi(ci: FleetDevice): string | null {
  return ci.compliance === "Compliant" ? "compliant" : null;
}

/** Open alerts whose device left Intune (tenant read completely) or is no longer imported. */
function goneDevices(
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
async function namedRemoved(
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
async function requestsOf(api: CustomerApi, wanted: { tenantId: string; deviceId: string; requestId: string }[]) {
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

/** The afterWrite hook of the sync when alerts are on in the instance's settings. */
export function createAlertsHook(deps: {
  store: InstanceStore;
  intuneClient: (tenant: TenantRecord) => IntuneClient;
  writer?: AppInstanceWriter;
  microsoft: CloudOverrides;
  logger: Logger;
  now?: () => Date;
}): (
  account: string,
  fleet: FleetRead,
  api: CustomerApi,
  onProgress?: AlertsProgress,
) => Promise<Record<string, number>> {
  return async (account, fleet, api, onProgress) => {
    const instance = await deps.store.getInstance(account);
    const settings = instance?.settings;
    if (!settings?.alerts.enabled) return {};
    const appInstanceId = instance?.appInstanceId;
    const writer = deps.writer;
    return runAlerts(account, fleet, api, {
      store: deps.store,
      intuneClient: deps.intuneClient,
      logger: deps.logger.child({ account }),
      now: deps.now ?? (() => new Date()),
      settings: settings.alerts,
      filters: settings.filters,
      microsoft: deps.microsoft,
      onProgress,
      ...(writer && appInstanceId
        ? {
            writeUnlinkedCis: async (count: number) => {
              await writer.updateAppInstance(appInstanceId, {
                customFields: [{ id: Field.unlinkedCis, value: count }],
              });
            },
          }
        : {}),
    });
  };
}
