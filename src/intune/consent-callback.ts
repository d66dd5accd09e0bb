// GET /consent/callback, without HTTP: verify the state, then turn Microsoft's answer into a tenant status.
// A missing, forged, expired or replayed state changes nothing. The `tenant` parameter is never trusted on its
// own (ENTRA v2-admin-consent warning): it must equal the resolved tenant id, and a token must prove the access.
import { accountUrl } from "../fourme/endpoints.js";
import type { TenantRecord } from "../store/types.js";
import { consentLink, describeConsentError } from "./consent.js";
import { ConsentStateError, verifyConsentState, type ConsentState } from "./consent-state.js";
import { intuneDepsOf, withoutUpdatedAt, writeBack, type ConnectionDeps } from "./connection.js";
import { checkTenantAccess } from "./intune-client.js";
import { cloudName, discoverTenant } from "./tenant-discovery.js";
import { tenantFields } from "./tenant-fields.js";

export interface ConsentCallbackDeps extends ConnectionDeps {
  /** Token attempts that wait out consent propagation (default 3, waits through `sleep`). */
  propagationAttempts?: number;
  /** Called once a tenant is connected, e.g. to queue a breakdown or a first sync. Failures are logged. */
  onConnected?: (account: string, tenant: TenantRecord) => void | Promise<void>;
}

export type ConsentResult = "connected" | "failed" | "unchanged" | "rejected";

export interface ConsentOutcome {
  result: ConsentResult;
  title: string;
  message: string;
  /** Where the page links back to: the app instance in the customer's 4me account, when known. */
  backUrl?: string;
}

type Query = Record<string, unknown>;
const param = (q: Query, name: string) => (typeof q[name] === "string" ? (q[name] as string) : undefined);

export async function handleConsentCallback(query: Query, deps: ConsentCallbackDeps): Promise<ConsentOutcome> {
  const now = (deps.clock ?? (() => new Date()))();
  const back = (s: Pick<ConsentState, "account" | "appInstanceId">) =>
    s.appInstanceId
      ? `${accountUrl(deps.config.fourme.accountUrlTemplate, s.account)}/app_instances/${encodeURIComponent(s.appInstanceId)}`
      : accountUrl(deps.config.fourme.accountUrlTemplate, s.account);
  const rejected = (message: string, backUrl?: string): ConsentOutcome => ({
    result: "rejected",
    title: "Consent link not accepted",
    message: `${message} Nothing was changed.`,
    backUrl,
  });

  let state: ConsentState;
  try {
    state = await verifyConsentState(param(query, "state"), deps.stateKeys, now);
  } catch (err) {
    const e = err as ConsentStateError;
    if (e.failure === "missing") {
      return rejected("The answer from Microsoft carried no state, so it cannot be tied to a 4me app instance.");
    }
    if (e.failure === "expired") {
      return rejected(
        "This consent link has expired (links are valid for one hour). Open the app instance in 4me for a fresh link.",
        e.expired ? back(e.expired) : undefined,
      );
    }
    return rejected("This consent link was not issued by this connector, or was altered.");
  }
  const backUrl = back(state);
  if (!(await deps.store.rememberOnce("consent", state.nonce, state.expiresAt))) {
    return rejected("This consent link was already used. Open the app instance in 4me for a fresh link.", backUrl);
  }

  const instance = await deps.store.getInstance(state.account);
  const tenant = (await deps.store.listTenants(state.account)).find((t) => t.slot === state.slot);
  if (!instance || (instance.appInstanceId ?? "") !== state.appInstanceId) {
    return rejected("The 4me app instance of this link no longer exists.", backUrl);
  }
  if (!tenant || tenant.domain !== state.domain || tenant.cloud !== state.cloud) {
    return rejected(`The tenant ${state.domain} is no longer configured in this app instance.`, backUrl);
  }
  const log = deps.logger?.child({ account: state.account, slot: state.slot });
  const save = async (status: TenantRecord["status"], reason?: string, tenantId = tenant.tenantId) => {
    const saved = await deps.store.upsertTenant({ ...withoutUpdatedAt(tenant), tenantId, status, reason });
    const link =
      status === "connected" ? undefined : await consentLink(deps, { ...state, tenantId: tenantId ?? undefined });
    await writeBack(deps, instance, tenantFields(state.slot, status, reason, link));
    return saved;
  };
  const failed = async (reason: string, tenantId?: string): Promise<ConsentOutcome> => {
    log?.info({ reason }, "tenant consent failed");
    if (tenant.status === "connected") {
      return {
        result: "unchanged",
        title: "Consent not given",
        message: `${capitalize(reason)}. The existing connection to ${state.domain} is unchanged.`,
        backUrl,
      };
    }
    await save("failed", reason, tenantId);
    return { result: "failed", title: `${state.domain} is not connected`, message: `${capitalize(reason)}.`, backUrl };
  };

  const error = param(query, "error");
  if (error) {
    const { reason } = describeConsentError(
      { error, errorSubcode: param(query, "error_subcode"), errorDescription: param(query, "error_description") },
      state.domain,
    );
    return failed(reason);
  }
  if (param(query, "admin_consent")?.toLowerCase() !== "true" || !param(query, "tenant")) {
    return failed("Microsoft's answer confirmed no admin consent");
  }

  let tenantId = tenant.tenantId;
  if (!tenantId) {
    const found = await discoverTenant(state.domain, state.cloud, {
      microsoft: deps.config.microsoft,
      fetch: deps.fetch,
    });
    if (!found.ok) return failed(found.reason);
    tenantId = found.tenantId;
  }
  if (param(query, "tenant")!.toLowerCase() !== tenantId.toLowerCase()) {
    return failed(
      `consent was given in another directory (${param(query, "tenant")!.slice(0, 64)}), not in ${state.domain}: sign in with an administrator of ${state.domain}`,
      tenantId,
    );
  }
  const access = await checkTenantAccess({ tenantId, cloud: state.cloud }, intuneDepsOf(deps), {
    attempts: deps.propagationAttempts ?? 3,
  });
  if (!access.ok) return failed(access.reason, tenantId);

  const saved = await save("connected", undefined, tenantId);
  log?.info({ tenantId }, "tenant connected");
  try {
    await deps.onConnected?.(state.account, saved);
  } catch (err) {
    log?.warn({ err: (err as Error).message }, "after-connect hook failed");
  }
  return {
    result: "connected",
    title: `${state.domain} is connected`,
    message: `The connector can now read Intune devices of ${state.domain} (${cloudName(state.cloud)} cloud).`,
    backUrl,
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
