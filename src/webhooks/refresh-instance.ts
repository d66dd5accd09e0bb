// The 'refresh-instance' job: re-reads an app instance from the provider account (flags and custom fields), stores
// its settings, and queues what the change calls for. Runs off the webhook request: app_instance.create/update and
// secrets-update queue it. 4me can deliver the webhook before the new custom field values are readable, so an
// instance without custom fields keeps the settings it had. It also brings the form's list of offered clouds up to
// date (written only when it differs, so the write's own update event writes nothing), and has the tenants checked
// again when that list changed (the operator configured or removed a cloud's app registration).
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
import type { AppInstanceReader } from "./types.js";

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
}

export type RefreshOutcome =
  "no-instance" | "not-in-4me" | "fields-not-available" | { tenantsChanged: boolean; runnable: boolean };

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
    ? parseSettings(info.customFields, deps.config.sync)
    : before.settings;
  const after = await deps.store.upsertInstance({
    account,
    offeringReference: deps.config.fourme.offeringReference,
    appInstanceId: info.id,
    disabled: info.disabled,
    suspended: info.suspended,
    enabledByCustomer: info.enabledByCustomer,
    ...(fieldsAvailable ? { settings } : {}),
  });
  const cloudsChanged = fieldsAvailable && (await showOfferedClouds(info.id, info.customFields, deps, log));
  if (!settings) {
    log.warn("the app instance has no custom field values yet; settings not stored");
    return "fields-not-available";
  }

  const tenantsChanged = tenantKey(before.settings?.tenants) !== tenantKey(settings.tenants);
  const runnable = isRunnable(after);
  // Clouds this deployment gained or lost an app registration in change what each tenant's check finds.
  if (tenantsChanged || (cloudsChanged && settings.tenants.length > 0)) {
    await deps.queue.enqueue("validate-tenants", { account, trigger }, { singletonKey: account });
  }
  if (runnable) await deps.queue.enqueue("sync", { account, trigger }, { singletonKey: account });
  log.info({ tenantsChanged, cloudsChanged, runnable }, "app instance refreshed");
  return { tenantsChanged, runnable };
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
