// The v2.0 authorize endpoint (v2-oauth2-auth-code-flow.md, v2-protocols-oidc.md) for response_type=code. There is no
// sign-in form: the user chosen through controls.signIn (default: an admin of the tenant asked for) signs in at once
// and the answer goes back to the redirect URI by query, fragment or an auto-submitting form_post page. A client or
// redirect URI the app did not register gets the login page's own error, never a redirect.
import { randomUUID } from "node:crypto";
import { loginGroup, realLoginHost, type Cloud } from "./clouds.js";
import { aadTrace } from "./errors.js";
import { escapeHtml, loginErrorPage, type LoginRequest, type LoginResult } from "./login-request.js";
import type { CodeGrant } from "./auth-codes.js";
import type { SimState } from "./state.js";
import { currentUser } from "./users.js";

const ROUTE = "login.authorize";
const MODES = ["query", "fragment", "form_post"] as const;
type Mode = (typeof MODES)[number];

/** Microsoft's form_post page: a hidden form posted to the redirect URI by script as soon as it loads. */
export function formPostPage(action: string, params: [string, string][]): string {
  const inputs = params
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`)
    .join("");
  return (
    `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(action)}">` +
    `${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript>` +
    `</form><script language="javascript">window.setTimeout(function(){document.forms[0].submit()},0);</script></body></html>`
  );
}

function answer(mode: Mode, redirect: string, params: [string, string][], tenantId?: string): LoginResult {
  const headers = { "Cache-Control": "no-store, no-cache" };
  if (mode === "form_post") {
    const body = formPostPage(redirect, params);
    return {
      status: 200,
      headers: { ...headers, "Content-Type": "text/html; charset=utf-8" },
      body,
      route: ROUTE,
      tenantId,
    };
  }
  const out = new URL(redirect);
  if (mode === "fragment") out.hash = new URLSearchParams(params).toString();
  else for (const [k, v] of params) out.searchParams.append(k, v);
  return { status: 302, headers: { ...headers, Location: out.toString() }, body: "", route: ROUTE, tenantId };
}

function pkce(q: Record<string, string>): CodeGrant["challenge"] | string | undefined {
  const value = q["code_challenge"];
  const method = q["code_challenge_method"];
  if (value === undefined) return method === undefined ? undefined : "code_challenge";
  // Without a method the challenge is the plain verifier, as Microsoft documents.
  if ((method ?? "plain") !== "S256" && (method ?? "plain") !== "plain") return "code_challenge_method";
  const m = (method ?? "plain") as "S256" | "plain";
  const ok = m === "S256" ? /^[A-Za-z0-9_-]{43}$/.test(value) : /^[A-Za-z0-9._~-]{43,128}$/.test(value);
  return ok ? { value, method: m } : "size";
}

export function authorize(state: SimState, req: LoginRequest, cloud: Cloud): LoginResult {
  const q = req.query;
  const app = state.appAt(cloud);
  const seg = req.segments[0]!;
  if (q["client_id"] !== app.clientId) {
    const text = `Application with identifier '${q["client_id"] ?? ""}' was not found in the directory '${seg}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`;
    return loginErrorPage(400, 700016, text, ROUTE);
  }
  const redirect = q["redirect_uri"];
  if (!redirect) return loginErrorPage(400, 900971, "No reply address provided.", ROUTE);
  if (!URL.canParse(redirect) || (app.redirectUris && !app.redirectUris.includes(redirect))) {
    const text = `The redirect URI '${redirect}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`;
    return loginErrorPage(400, 50011, text, ROUTE);
  }
  const generic = seg === "organizations" || seg === "common";
  const urlTenant = generic ? undefined : state.tenantAtLogin(cloud, seg);
  if (!generic && !urlTenant) return loginErrorPage(400, 90002, `Tenant '${seg}' not found.`, ROUTE);

  const requestedMode = q["response_mode"] ?? "query";
  const mode: Mode = (MODES as readonly string[]).includes(requestedMode) ? (requestedMode as Mode) : "query";
  const withState = (p: [string, string][]): [string, string][] =>
    q["state"] === undefined ? p : [...p, ["state", q["state"]]];
  const fail = (error: string, code: number, text: string) =>
    answer(
      mode,
      redirect,
      withState([
        ["error", error],
        ["error_description", `AADSTS${code}: ${text}\r\n${aadTrace(state.now())}`],
        ["error_uri", `${realLoginHost(cloud)}/error?code=${code}`],
      ]),
      urlTenant?.tenantId,
    );
  if (mode !== requestedMode)
    return fail("invalid_request", 70007, `The response_mode '${requestedMode}' is not supported.`);
  const type = q["response_type"];
  if (!type)
    return fail("invalid_request", 900144, "The request body must contain the following parameter: 'response_type'.");
  if (type !== "code") {
    // Only the code flow is enabled on the app registration (no implicit grant of ID or access tokens).
    const implicit = /\b(id_token|token)\b/.test(type);
    return fail(
      "unsupported_response_type",
      implicit ? 700054 : 70005,
      implicit
        ? `response_type '${type}' is not enabled for the application.`
        : `The provided value for the input parameter 'response_type' is not allowed for this request. Expected value is 'code'.`,
    );
  }
  const scopes = (q["scope"] ?? "").split(/\s+/).filter(Boolean);
  if (scopes.length === 0)
    return fail("invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
  const challenge = pkce(q);
  if (challenge === "size") return fail("invalid_request", 501491, "Invalid size of Code_Challenge parameter.");
  if (typeof challenge === "string")
    return fail("invalid_request", 90100, `The parameter '${challenge}' is empty or not valid.`);
  if (state.consentOutcome === "cancel")
    return answer(
      mode,
      redirect,
      withState([
        ["error", "access_denied"],
        ["error_subcode", "cancel"],
      ]),
      urlTenant?.tenantId,
    );

  const defaultTenant =
    urlTenant ??
    (state.adminTenant ? state.tenantAtLogin(cloud, state.adminTenant) : undefined) ??
    state.fleet.tenants.find((t) => loginGroup(t.cloud) === loginGroup(cloud));
  const user = currentUser(state, defaultTenant);
  if (!user) return loginErrorPage(400, 90002, `Tenant '${seg}' not found.`, ROUTE);
  const home = user.tenant;
  if (loginGroup(home.cloud) !== loginGroup(cloud) && !urlTenant) {
    const text = `The user account ${user.upn} does not exist in the directory. To sign into this application, the account must be added to the directory.`;
    return loginErrorPage(400, 50034, text, ROUTE);
  }
  if (urlTenant && home.tenantId !== urlTenant.tenantId) {
    return fail(
      "access_denied",
      50020,
      `User account '${user.upn}' from identity provider 'https://sts.windows.net/${home.tenantId}/' does not exist in tenant '${urlTenant.domain}' and cannot access the application '${app.clientId}'(${app.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    );
  }
  const code = state.codes.issue({
    clientId: app.clientId,
    redirectUri: redirect,
    cloud,
    tenantId: home.tenantId,
    scopes,
    nonce: q["nonce"],
    challenge,
    user,
    issuedAt: state.now(),
  });
  return answer(mode, redirect, [...withState([["code", code]]), ["session_state", randomUUID()]], home.tenantId);
}
