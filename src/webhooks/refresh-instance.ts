// The 'refresh-instance' job: re-reads an app instance from the provider account (flags and custom fields), stores
// its settings, and queues what the change calls for. Runs off the webhook request: app_instance.create/update and
// secrets-update queue it. 4me can deliver the webhook before the new custom field values are readable, so an
// instance without custom fields keeps the settings it had. It also brings the form's list of offered clouds up to
// date (written only when it differs, so the write's own update event writes nothing), and has the tenants checked
// again when that list changed (the operator configured or removed a cloud's app registration).
// A sync is queued only when what the customer owns changed (settingsFingerprint): 4me sends app_instance.update
// for the connector's own writes too (run summary, tenant status), and a sync that queued the next one from its own
// echo would never stop.
import { settingsFingerprint } from "../app-instance/settings-fingerprint.js";
import {
  parseSettings,
  type CustomFieldValue,
  type InstanceSettings,
  type TenantSetting,
} from "../app-instance/settings.js";
import type { Config } from "../config.js";
import { staleOfferedClouds } from "../intune/entra-apps.js";
import type { AppInstanceWriter } from "../intune/tenant-fields.js";
import type { JobHandler, JobQueue } from "../jobs/types.js";
import type { Logger } from "../logger.js";
import type { InstanceStore } from "../store/types.js";
import { isRunnable } from "./handlers/payload.js";
import type { AppInstanceInfo, AppInstanceReader } from "./types.js";
import { resolveAlertReferences, type ReferenceLookup } from "../app-instance/alert-references.js";
import { Field } from "../app-instance/fields.js";

export interface RefreshInstanceDeps {
  config: Pick<Config, "sync"> & {
    fourme: Pick<Config["fourme"], "offeringReference">;
    microsoft?: Config["microsoft"];
  };
  store: InstanceStore;
  queue: JobQueue;
  appInstances: AppInstanceReader;
  /** Writes the offered clouds field (with config.microsoft); without it the form's list is left as it is. */
  writer?: AppInstanceWriter;
  logger: Logger;
  /** Resolves the alert settings' references in the customer account, and shows the result in the form. */
  alertReferences?: {
    lookup(account: string): ReferenceLookup;
    writeStatus(appInstanceId: string, status: string): Promise<unknown>;
  };
}

export type RefreshOutcome =
  | "no-instance"
  | "not-in-4me"
  | "fields-not-available"
  | { tenantsChanged: boolean; runnable: boolean; settingsChanged: boolean };

/** Reads, stores and queues for one account. Exported for tests and the CLI; the job handler wraps it. */
export async function refreshInstance(
  account: string,
  trigger: string,
  deps: RefreshInstanceDeps,
): Promise<RefreshOutcome> {
  const log = deps.logger.child({ job: "refresh-instance", account });
  const before = await deps.store.getInstance(account);
  if (!before) {
    log.info("no app instance stored (deleted meanwhile?); nothing to refresh");
    return "no-instance";
  }
  const info = await deps.appInstances.getAppInstance(account);
  if (!info || info.customerAccount !== account) {
    log.warn("the provider account shows no app instance for this account yet; keeping what is stored");
    return "not-in-4me";
  }

  const fieldsAvailable = info.customFields.length > 0;
  const settings: InstanceSettings | undefined = fieldsAvailable
    ? await withReferences(account, info, parseSettings(info.customFields, deps.config.sync), deps)
    : before.settings;
  const flags = { disabled: info.disabled, suspended: info.suspended, enabledByCustomer: info.enabledByCustomer };
  const runnable = isRunnable(flags);
  const fingerprint = settings && settingsFingerprint(settings, runnable);
  await deps.store.upsertInstance({
    account,
    offeringReference: deps.config.fourme.offeringReference,
    appInstanceId: info.id,
    ...flags,
    ...(fieldsAvailable ? { settings, settingsFingerprint: fingerprint } : {}),
  });
  const cloudsChanged = fieldsAvailable && (await showOfferedClouds(info.id, info.customFields, deps, log));
  if (!settings) {
    log.warn("the app instance has no custom field values yet; settings not stored");
    return "fields-not-available";
  }

  const tenantsChanged = tenantKey(before.settings?.tenants) !== tenantKey(settings.tenants);
  const settingsChanged = fingerprint !== before.settingsFingerprint;
  // Clouds this deployment gained or lost an app registration in change what each tenant's check finds.
  if (tenantsChanged || (cloudsChanged && settings.tenants.length > 0)) {
    await deps.queue.enqueue("validate-tenants", { account, trigger }, { singletonKey: account });
  }
  if (runnable && settingsChanged) await deps.queue.enqueue("sync", { account, trigger }, { singletonKey: account });
  log.info({ tenantsChanged, cloudsChanged, runnable, settingsChanged }, "app instance refreshed");
  return { tenantsChanged, runnable, settingsChanged };
}

/** The settings with the alert references resolved (never the text typed, which 4me would refuse as an id). */
async function withReferences(
  account: string,
  info: AppInstanceInfo,
  settings: InstanceSettings,
  deps: RefreshInstanceDeps,
): Promise<InstanceSettings> {
  if (!deps.alertReferences) return settings;
  const { alerts, problem, status } = await resolveAlertReferences(
    settings.alerts,
    deps.alertReferences.lookup(account),
  );
  // Written only when it changed: 4me echoes the write as app_instance.update, which refreshes again.
  const shown = info.customFields.find((f) => f.id === Field.alertsReferences)?.value ?? "";
  if (status !== shown) await deps.alertReferences.writeStatus(info.id, status);
  return { ...settings, alerts: problem ? { ...alerts, referenceProblem: problem } : alerts };
}

export function createRefreshInstanceJob(deps: RefreshInstanceDeps): JobHandler {
  return async (data) => {
    await refreshInstance(data.account, data.trigger, deps);
  };
}

async function showOfferedClouds(
  appInstanceId: string,
  fields: CustomFieldValue[],
  deps: RefreshInstanceDeps,
  log: Logger,
): Promise<boolean> {
  const stale = deps.config.microsoft && staleOfferedClouds(deps.config.microsoft, fields);
  if (!stale || !deps.writer) return false;
  try {
    await deps.writer.updateAppInstance(appInstanceId, { customFields: [stale] });
  } catch (err) {
    log.warn({ err: (err as Error).message }, "offered clouds not written to the app instance");
  }
  return true;
}

function tenantKey(tenants: TenantSetting[] | undefined): string {
  return JSON.stringify([...(tenants ?? [])].sort((a, b) => a.slot - b.slot).map((t) => [t.slot, t.domain, t.cloud]));
}
