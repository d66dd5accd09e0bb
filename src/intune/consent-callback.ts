// The consent callback, without HTTP: Microsoft sends the administrator back here twice (issue 13). First with the
// answer of the sign-in (POST, form_post: a code), which proves who acts for the tenant (sign-in-answer.ts); then, when
// the tenant has not consented yet, with the answer of the admin-consent page (GET: admin_consent, tenant), which
// Microsoft does not sign, so it only ever confirms the tenant the sign-in proved (admin-consent-answer.ts).
// A missing, forged, expired or replayed state changes nothing, and a state is spent only by an answer that checked out.
import { accountUrl } from "../fourme/endpoints.js";
import type { Logger } from "../logger.js";
import type { InstanceRecord, TenantRecord } from "../store/types.js";
import { handleAdminConsentAnswer } from "./admin-consent-answer.js";
import { consentLink } from "./consent.js";
import { ConsentStateError, verifyConsentState, type ConsentState } from "./consent-state.js";
import { withoutUpdatedAt, writeBack, type ConnectionDeps } from "./connection.js";
import { handleSignInAnswer } from "./sign-in-answer.js";
import { tenantFields } from "./tenant-fields.js";
import { cloudName } from "./clouds.js";
import { entraClouds } from "./entra-apps.js";

export interface ConsentCallbackDeps extends ConnectionDeps {
  /** Token attempts that wait out consent propagation (default 3, waits through `sleep`). */
  propagationAttempts?: number;
  /** Called once a tenant is connected, e.g. to queue a breakdown or a first sync. Failures are logged. */
  onConnected?: (account: string, tenant: TenantRecord) => void | Promise<void>;
}

export type ConsentResult = "connected" | "failed" | "unchanged" | "rejected" | "redirect";

export interface ConsentOutcome {
  result: ConsentResult;
  title: string;
  message: string;
  /** Where the page links back to: the app instance in the customer's 4me account, when known. */
  backUrl?: string;
  /** HTTP status of the page (default: 400 when rejected, 200 otherwise). */
  status?: number;
  /** With result "redirect": where the browser goes next (Microsoft's admin-consent page). */
  location?: string;
}

export type Params = Record<string, unknown>;
export const param = (q: Params, name: string) => (typeof q[name] === "string" ? (q[name] as string) : undefined);

/** What both answers work with once the state checked out and its slot still exists. */
export interface CallbackContext {
  state: ConsentState;
  instance: InstanceRecord;
  tenant: TenantRecord;
  backUrl: string;
  log?: Logger;
  rejected(message: string, status?: number): ConsentOutcome;
  /** Spends the state; false when it was already spent (a replay). */
  spend(): Promise<boolean>;
  /** Records a slot's status and writes it, with a fresh sign-in link unless connected, to the form. */
  save(status: TenantRecord["status"], reason?: string, tenantId?: string): Promise<TenantRecord>;
  /** A failure: recorded in the form unless the tenant is connected, which it leaves as it is. */
  failed(reason: string, tenantId?: string): Promise<ConsentOutcome>;
  connected(tenantId: string): Promise<ConsentOutcome>;
}

export async function handleConsentCallback(
  params: Params,
  method: "GET" | "POST",
  deps: ConsentCallbackDeps,
): Promise<ConsentOutcome> {
  const now = (deps.clock ?? (() => new Date()))();
  const back = (s: Pick<ConsentState, "account" | "appInstanceId">) =>
    s.appInstanceId
      ? `${accountUrl(deps.config.fourme.accountUrlTemplate, s.account)}/app_instances/${encodeURIComponent(s.appInstanceId)}`
      : accountUrl(deps.config.fourme.accountUrlTemplate, s.account);
  const rejected = (message: string, backUrl?: string, status = 400): ConsentOutcome => ({
    result: "rejected",
    title: "Consent link not accepted",
    message: `${message} Nothing was changed.`,
    backUrl,
    status,
  });

  let state: ConsentState;
  try {
    state = await verifyConsentState(param(params, "state"), deps.stateKeys, now);
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
  // The sign-in's code comes in a POST body (form_post), never in a URL; the admin-consent page answers with a GET.
  if ((state.phase === "sign_in") !== (method === "POST")) {
    return rejected("This answer did not come the way Microsoft sends it for this step.", backUrl);
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
  const save: CallbackContext["save"] = async (status, reason, tenantId = tenant.tenantId) => {
    const saved = await deps.store.upsertTenant({ ...withoutUpdatedAt(tenant), tenantId, status, reason });
    // No link while this deployment has no app in the tenant's cloud: the reason says so.
    const linkable = status !== "connected" && entraClouds(deps.config.microsoft).includes(state.cloud);
    const link = linkable ? await consentLink(deps, { ...state, tenantId }) : undefined;
    await writeBack(deps, instance, tenantFields(state.slot, status, reason, link));
    return saved;
  };
  const ctx: CallbackContext = {
    state,
    instance,
    tenant,
    backUrl,
    log,
    rejected: (message, status) => rejected(message, backUrl, status),
    spend: () => deps.store.rememberOnce("consent", state.nonce, state.expiresAt),
    save,
    async failed(reason, tenantId) {
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
      return {
        result: "failed",
        title: `${state.domain} is not connected`,
        message: `${capitalize(reason)}.`,
        backUrl,
      };
    },
    async connected(tenantId) {
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
    },
  };
  return state.phase === "sign_in"
    ? handleSignInAnswer(params, ctx, deps)
    : handleAdminConsentAnswer(params, ctx, deps);
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
