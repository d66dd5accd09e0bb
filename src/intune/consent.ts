// The links that connect a tenant, and what Microsoft's error answers mean to an administrator. The form's link
// starts with an administrator's sign-in (sign-in-link.ts); once the sign-in proved the tenant, the callback sends
// the browser on to Microsoft's v2 admin-consent page (microsoft-graph-intune.md §4.2). Pure apart from signing.
import type { Config } from "../config.js";
import { cloudEndpoints, type Cloud } from "./clouds.js";
import { createConsentState, type StateKeys } from "./consent-state.js";
import { entraAppFor } from "./entra-apps.js";
import { callbackUrl, codeChallengeOf, codeVerifierFor, signInUrl } from "./sign-in-link.js";

export { CONSENT_CALLBACK_PATH } from "./sign-in-link.js";

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
    redirect_uri: callbackUrl(input.publicUrl),
    state: input.state,
  });
  return `${loginUrl}/${encodeURIComponent(input.tenant)}/v2.0/adminconsent?${query}`;
}

export interface ConsentLinkDeps {
  config: Pick<Config, "publicUrl" | "microsoft">;
  stateKeys: StateKeys;
  clock?: () => Date;
}

export interface ConsentTarget {
  account: string;
  appInstanceId: string;
  slot: number;
  domain: string;
  cloud: Cloud;
  tenantId?: string;
}

/** The client id of the connector's app in the tenant's cloud (NoEntraAppError when this deployment has none). */
function clientIdOf(deps: ConsentLinkDeps, cloud: Cloud): string {
  return entraAppFor(deps.config.microsoft, cloud).clientId;
}

/**
 * The link the form shows for one tenant slot: an administrator of the tenant signs in, with its own single-use
 * state. Connecting starts here every time: only a verified sign-in binds a tenant to an account.
 */
export async function consentLink(deps: ConsentLinkDeps, target: ConsentTarget): Promise<string> {
  const clientId = clientIdOf(deps, target.cloud);
  const { token, state } = await createConsentState(
    { ...target, phase: "sign_in" },
    deps.stateKeys,
    (deps.clock ?? (() => new Date()))(),
  );
  return signInUrl({
    cloud: target.cloud,
    tenant: target.tenantId ?? target.domain,
    clientId,
    publicUrl: deps.config.publicUrl,
    state: token,
    nonce: state.nonce,
    codeChallenge: codeChallengeOf(codeVerifierFor(deps.stateKeys, state.kid, state.nonce)),
    domainHint: target.domain,
    microsoft: deps.config.microsoft,
  });
}

/** The admin-consent page for a tenant a sign-in proved, with a state that names that tenant. */
export async function adminConsentLink(
  deps: ConsentLinkDeps,
  target: ConsentTarget & { tenantId: string },
): Promise<string> {
  const { token } = await createConsentState(
    { ...target, phase: "admin_consent" },
    deps.stateKeys,
    (deps.clock ?? (() => new Date()))(),
  );
  return adminConsentUrl({
    cloud: target.cloud,
    tenant: target.tenantId,
    clientId: clientIdOf(deps, target.cloud),
    publicUrl: deps.config.publicUrl,
    state: token,
    microsoft: deps.config.microsoft,
  });
}

export type ConsentErrorKind =
  "declined" | "cancelled" | "wrong_directory" | "consent_required" | "blocked" | "denied" | "other";

const KNOWN_CODES: Record<string, { kind: ConsentErrorKind; reason: (domain: string) => string }> = {
  "65004": {
    kind: "declined",
    reason: () => "the administrator declined to consent (AADSTS65004); open the consent link again to accept",
  },
  "50020": {
    kind: "wrong_directory",
    reason: (d) =>
      `the account used to sign in is not from the ${d} directory (AADSTS50020): sign in with an administrator of ${d}`,
  },
  "65001": {
    kind: "consent_required",
    reason: () =>
      "admin consent is required (AADSTS65001): sign in with a Global Administrator or Privileged Role Administrator",
  },
  "90094": {
    kind: "consent_required",
    reason: () =>
      "this needs an administrator's consent (AADSTS90094): sign in with a Global Administrator or Privileged Role Administrator",
  },
  "50105": {
    kind: "blocked",
    reason: (d) => `the account used is not assigned to the connector's app in ${d} (AADSTS50105)`,
  },
  "53003": {
    kind: "blocked",
    reason: (d) => `a Conditional Access policy of ${d} blocked the sign-in (AADSTS53003)`,
  },
  "50076": {
    kind: "blocked",
    reason: () => "Microsoft asked for multi-factor authentication that was not completed (AADSTS50076); try again",
  },
  "700016": {
    kind: "blocked",
    reason: (d) => `the connector's app is not known in ${d}'s cloud (AADSTS700016): its operator must check it`,
  },
};

/**
 * The callback's `error`, `error_subcode` and `error_description` as our own sentence. Microsoft's description is
 * never shown: anyone can put text into a redirect, and the form must not carry it. Only the AADSTS code is read.
 */
export function describeConsentError(
  params: { error: string; errorSubcode?: string; errorDescription?: string },
  domain: string,
): { kind: ConsentErrorKind; reason: string } {
  const code = /AADSTS(\d{4,7})\b/.exec(params.errorDescription ?? "")?.[1];
  if (params.errorSubcode === "cancel") {
    return { kind: "cancelled", reason: "sign-in was cancelled before consent was given; open the consent link again" };
  }
  const known = code ? KNOWN_CODES[code] : undefined;
  if (known) return { kind: known.kind, reason: known.reason(domain) };
  if (params.error === "consent_required") return { kind: "consent_required", reason: KNOWN_CODES["65001"].reason("") };
  if (code)
    return { kind: params.error === "access_denied" ? "denied" : "other", reason: `consent failed (AADSTS${code})` };
  const error = /^[a-z_]{1,40}$/.test(params.error) ? params.error : "an error";
  return { kind: params.error === "access_denied" ? "denied" : "other", reason: `consent failed (${error})` };
}
