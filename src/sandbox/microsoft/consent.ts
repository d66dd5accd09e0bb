// The v2 admin-consent page. It does not render a page: it redirects at once to redirect_uri with Microsoft's
// success or error parameters (graph-examples/adminconsent-examples.json), the outcome chosen through controls.
import { randomUUID } from "node:crypto";
import { graphResource, loginGroup, realLoginHost, type Cloud } from "./clouds.js";
import { aadTrace } from "./errors.js";
import { loginErrorPage as errorPage, type LoginRequest, type LoginResult } from "./login-request.js";
import type { SimState } from "./state.js";

export function adminConsent(state: SimState, req: LoginRequest, cloud: Cloud): LoginResult {
  const q = req.query;
  const route = "login.adminconsent";
  const app = state.appAt(cloud);
  if (q["client_id"] !== app.clientId) {
    return errorPage(
      400,
      700016,
      `Application with identifier '${q["client_id"] ?? ""}' was not found in the directory.`,
      route,
    );
  }
  const redirect = q["redirect_uri"];
  if (!redirect || (app.redirectUris && !app.redirectUris.includes(redirect))) {
    return errorPage(
      400,
      50011,
      `The redirect URI '${redirect ?? ""}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`,
      route,
    );
  }
  const seg = req.segments[0]!;
  if (seg === "common")
    return errorPage(
      400,
      50194,
      "Application is not configured as a multi-tenant application for /common; use /organizations or a tenant.",
      route,
    );
  const key = seg === "organizations" ? state.adminTenant : seg;
  const tenant = key
    ? state.tenantAtLogin(cloud, key)
    : state.fleet.tenants.find((t) => loginGroup(t.cloud) === loginGroup(cloud));
  if (!tenant) return errorPage(400, 90002, `Tenant '${key ?? seg}' not found.`, route);
  const out = new URL(redirect);
  const set = (k: string, v: string | undefined) => v !== undefined && out.searchParams.append(k, v);
  const host = realLoginHost(cloud);
  const trace = aadTrace(state.now());
  const scope = q["scope"] ?? "";
  if (!/^\S+\/\.default$/.test(scope)) {
    // App permissions can only be asked for with /.default (v2-admin-consent.md).
    set("error", "invalid_request");
    set(
      "error_description",
      `AADSTS70011: The provided value for the input parameter 'scope' is not valid.\r\n${trace}`,
    );
    set("state", q["state"]);
    return { status: 302, headers: { Location: out.toString() }, body: "", route, tenantId: tenant.tenantId };
  }
  switch (state.consentOutcome) {
    case "consent": {
      state.accessOf(tenant).consent = "consented";
      const resource = graphResource(tenant.cloud);
      set("admin_consent", "True");
      set("tenant", tenant.tenantId);
      set(
        "scope",
        state
          .accessOf(tenant)
          .roles.map((r) => `${resource}/${r}`)
          .join(" "),
      );
      break;
    }
    case "declined":
      set("error", "access_denied");
      set("error_description", `AADSTS65004: User declined to consent to access the app.\r\n${trace}`);
      set("error_uri", `${host}/error?code=65004`);
      set("admin_consent", "True");
      break;
    case "wrong_directory":
      set("error", "access_denied");
      set(
        "error_description",
        `AADSTS50020: User account 'admin@outsider.example' from identity provider 'https://sts.windows.net/${randomUUID()}/' does not exist in tenant '${tenant.domain}' and cannot access the application '${app.clientId}'(${app.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.\r\n${trace}`,
      );
      set("error_uri", `${host}/error?code=50020`);
      set("admin_consent", "True");
      break;
    case "cancel":
      set("error", "access_denied");
      set("error_subcode", "cancel");
      break;
  }
  set("state", q["state"]);
  return {
    status: 302,
    headers: { Location: out.toString(), "Cache-Control": "no-store, no-cache" },
    body: "",
    route,
    tenantId: tenant.tenantId,
  };
}
