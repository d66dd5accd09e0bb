// The admin-consent page's answer (GET /consent/callback?admin_consent=True&tenant=…&state=…). Microsoft does not sign
// it and tenant ids are public, so it proves nothing by itself: it may only confirm consent for the tenant that the
// sign-in before it proved (the state names it), still bound to this account. Its `tenant` is compared, never used.
import { describeConsentError } from "./consent.js";
import {
  param,
  type CallbackContext,
  type ConsentCallbackDeps,
  type ConsentOutcome,
  type Params,
} from "./consent-callback.js";
import { intuneDepsOf } from "./connection.js";
import { checkTenantAccess } from "./intune-client.js";
import { ownershipOf } from "./tenant-ownership.js";

export async function handleAdminConsentAnswer(
  params: Params,
  ctx: CallbackContext,
  deps: ConsentCallbackDeps,
): Promise<ConsentOutcome> {
  const { state, tenant } = ctx;
  const tenantId = state.tenantId!;
  const answered = param(params, "tenant");
  if (answered !== undefined && answered.toLowerCase() !== tenantId) {
    return ctx.rejected(`Microsoft's answer names another directory than ${state.domain}, which the sign-in proved.`);
  }
  if (tenant.tenantId && tenant.tenantId.toLowerCase() !== tenantId) {
    return ctx.rejected(
      `The tenant ${state.domain} now resolves to another directory; open the app instance for a fresh link.`,
    );
  }
  const own = ownershipOf(await deps.store.getTenantBinding(tenantId), state.account, state.appInstanceId);
  if (own.kind !== "ours") {
    return ctx.rejected(
      `${state.domain} is no longer bound to this 4me account: an administrator of ${state.domain} must sign in again.`,
    );
  }
  if (!(await ctx.spend())) {
    return ctx.rejected("This consent link was already used. Open the app instance in 4me for a fresh link.");
  }

  const error = param(params, "error");
  if (error) {
    const { reason } = describeConsentError(
      { error, errorSubcode: param(params, "error_subcode"), errorDescription: param(params, "error_description") },
      state.domain,
    );
    return ctx.failed(reason, tenantId);
  }
  if (param(params, "admin_consent")?.toLowerCase() !== "true") {
    return ctx.failed("Microsoft's answer confirmed no admin consent", tenantId);
  }
  // Whatever the answer says, only a token for the proven tenant shows the consent is there.
  const access = await checkTenantAccess({ tenantId, cloud: state.cloud }, intuneDepsOf(deps), {
    attempts: deps.propagationAttempts ?? 3,
  });
  if (!access.ok) return ctx.failed(access.reason, tenantId);
  return ctx.connected(tenantId);
}
