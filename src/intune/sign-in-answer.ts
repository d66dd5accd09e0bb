// The sign-in's answer (POST /consent/callback, form_post): the code is redeemed with the connector's credential and
// PKCE verifier, the ID token verified (id-token.ts), and the user must hold a directory role that can grant consent
// in the tenant the link was made for. Only then is the tenant bound to this account, taken from any account that held
// it (that account's slot then says the tenant moved). Consent already there connects at once; otherwise the browser
// goes on to Microsoft's admin-consent page for the proven tenant.
import type { TenantBinding } from "../store/types.js";
import { consentingRoleOf } from "./admin-roles.js";
import { redeemSignInCode } from "./code-redemption.js";
import { adminConsentLink, consentLink, describeConsentError } from "./consent.js";
import {
  param,
  type CallbackContext,
  type ConsentCallbackDeps,
  type ConsentOutcome,
  type Params,
} from "./consent-callback.js";
import { intuneDepsOf, withoutUpdatedAt, writeBack } from "./connection.js";
import { entraAppFor, entraClouds, noEntraAppReason } from "./entra-apps.js";
import { IdTokenError, verifyIdToken } from "./id-token.js";
import { checkTenantAccess } from "./intune-client.js";
import { callbackUrl, codeVerifierFor } from "./sign-in-link.js";
import { discoverTenant } from "./tenant-discovery.js";
import { movedReason } from "./tenant-ownership.js";
import { tenantFields } from "./tenant-fields.js";

export async function handleSignInAnswer(
  params: Params,
  ctx: CallbackContext,
  deps: ConsentCallbackDeps,
): Promise<ConsentOutcome> {
  const { state, tenant } = ctx;
  const error = param(params, "error");
  if (error) {
    if (!(await ctx.spend())) return ctx.rejected("This consent link was already used.");
    const { reason } = describeConsentError(
      { error, errorSubcode: param(params, "error_subcode"), errorDescription: param(params, "error_description") },
      state.domain,
    );
    return ctx.failed(reason);
  }
  const code = param(params, "code");
  if (!code || code.length > 8192) return ctx.rejected("Microsoft's answer carried no sign-in code.");
  // The link was made while this deployment had an app in the cloud; the operator has removed it since.
  if (!entraClouds(deps.config.microsoft).includes(state.cloud)) {
    if (!(await ctx.spend())) return ctx.rejected("This consent link was already used.");
    return ctx.failed(noEntraAppReason(state.cloud));
  }

  // The directory the link was made for: the slot's, as resolved when the link was made.
  let tenantId = state.tenantId ?? tenant.tenantId?.toLowerCase();
  if (!tenantId) {
    const found = await discoverTenant(state.domain, state.cloud, {
      microsoft: deps.config.microsoft,
      fetch: deps.fetch,
    });
    if (!found.ok) return ctx.failed(found.reason);
    tenantId = found.tenantId;
  }
  if (tenant.tenantId && tenant.tenantId.toLowerCase() !== tenantId) {
    return ctx.rejected(
      `The tenant ${state.domain} now resolves to another directory; open the app instance for a fresh link.`,
    );
  }

  let signedIn;
  try {
    const idToken = await redeemSignInCode(
      {
        cloud: state.cloud,
        tenantId,
        code,
        codeVerifier: codeVerifierFor(deps.stateKeys, state.kid, state.nonce),
        redirectUri: callbackUrl(deps.config.publicUrl),
        nonce: state.nonce,
      },
      { microsoft: deps.config.microsoft, fetch: deps.fetch },
    );
    signedIn = await verifyIdToken(
      idToken,
      {
        cloud: state.cloud,
        tenantId,
        clientId: entraAppFor(deps.config.microsoft, state.cloud).clientId,
        nonce: state.nonce,
      },
      { microsoft: deps.config.microsoft, fetch: deps.fetch, now: deps.clock },
    );
  } catch (err) {
    const why = err instanceof IdTokenError ? err.message : signInFailure(err);
    ctx.log?.warn({ reason: why }, "tenant sign-in refused");
    return ctx.rejected(`The sign-in could not be verified: ${why}.`);
  }
  if (!(await ctx.spend())) return ctx.rejected("This consent link was already used.");

  const role = consentingRoleOf(signedIn.wids);
  if (!role) {
    const reason = `${signedIn.user} signed in, but is not an administrator of ${state.domain} who can grant consent: sign in with a Global Administrator or Privileged Role Administrator`;
    ctx.log?.info({ oid: signedIn.oid }, "tenant sign-in by a non-administrator; nothing changed");
    if (tenant.status !== "connected") await ctx.save("pending_consent", reason, tenantId);
    return {
      result: "rejected",
      title: "An administrator must sign in",
      message: `${reason}. Nothing was changed.`,
      backUrl: ctx.backUrl,
      status: 403,
    };
  }

  const { previous } = await deps.store.bindTenant({
    tenantId,
    cloud: state.cloud,
    account: state.account,
    appInstanceId: state.appInstanceId,
    boundBy: signedIn.oid,
  });
  ctx.log?.info(
    { tenantId, oid: signedIn.oid, role, movedFrom: previous?.account },
    "tenant bound by an administrator's sign-in",
  );
  if (previous) await markMoved(previous, state.domain, deps);

  const access = await checkTenantAccess({ tenantId, cloud: state.cloud }, intuneDepsOf(deps));
  if (access.ok) return ctx.connected(tenantId);
  if (access.kind === "consent" || access.kind === "permission") {
    await ctx.save("pending_consent", undefined, tenantId);
    return {
      result: "redirect",
      title: "Continue to admin consent",
      message: `${signedIn.user} is an administrator of ${state.domain}. Microsoft now asks for consent to the connector's read-only permissions.`,
      backUrl: ctx.backUrl,
      status: 303,
      location: await adminConsentLink(deps, { ...state, tenantId }),
    };
  }
  return ctx.failed(access.reason, tenantId);
}

/** The account that held a tenant before: its slots for the tenant say it moved, with a link to take it back. */
async function markMoved(previous: TenantBinding, domain: string, deps: ConsentCallbackDeps): Promise<void> {
  const instance = await deps.store.getInstance(previous.account);
  const slots = (await deps.store.listTenants(previous.account)).filter(
    (t) => t.tenantId?.toLowerCase() === previous.tenantId,
  );
  for (const slot of slots) {
    const reason = movedReason(slot.domain || domain);
    await deps.store.upsertTenant({ ...withoutUpdatedAt(slot), status: "pending_consent", reason });
    if (!instance) continue;
    const link = await consentLink(deps, {
      ...slot,
      account: previous.account,
      appInstanceId: instance.appInstanceId ?? "",
    });
    await writeBack(deps, instance, tenantFields(slot.slot, "pending_consent", reason, link));
  }
}

/** Our own sentence for a failed redemption: the AADSTS code when there is one, never Microsoft's text. */
function signInFailure(err: unknown): string {
  const code = /AADSTS(\d{4,7})/.exec(String((err as Error)?.message ?? ""))?.[1];
  return code
    ? `Microsoft Entra ID refused the sign-in code (AADSTS${code})`
    : "Microsoft Entra ID refused the sign-in code";
}
