// One sync run of one account: read Intune, plan against the ledger, write to 4me, record the summary in 4me.
// One run per account at a time (store.startRun); everything written is in the ledger before the run moves on.
import { Field } from "../app-instance/fields.js";
import type { CustomFieldValue } from "../app-instance/settings.js";
import type { CustomerApi } from "../fourme/customer-api.js";
import type { Logger } from "../logger.js";
import { breakdownField, breakdownJson, parseBreakdown } from "../intune/breakdown.js";
import type { CloudOverrides } from "../intune/clouds.js";
import type { IntuneClient } from "../intune/intune-client.js";
import type { AppInstanceWriter } from "../intune/tenant-fields.js";
import type { InstanceStore, SyncRun, TenantRecord } from "../store/types.js";
import { applyPlan } from "./apply-plan.js";
import { LedgerIndex } from "./ledger-index.js";
import { SqliteCiStore } from "./ci-store.js";
import { splitByOwnership } from "../intune/tenant-ownership.js";
import { planSync, removedTenantIds } from "./plan.js";
import { mayBeWritten, readFleet, type FleetRead } from "./read-fleet.js";
import { syncTrackedSoftware } from "./sync-software.js";
import { renderRunSummary } from "./summary.js";
import { progressReporter, type ReportProgress, type SyncProgress } from "./progress.js";
import type { AuthorizationError } from "../errors.js";
import { FourMeCredentialsError } from "../fourme/token-cache.js";

export const MISSING_SUPPORT_TEAM =
  "The form sets no 'Support team of imported CIs': 4me refuses new CIs whose product has no support team. Set it and the next sync imports them.";

/** A run beats at most this often (per page read and per batch written). */
export const HEARTBEAT_EVERY_MS = 30_000;
/**
 * Without a beat for this long a run is taken as crashed. Longer than the slowest single step between beats
 * (a bulk upload waits up to 5 minutes for its result).
 */
export const DEFAULT_STALE_RUN_MS = 10 * 60_000;

export interface RunSyncDeps {
  store: InstanceStore;
  customerApi: (account: string) => Promise<CustomerApi>;
  intuneClient: (tenant: TenantRecord) => IntuneClient;
  writer: AppInstanceWriter;
  /** The rendered CI UI extension, kept current in each account. */
  ciExtension?: { html: string; css: string; javascript: string };
  microsoft: CloudOverrides;
  logger: Logger;
  clock?: () => Date;
  /** A run that has not beaten its heartbeat for this long is taken as crashed and may be replaced. */
  staleRunMs?: number;
  /** Called with the tenant a run found refusing access (consent revoked). */
  onRefused?: (account: string, tenant: TenantRecord, err: AuthorizationError) => Promise<void>;
  /** Called after the devices were written, with what was read (the alerts pass runs from it, reporting progress). */
  afterWrite?: (account: string, fleet: FleetRead, api: CustomerApi, progress?: ReportProgress) => Promise<PassResult>;
  /** Each phase's count, total and estimate (also logged every 2 s per phase). */
  onProgress?: (p: SyncProgress) => void;
}

/** What a pass after the writes adds to the run summary: its counts and the errors the administrator should read. */
export interface PassResult {
  counts: Record<string, number>;
  errors: string[];
}

export interface RunSyncResult {
  run?: SyncRun;
  /** Why nothing ran. */
  skipped?: "already_running" | "no_instance" | "not_runnable" | "no_tenant";
}

export async function runSync(account: string, trigger: string, deps: RunSyncDeps): Promise<RunSyncResult> {
  const now = deps.clock ?? (() => new Date());
  const instance = await deps.store.getInstance(account);
  if (!instance?.settings) return { skipped: "no_instance" };
  // As webhooks/handlers/payload.ts isRunnable: a run queued before the customer disabled the instance, or one
  // asked for by the CLI or a consent callback, writes nothing to an instance that is off.
  if (instance.disabled || instance.suspended || !instance.enabledByCustomer) return { skipped: "not_runnable" };
  const settings = instance.settings;
  const tenantsInForm = await deps.store.listTenants(account);
  // Only tenants an administrator bound to this account are read; one bound elsewhere since counts as removed.
  const { readable: tenants, heldElsewhere } = await splitByOwnership(
    deps.store,
    account,
    instance.appInstanceId,
    tenantsInForm,
  );
  const notMoved = tenantsInForm.filter((t) => !t.tenantId || !heldElsewhere.has(t.tenantId));
  if (tenants.length === 0) return { skipped: "no_tenant" };
  const run = await deps.store.startRun(account, trigger, deps.staleRunMs ?? DEFAULT_STALE_RUN_MS);
  if (!run) return { skipped: "already_running" };

  const log = deps.logger.child({ account, syncId: run.id });
  // The heartbeat lets a replica (or a restart) take over a crashed run within minutes; a failed beat is harmless.
  let lastBeat = now().getTime();
  const beat = () => {
    if (now().getTime() - lastBeat < HEARTBEAT_EVERY_MS) return;
    lastBeat = now().getTime();
    deps.store.heartbeatRun(run.id).catch((err) => log.warn({ err: (err as Error).message }, "heartbeat not recorded"));
  };
  const startedAt = now();
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  const add = (c: Record<string, number>) => {
    for (const [k, v] of Object.entries(c)) counts[k] = (counts[k] ?? 0) + v;
  };
  let status: SyncRun["status"] = "succeeded";
  /** An error that ends the run and is the caller's to handle (4me refused the app's credentials). */
  let fatal: unknown;
  /** The fleet breakdown, written with the summary: one app instance write at the end of a run, not two. */
  let breakdown: CustomFieldValue | undefined;
  const progress = progressReporter({ now: () => now().getTime(), log, onProgress: deps.onProgress });
  // The fleet's size as last counted (consent, or the previous run): the read's estimated total.
  const expectedDevices = parseBreakdown(instance.breakdown)?.total;
  log.info({ trigger, tenants: tenants.length }, "sync started");
  await writeFields(deps, instance.appInstanceId, [{ id: Field.syncStartAt, value: startedAt.toISOString() }], log);

  // Reading, planning and writing the devices: the ledger and the plan are this function's own, so they are garbage
  // once the devices are written, before the alerts pass reads what it needs (issue 6: memory at 100,000 devices).
  const importDevices = async (cis: SqliteCiStore): Promise<{ fleet: FleetRead; api: CustomerApi }> => {
    const ledger = new LedgerIndex(await deps.store.getLedger(account));
    let read = 0;
    const fleet = await readFleet({
      cis,
      ledger,
      keepCi: mayBeWritten(ledger),
      tenants,
      clientFor: deps.intuneClient,
      microsoft: deps.microsoft,
      ciStatus: settings.ciStatus,
      osCis: settings.osCis,
      qualifySourceIds: tenantsInForm.length > 1,
      now: startedAt,
      logger: log,
      onPage: (done) => {
        beat();
        read = done;
        progress("read", done, expectedDevices);
      },
    });
    // The read's end, unless its last page already said so (the estimate was right).
    if (read !== expectedDevices) progress("read", read, read);
    add(fleet.counts);
    errors.push(...fleet.errors);
    for (const r of fleet.refused) await deps.onRefused?.(account, r.tenant, r.error);
    log.info({ devices: fleet.mapped.length, complete: fleet.scanComplete }, "Intune read");

    const plan = planSync({
      devices: fleet.mapped,
      unmapped: fleet.unmapped,
      ledger,
      filters: settings.filters,
      scanComplete: fleet.scanComplete,
      completeTenantIds: fleet.completeTenantIds,
      now: startedAt,
      retireStatus: settings.retireStatus,
      excludedAction: settings.excludedAction,
      removedTenantIds: removedTenantIds(ledger, notMoved),
    });
    for (const k of ["seen", "in_scope", "unchanged"]) counts[k] = plan.counts[k] ?? 0;
    for (const [k, v] of Object.entries(plan.counts))
      if (k.startsWith("excluded:") || k.startsWith("skipped:")) counts[k] = v;
    log.info({ write: plan.toWrite.length, retire: plan.toRetire.length, unchanged: plan.unchanged }, "plan ready");

    const api = await deps.customerApi(account);
    const needsWrites = plan.toWrite.length + plan.toRetire.length + plan.userRetry.length > 0;
    // The write phase starts here: the CI extension and the lookups come before the first batch.
    if (needsWrites) progress("write", 0);
    if (!settings.supportTeam && plan.toWrite.some((w) => w.reason === "new")) {
      // Said once at the top of the summary, rather than only as one 4me error per refused CI.
      errors.push(MISSING_SUPPORT_TEAM);
    }
    const extension = needsWrites && deps.ciExtension ? await ensureExtension(api, deps.ciExtension, log) : {};
    if (extension.error)
      errors.push(`CI UI extension not written: ${extension.error} (no device is written until it is)`);
    const applied = await applyPlan(plan, {
      account,
      api,
      store: deps.store,
      logger: log,
      now: startedAt,
      uiExtensionId: extension.id,
      uiExtensionUnavailable: !!extension.error,
      supportTeam: settings.supportTeam,
      loadCis: (devices) => fleet.cis.load(devices.map((d) => d.row)),
      fleet: fleet.mapped,
      onBatch: (done, total) => {
        beat();
        progress("write", done, total);
      },
    });
    add(applied.counts);
    errors.push(...applied.errors);
    return { fleet, api };
  };

  // The run's full CIs wait on disk between the read and their batch (issue 6: memory at 100,000 devices).
  let cis: SqliteCiStore | undefined;
  try {
    cis = new SqliteCiStore();
    const { fleet, api } = await importDevices(cis);
    const software = await syncTrackedSoftware({
      ...{ account, api, tenants, store: deps.store, logger: log, clientFor: deps.intuneClient },
      ...{ tracked: settings.trackedSoftware, supportTeam: settings.supportTeam },
    });
    add(software.counts);
    errors.push(...software.errors);
    if (deps.afterWrite) {
      try {
        const pass = await deps.afterWrite(account, fleet, api, progress);
        add(pass.counts);
        errors.push(...pass.errors);
      } catch (err) {
        // The CIs are written and recorded; an alerts pass that failed is retried from its ledger next run.
        if (err instanceof FourMeCredentialsError) throw err;
        errors.push(`alerts: ${(err as Error).message}`);
        log.error({ err: (err as Error).message }, "alerts pass failed");
      }
    }

    await deps.store.upsertInstance({
      account,
      offeringReference: instance.offeringReference,
      breakdown: breakdownJson(fleet.breakdown),
    });
    breakdown = breakdownField(fleet.breakdown);
    if (!fleet.scanComplete || errors.length > 0) status = "partial";
  } catch (err) {
    status = "failed";
    errors.push((err as Error).message);
    log.error({ err: (err as Error).message }, "sync failed");
    if (err instanceof FourMeCredentialsError) fatal = err;
  } finally {
    cis?.close();
    progress.close();
  }

  const endedAt = now();
  await deps.store.finishRun({ id: run.id, status, counts, errors });
  const summary = renderRunSummary({ startedAt, endedAt, status, counts, errors });
  await writeFields(
    deps,
    instance.appInstanceId,
    [
      { id: Field.syncStartAt, value: summary.startAt },
      { id: Field.syncEndAt, value: summary.endAt },
      // Seconds, as the form expects (it renders them readably); the summary text carries the readable form.
      { id: Field.syncDuration, value: ((endedAt.getTime() - startedAt.getTime()) / 1000).toFixed(1) },
      { id: Field.syncSummary, value: summary.text },
      ...(breakdown ? [breakdown] : []),
    ],
    log,
  );
  log.info({ status, counts, errors: errors.length }, "sync ended");
  if (fatal) throw fatal;
  return { run: { ...run, status, counts, errors, endedAt: endedAt.toISOString() } };
}

async function ensureExtension(
  api: CustomerApi,
  ext: NonNullable<RunSyncDeps["ciExtension"]>,
  log: Logger,
): Promise<{ id?: string; error?: string }> {
  try {
    const { uiExtension, action } = await api.upsertCiUiExtension(ext.html, ext.css, ext.javascript);
    if (action !== "unchanged") log.info({ action }, "CI UI extension written");
    return { id: uiExtension.id };
  } catch (err) {
    if (err instanceof FourMeCredentialsError) throw err;
    // A product made without it would make 4me refuse its CIs' Intune fields: the writes wait for the next run.
    log.warn({ err: (err as Error).message }, "CI UI extension not written");
    return { error: (err as Error).message };
  }
}

/** The app instance shows what the connector does; a failed write there never fails the run. */
async function writeFields(
  deps: RunSyncDeps,
  appInstanceId: string | undefined,
  fields: CustomFieldValue[],
  log: Logger,
) {
  if (!appInstanceId) return;
  try {
    await deps.writer.updateAppInstance(appInstanceId, { customFields: fields });
  } catch (err) {
    log.warn({ err: (err as Error).message }, "app instance fields not written");
  }
}
