// The compliance-alerts pass of a sync (issue 7): reads the failing policies of the imported troubled devices,
// plans against the alert ledger (plan-alerts.ts, pure) and carries each action out through the CustomerApi.
// Every step is in the alert ledger before the next one starts, and a create is recorded as `pending` before the
// request is written, so a crash or a rerun never doubles a request: the next run finds it by source/sourceID.
import { Field } from "../app-instance/fields.js";
import type { AlertSettings } from "../app-instance/settings.js";
import type { CustomerApi } from "../fourme/customer-api.js";
import { cloudEndpoints, type CloudOverrides } from "../intune/clouds.js";
import type { IntuneClient } from "../intune/intune-client.js";
import type { AppInstanceWriter } from "../intune/tenant-fields.js";
import type { Logger } from "../logger.js";
import type { AlertEntry, InstanceStore, LedgerEntry, TenantRecord } from "../store/types.js";
import { isImported, type ImportFilters } from "../sync/filters.js";
import type { FleetDevice } from "../sync/fleet-device.js";
import { notHeldElsewhere } from "../intune/tenant-ownership.js";
import { removedTenantIds } from "../sync/plan.js";
import type { FleetRead, TroubledDevice } from "../sync/read-fleet.js";
import { complianceOfCi, goneDevices, namedRemoved, personOf, requestsOf, serviceInstancesOf } from "./alert-reads.js";
import {
  isSummaryEntry,
  planSummary,
  queueCreates,
  SUMMARY_SOURCE_ID,
  takeTurns,
  waitingEntries,
  type Candidate,
} from "./alert-queue.js";
import { carryOut } from "./carry-out.js";
import { readCompliance, type AlertsProgress } from "./read-compliance.js";
import { planAlerts, type AlertAction, type AlertDevice } from "./plan-alerts.js";
import { graceEnd, verdictOf } from "./verdict.js";
import type { PassResult } from "../sync/run-sync.js";

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
  /** Progress of the compliance read and of the request writes (the CLI and the run's log show it). */
  onProgress?: AlertsProgress;
}

const key = (tenantId: string, deviceId: string) => `${tenantId}\u0000${deviceId}`;

/** Reasons of failed alert actions the run summary lists; the rest are counted (alerts_failed). */
const ERRORS_LISTED = 5;

/**
 * Runs the alerts pass; returns counts for the run summary (alerts_created, alerts_noted, …) and the reasons of the
 * first actions that failed, so the administrator reads why and not only how many.
 */
export async function runAlerts(
  account: string,
  fleet: FleetRead,
  api: CustomerApi,
  deps: RunAlertsDeps,
): Promise<PassResult> {
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  const add = (k: string, n = 1) => (counts[`alerts_${k}`] = (counts[`alerts_${k}`] ?? 0) + n);
  if (!deps.settings.enabled) return { counts, errors };
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
  // The summary request's entry is the account's, not a device's: it is planned apart (alert-queue.ts).
  const allAlerts = await deps.store.getAlerts(account);
  const summaryEntry = allAlerts.find(isSummaryEntry);
  const alertLedger = allAlerts.filter((a) => !isSummaryEntry(a));
  const alertsByKey = new Map(alertLedger.map((e) => [key(e.tenantId, e.deviceId), e]));

  // No request storm: of the devices due a new request, only the oldest violations up to the limit are planned (and
  // their detail read) this run; the others wait, listed in the summary request.
  const turns = takeTurns(
    dueNewRequest(inScope, troubled, alertsByKey, deps.settings, now),
    alertsByKey,
    deps.settings,
    now,
  );
  const later = new Set(turns.later.map((w) => key(w.tenantId, w.deviceId)));
  const planned = later.size ? inScope.filter(({ ci }) => !later.has(key(ci.tenantId, ci.deviceId))) : inScope;

  const devicesWith = (people: (ci: FleetDevice) => string | undefined): AlertDevice[] =>
    planned.map(({ ci, entry }) => {
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
  const compliance = await readCompliance(planned, troubledOf, tenantById, deps, log, add);
  // The alerts phase starts here: planning and its lookups come before the first request is written.
  deps.onProgress?.("alerts", 0);
  const gone = await namedRemoved(
    api,
    goneDevices(
      alertLedger,
      mapped,
      inScopeKeys,
      new Set(fleet.completeTenantIds),
      new Set(removedTenantIds(deviceLedger, await notHeldElsewhere(deps.store, account, tenantsInForm))),
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

  // At most maxNewPerRun new requests (a last guard: retried creates may add to the planned ones).
  const devices = new Map(devicesWith(() => undefined).map((d) => [key(d.tenantId, d.deviceId), d]));
  const queued = queueCreates(plan.actions, alertsByKey, devices, deps.settings, now);
  const waiting = [...queued.waiting, ...turns.later].sort((x, y) => x.since.localeCompare(y.since));
  if (waiting.length) add("waiting", waiting.length);
  // Written once, when a device starts waiting: updatedAt keeps its place in the queue.
  for (const entry of [...queued.newlyWaiting, ...waitingEntries(account, turns.later, alertsByKey)])
    await deps.store.putAlert(entry);
  const summary = await summaryAction(account, api, waiting, summaryEntry, deps.settings, now);

  const actions = [...queued.actions, ...(summary ? [summary] : [])];
  for (const [i, action] of actions.entries()) {
    deps.onProgress?.("alerts", i, actions.length);
    const why = api.budgetNearlySpent();
    if (why) {
      // The rest is planned again next run, from the ledger: nothing is lost, nothing doubled.
      // Listed with the run's other postponed writes ("Postponed to the next run: alerts budget N").
      counts["postponed:alerts_budget"] = actions.length - i;
      log.warn({ budget: why, postponed: actions.length - i }, "4me budget nearly spent; alert writes postponed");
      break;
    }
    const isSummary = action === summary;
    try {
      await carryOut(action, api, deps.store, isSummary ? (k, n) => add(`summary_${k}`, n) : add);
    } catch (err) {
      // The ledger holds what was done; this device is planned again next run.
      add(isSummary ? "summary_failed" : "failed");
      if (errors.length < ERRORS_LISTED) {
        const what = isSummary ? "summary request" : `${action.kind} for device ${action.deviceId}`;
        errors.push(`alerts: ${what}: ${(err as Error).message} (tried again next run)`);
      }
      log.warn(
        { tenantId: action.tenantId, deviceId: action.deviceId, kind: action.kind, err: (err as Error).message },
        "alert action failed",
      );
    }
  }
  deps.onProgress?.("alerts", actions.length, actions.length);
  log.info({ counts, unlinked }, "alerts done");
  return { counts, errors };
}

/**
 * The devices in scope due a new request if their turn comes: failing now (as Intune's list says) with no request
 * open, pending, or closed by a person (those need their detail read to be planned).
 */
function dueNewRequest(
  inScope: readonly { ci: FleetDevice }[],
  troubled: ReadonlyMap<string, TroubledDevice>,
  alerts: ReadonlyMap<string, AlertEntry>,
  settings: AlertSettings,
  now: Date,
): Candidate[] {
  return inScope.flatMap(({ ci }) => {
    const k = key(ci.tenantId, ci.deviceId);
    const t = troubled.get(k);
    const state = alerts.get(k)?.state;
    if (!t?.complianceState || (state && state !== "resolved" && state !== "waiting")) return [];
    const grace = graceEnd(t.complianceGracePeriodExpirationDateTime, now);
    if (verdictOf(t.complianceState, grace, settings.duringGracePeriod) !== "failing") return [];
    return [
      {
        tenantId: ci.tenantId,
        deviceId: ci.deviceId,
        name: ci.name,
        graceExpiresAt: t.complianceGracePeriodExpirationDateTime,
      },
    ];
  });
}

/** The summary request's action this run; its status is read only when one is open (a person may have closed it). */
async function summaryAction(
  account: string,
  api: CustomerApi,
  waiting: Parameters<typeof planSummary>[0]["waiting"],
  entry: AlertEntry | undefined,
  settings: AlertSettings,
  now: Date,
): Promise<AlertAction | undefined> {
  let closedInFourMe = false;
  if (entry?.state === "open" && entry.requestId) {
    const found = (await api.findRequestsBySource([SUMMARY_SOURCE_ID])).find((r) => r.id === entry.requestId);
    closedInFourMe = !found || found.status === "completed" || found.status === "declined";
  }
  return planSummary({ account, waiting, ...(entry ? { entry } : {}), closedInFourMe, settings, now });
}

/** The afterWrite hook of the sync when alerts are on in the instance's settings. */
export function createAlertsHook(deps: {
  store: InstanceStore;
  intuneClient: (tenant: TenantRecord) => IntuneClient;
  writer?: AppInstanceWriter;
  microsoft: CloudOverrides;
  logger: Logger;
  now?: () => Date;
}): (account: string, fleet: FleetRead, api: CustomerApi, onProgress?: AlertsProgress) => Promise<PassResult> {
  return async (account, fleet, api, onProgress) => {
    const instance = await deps.store.getInstance(account);
    const settings = instance?.settings;
    if (!settings?.alerts.enabled) return { counts: {}, errors: [] };
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
