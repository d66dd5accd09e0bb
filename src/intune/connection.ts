// Connecting the tenants an administrator typed into the app instance's form ('validate-tenants' job): resolve each
// domain on its cloud, find out whether the connector already has access, record the outcome in the store and
// write status and consent link back to the app instance. Several tenants per account, each with its own cloud.
import type { Config } from "../config.js";
import { AppError, AuthorizationError, ErrorCode } from "../errors.js";
import { silentLogger } from "../logger.js";
import type { InstanceRecord, InstanceStore, TenantRecord, TenantStatus } from "../store/types.js";
import type { CustomFieldValue } from "../app-instance/settings.js";
import { consentLink } from "./consent.js";
import type { StateKeys } from "./consent-state.js";
import { checkTenantAccess, type IntuneDeps } from "./intune-client.js";
import { entraClouds, noEntraAppReason, offeredCloudsField } from "./entra-apps.js";
import { discoverTenant } from "./tenant-discovery.js";
import { claimedReason, confirmReason, isMovedReason, ownershipOf } from "./tenant-ownership.js";
import { clearedTenantFields, tenantFields, type AppInstanceWriter } from "./tenant-fields.js";
import { CONSENT_MISSING_REASON, EntraAuthorizationError } from "./tokens.js";

export interface ConnectionDeps extends Omit<IntuneDeps, "microsoft"> {
  config: Pick<Config, "publicUrl" | "microsoft" | "fourme">;
  store: InstanceStore;
  writer: AppInstanceWriter;
  stateKeys: StateKeys;
  clock?: () => Date;
}

export interface TenantConnection {
  slot: number;
  domain: string;
  status: TenantStatus;
  tenantId?: string;
  reason?: string;
  consentUrl?: string;
  /** The failure may pass by itself (Entra unreachable): the job may run again later. */
  retryable: boolean;
}

export function intuneDepsOf(deps: ConnectionDeps): IntuneDeps {
  return { ...deps, microsoft: deps.config.microsoft };
}

async function requireInstance(store: InstanceStore, account: string): Promise<InstanceRecord> {
  const instance = await store.getInstance(account);
  if (!instance) throw new AppError(ErrorCode.NotFound, `no app instance for account ${account}`);
  return instance;
}

/** Writes fields to the app instance; a failed write is logged, not thrown: the store holds the truth. */
export async function writeBack(deps: ConnectionDeps, instance: InstanceRecord, fields: CustomFieldValue[]) {
  if (!instance.appInstanceId || fields.length === 0) return;
  try {
    await deps.writer.updateAppInstance(instance.appInstanceId, { customFields: fields });
  } catch (err) {
    (deps.logger ?? silentLogger).warn(
      { account: instance.account, err: (err as Error).message },
      "tenant status not written to the app instance",
    );
  }
}

export async function connectTenants(account: string, deps: ConnectionDeps): Promise<TenantConnection[]> {
  const instance = await requireInstance(deps.store, account);
  const wanted = instance.settings?.tenants ?? [];
  const stored = await deps.store.listTenants(account);
  const results: TenantConnection[] = [];
  const fields: CustomFieldValue[] = [];

  for (const t of wanted) {
    const prev = stored.find((s) => s.slot === t.slot);
    const result = await connectOne(deps, instance, t, prev);
    await deps.store.upsertTenant({
      account,
      slot: t.slot,
      domain: t.domain,
      cloud: t.cloud,
      tenantId: result.tenantId,
      status: result.status,
      reason: result.reason,
    });
    fields.push(...tenantFields(t.slot, result.status, result.reason, result.consentUrl));
    results.push(result);
  }
  for (const s of stored) {
    if (!wanted.some((t) => t.slot === s.slot)) {
      await deps.store.deleteTenant(account, s.slot);
      fields.push(...clearedTenantFields(s.slot));
    }
  }
  // The form's list of clouds rides along with the statuses (refresh-instance writes it when it is stale).
  if (fields.length > 0) fields.push(offeredCloudsField(deps.config.microsoft));
  await writeBack(deps, instance, fields);
  return results;
}

async function connectOne(
  deps: ConnectionDeps,
  instance: InstanceRecord,
  t: { slot: number; domain: string; cloud: TenantRecord["cloud"] },
  prev: TenantRecord | undefined,
): Promise<TenantConnection> {
  const base = { slot: t.slot, domain: t.domain };
  // Without an app registration in the tenant's cloud nothing can be asked of Microsoft there: say so, call nothing.
  if (!entraClouds(deps.config.microsoft).includes(t.cloud)) {
    return { ...base, status: "failed", reason: noEntraAppReason(t.cloud), retryable: false };
  }
  const found = await discoverTenant(t.domain, t.cloud, { microsoft: deps.config.microsoft, fetch: deps.fetch });
  if (!found.ok) {
    return { ...base, status: "failed", reason: found.reason, retryable: found.kind === "unreachable" };
  }
  const tenantId = found.tenantId;
  const link = () =>
    consentLink(deps, { account: instance.account, appInstanceId: instance.appInstanceId ?? "", ...t, tenantId });
  // Naming a tenant proves nothing (issue 13): only a binding made by a verified administrator's sign-in for this
  // account lets the connector read it, whatever access the connector has to the tenant.
  const own = ownershipOf(await deps.store.getTenantBinding(tenantId), instance.account, instance.appInstanceId);
  if (own.kind !== "ours") {
    const moved = own.kind === "other" && prev?.tenantId === tenantId && isMovedReason(prev.reason);
    const reason =
      own.kind === "other"
        ? moved
          ? prev!.reason
          : claimedReason(t.domain)
        : prev?.status === "connected" && prev.tenantId === tenantId
          ? confirmReason(t.domain)
          : undefined;
    return { ...base, tenantId, status: "pending_consent", reason, consentUrl: await link(), retryable: false };
  }
  const access = await checkTenantAccess({ tenantId, cloud: t.cloud }, intuneDepsOf(deps));
  if (access.ok) return { ...base, tenantId, status: "connected", retryable: false };

  const sameTenant = prev?.tenantId === tenantId && prev?.cloud === t.cloud && prev?.domain === t.domain;
  switch (access.kind) {
    case "consent":
    case "permission":
      // Never connected: consent is simply the next step. Connected before: consent was revoked.
      return prev?.status === "connected" && sameTenant
        ? { ...base, tenantId, status: "failed", reason: access.reason, consentUrl: await link(), retryable: false }
        : { ...base, tenantId, status: "pending_consent", consentUrl: await link(), retryable: false };
    case "credentials":
    case "tenant":
      return { ...base, tenantId, status: "failed", reason: access.reason, retryable: false };
    default: {
      const reason = `access could not be checked (${access.reason}); the connector tries again`;
      const consentUrl = prev?.status === "connected" && sameTenant ? undefined : await link();
      return { ...base, tenantId, status: "failed", reason, consentUrl, retryable: true };
    }
  }
}

/**
 * A sync or alert run hit Graph 401/403 or an Entra consent error: the tenant is failed with a reason that says
 * what to do, and a fresh consent link when consent is what is missing. The run stops for that tenant; no retries.
 */
export async function recordAuthorizationFailure(
  account: string,
  tenantId: string,
  err: AuthorizationError,
  deps: ConnectionDeps,
): Promise<TenantRecord | undefined> {
  const instance = await requireInstance(deps.store, account);
  const tenant = (await deps.store.listTenants(account)).find((t) => t.tenantId === tenantId);
  if (!tenant) return undefined;
  const operatorProblem = err instanceof EntraAuthorizationError && err.kind !== "consent";
  const reason = operatorProblem ? err.message : CONSENT_MISSING_REASON;
  const consentUrl = operatorProblem
    ? undefined
    : await consentLink(deps, { ...tenant, appInstanceId: instance.appInstanceId ?? "", tenantId });
  const saved = await deps.store.upsertTenant({ ...withoutUpdatedAt(tenant), status: "failed", reason });
  await writeBack(deps, instance, tenantFields(tenant.slot, "failed", reason, consentUrl));
  return saved;
}

export function withoutUpdatedAt(t: TenantRecord): Omit<TenantRecord, "updatedAt"> {
  const { updatedAt: _u, ...rest } = t;
  return rest;
}
