// The first leg of connecting a tenant: an OpenID Connect sign-in (authorization code flow) of an administrator of
// that tenant, on the cloud's login host (Microsoft identity platform: "OpenID Connect on the Microsoft identity
// platform", "OAuth 2.0 authorization code flow"). Pure apart from hashing.
//  - response_mode=form_post: the code travels in a POST body, not in a URL that browsers, proxies and logs keep.
//  - PKCE (S256): the verifier is derived from the state's nonce with the state key, so nothing is stored per link and
//    a code taken from another browser cannot be redeemed with this state.
//  - prompt=select_account: the administrator picks the account deliberately rather than whoever is signed in.
import { createHash, createHmac } from "node:crypto";
import type { Config } from "../config.js";
import { cloudEndpoints, type Cloud } from "./clouds.js";
import type { StateKeys } from "./consent-state.js";

export const CONSENT_CALLBACK_PATH = "/consent/callback";
/** What the sign-in asks for: only who the user is; the ID token carries the tenant and the user's directory roles. */
export const SIGN_IN_SCOPES = ["openid", "profile"];

export function callbackUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, "")}${CONSENT_CALLBACK_PATH}`;
}

/** The PKCE verifier of a sign-in state: 43 base64url characters, as RFC 7636 asks. */
export function codeVerifierFor(keys: StateKeys, kid: string, nonce: string): string {
  const key = keys.byKid.get(kid);
  if (!key) throw new Error("no state key with that id");
  return createHmac("sha256", key).update(`pkce/v1/${nonce}`).digest("base64url");
}

export function codeChallengeOf(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

export interface SignInUrlInput {
  cloud: Cloud;
  /** The tenant id (or domain): a user of another directory cannot sign in there. */
  tenant: string;
  clientId: string;
  publicUrl: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  /** The tenant's domain, so the account picker suggests that directory's accounts. */
  domainHint?: string;
  microsoft?: Config["microsoft"];
}

export function signInUrl(input: SignInUrlInput): string {
  const { loginUrl } = cloudEndpoints(input.cloud, input.microsoft ?? {});
  const query = new URLSearchParams({
    client_id: input.clientId,
    response_type: "code",
    redirect_uri: callbackUrl(input.publicUrl),
    response_mode: "form_post",
    scope: SIGN_IN_SCOPES.join(" "),
    state: input.state,
    nonce: input.nonce,
    code_challenge: input.codeChallenge,
    code_challenge_method: "S256",
    prompt: "select_account",
    ...(input.domainHint ? { domain_hint: input.domainHint } : {}),
  });
  return `${loginUrl}/${encodeURIComponent(input.tenant)}/oauth2/v2.0/authorize?${query}`;
}
