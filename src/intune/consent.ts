// Microsoft's v2 admin-consent link (microsoft-graph-intune.md §4.2) and what its callback's error parameters mean
// to an administrator. Pure apart from signing the state.
import type { Config } from "../config.js";
import { cloudEndpoints, type Cloud } from "./clouds.js";
import { createConsentState, type StateKeys } from "./consent-state.js";

export const CONSENT_CALLBACK_PATH = "/consent/callback";

export interface AdminConsentUrlInput {
  cloud: Cloud;
  /** The tenant id when known (Microsoft's advice), else the domain. Never `common`. */
  tenant: string;
  clientId: string;
  publicUrl: string;
  state: string;
  microsoft?: Config["microsoft"];
}

export function adminConsentUrl(input: AdminConsentUrlInput): string {
  const { loginUrl, graphScope } = cloudEndpoints(input.cloud, input.microsoft ?? {});
  const query = new URLSearchParams({
    client_id: input.clientId,
    scope: graphScope,
    redirect_uri: `${input.publicUrl.replace(/\/$/, "")}${CONSENT_CALLBACK_PATH}`,
    state: input.state,
  });
  return `${loginUrl}/${encodeURIComponent(input.tenant)}/v2.0/adminconsent?${query}`;
}

export interface ConsentLinkDeps {
  config: Pick<Config, "publicUrl" | "microsoft">;
  stateKeys: StateKeys;
  clock?: () => Date;
}

/** A fresh consent link for one tenant slot of an app instance, with its own single-use state. */
export async function consentLink(
  deps: ConsentLinkDeps,
  target: { account: string; appInstanceId: string; slot: number; domain: string; cloud: Cloud; tenantId?: string },
): Promise<string> {
  const clientId = deps.config.microsoft.clientId;
  if (!clientId) throw new Error("MS_CLIENT_ID is not set: no consent link can be made");
  const { token } = await createConsentState(
    {
      account: target.account,
      appInstanceId: target.appInstanceId,
      slot: target.slot,
      domain: target.domain,
      cloud: target.cloud,
    },
    deps.stateKeys,
    (deps.clock ?? (() => new Date()))(),
  );
  return adminConsentUrl({
    cloud: target.cloud,
    tenant: target.tenantId ?? target.domain,
    clientId,
    publicUrl: deps.config.publicUrl,
    state: token,
    microsoft: deps.config.microsoft,
  });
}

export type ConsentErrorKind = "declined" | "cancelled" | "wrong_directory" | "consent_required" | "denied" | "other";

/**
 * The callback's `error`, `error_subcode` and `error_description` as a reason an administrator understands.
 * Codes: AADSTS65004 declined, AADSTS50020 account from another directory, `error_subcode=cancel` sign-in cancelled.
 */
export function describeConsentError(
  params: { error: string; errorSubcode?: string; errorDescription?: string },
  domain: string,
): { kind: ConsentErrorKind; reason: string } {
  const desc = params.errorDescription ?? "";
  const code = /AADSTS(\d+)/.exec(desc)?.[1];
  if (params.errorSubcode === "cancel") {
    return { kind: "cancelled", reason: "sign-in was cancelled before consent was given; open the consent link again" };
  }
  if (code === "65004") {
    return {
      kind: "declined",
      reason: "the administrator declined to consent (AADSTS65004); open the consent link again to accept",
    };
  }
  if (code === "50020") {
    return {
      kind: "wrong_directory",
      reason: `the account used to sign in is not from the ${domain} directory (AADSTS50020): sign in with an administrator of ${domain}`,
    };
  }
  if (params.error === "consent_required" || code === "65001") {
    return {
      kind: "consent_required",
      reason: "admin consent is required: sign in with a Global or Privileged Role Administrator",
    };
  }
  const first = desc.split(/\r?\n/)[0].replace(/\s+/g, " ").trim().slice(0, 200);
  if (params.error === "access_denied") {
    return { kind: "denied", reason: `access was denied${first ? `: ${first}` : ""}` };
  }
  return {
    kind: "other",
    reason: `Microsoft Entra ID reported ${params.error.slice(0, 60)}${first ? `: ${first}` : ""}`,
  };
}
