// Simulated Entra ID under /login/<cloud>/<tenant>/…: tenant discovery (OpenID configuration), the client-credentials
// token endpoint, and the v2 admin-consent page, which redirects at once with the outcome chosen through controls.
import { randomUUID } from "node:crypto";
import type { SimTenant } from "../fleet/types.js";
import { discoveryValues, graphResource, isCloud, loginGroup, realLoginHost, type Cloud } from "./clouds.js";
import { aadError, unknownTenant, type SimResponse } from "./errors.js";
import type { SimState } from "./state.js";
import { authenticateClient, type TokenIssuer } from "./tokens.js";

export interface LoginRequest {
  method: string;
  cloud: string;
  /** Path after /login/<cloud>/, e.g. ["contoso.com", "v2.0", ".well-known", "openid-configuration"]. */
  segments: string[];
  query: Record<string, string>;
  form: Record<string, string>;
  authorization?: string;
  /** Scheme and host the client used, e.g. http://127.0.0.1:4321. */
  base: string;
}

export type LoginResult = SimResponse & { route: string; tenantId?: string };

const json = (status: number, body: unknown, route: string, tenantId?: string): LoginResult => ({
  status,
  headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-cache" },
  body,
  route,
  tenantId,
});

function openIdConfiguration(base: string, cloud: Cloud, tenantSegment: string): Record<string, unknown> {
  const at = `${base}/login/${cloud}/${tenantSegment}`;
  const d = discoveryValues(cloud);
  return {
    token_endpoint: `${at}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${at}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/login/${cloud}/${tenantSegment === "organizations" || tenantSegment === "common" ? "{tenantid}" : tenantSegment}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/graph/${cloud}/oidc/userinfo`,
    authorization_endpoint: `${at}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${at}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${at}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${at}/kerberos`,
    ...d,
    rbac_url: "https://pas.windows.net",
  };
}

async function token(
  state: SimState,
  issuer: TokenIssuer,
  req: LoginRequest,
  cloud: Cloud,
  tenant: SimTenant,
): Promise<LoginResult> {
  const now = state.now();
  const host = realLoginHost(cloud);
  const fail = (status: number, error: string, code: number, text: string) => ({
    ...aadError(status, error, code, text, now, host),
    route: "login.token",
    tenantId: tenant.tenantId,
  });
  const f = req.form;
  if (f["grant_type"] !== "client_credentials") {
    return fail(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${f["grant_type"] ?? ""}'.`,
    );
  }
  let clientId = f["client_id"];
  if (!clientId && req.authorization?.startsWith("Basic ")) {
    clientId = decodeURIComponent(
      Buffer.from(req.authorization.slice(6), "base64").toString("utf8").split(":")[0] ?? "",
    );
  }
  if (!clientId)
    return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const access = state.accessOf(tenant);
  if (clientId !== state.app.clientId || access.consent !== "consented") {
    return fail(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const scope = f["scope"];
  if (!scope)
    return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
  if (!/^\S+\/\.default$/.test(scope)) {
    return fail(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = scope.replace(/\/\.default$/, "");
  if (resource !== graphResource(tenant.cloud)) {
    return fail(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const seg = req.segments[0]!;
  const audiences = [tenant.tenantId, tenant.domain, seg].map(
    (t) => `${req.base}/login/${req.cloud}/${t}/oauth2/v2.0/token`,
  );
  const auth = await authenticateClient(f, req.authorization, state.app, audiences, now);
  if (!auth.ok) return fail(auth.status, auth.error, auth.code, auth.text);
  const accessToken = await issuer.issue({
    tenantId: tenant.tenantId,
    clientId,
    appName: state.app.displayName,
    audience: resource,
    roles: access.roles,
    loginCloud: cloud,
    acr: auth.acr,
    now,
    ttlSeconds: state.tokenTtlSeconds,
  });
  return json(
    200,
    {
      token_type: "Bearer",
      expires_in: state.tokenTtlSeconds,
      ext_expires_in: state.tokenTtlSeconds,
      access_token: accessToken,
    },
    "login.token",
    tenant.tenantId,
  );
}

function errorPage(status: number, code: number, text: string, route: string): LoginResult {
  const html = `<!doctype html><title>Sign in to your account</title><h1>Sorry, but we’re having trouble signing you in.</h1><p>AADSTS${code}: ${text}</p>`;
  return { status, headers: { "Content-Type": "text/html; charset=utf-8" }, body: html, route };
}

function adminConsent(state: SimState, req: LoginRequest, cloud: Cloud): LoginResult {
  const q = req.query;
  const route = "login.adminconsent";
  if (q["client_id"] !== state.app.clientId) {
    return errorPage(
      400,
      700016,
      `Application with identifier '${q["client_id"] ?? ""}' was not found in the directory.`,
      route,
    );
  }
  const redirect = q["redirect_uri"];
  if (!redirect || (state.app.redirectUris && !state.app.redirectUris.includes(redirect))) {
    return errorPage(
      400,
      50011,
      `The redirect URI '${redirect ?? ""}' specified in the request does not match the redirect URIs configured for the application '${state.app.clientId}'.`,
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
  const trace = `Trace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date(state.now())
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z")}`;
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
        `AADSTS50020: User account 'admin@outsider.example' from identity provider 'https://sts.windows.net/${randomUUID()}/' does not exist in tenant '${tenant.domain}' and cannot access the application '${state.app.clientId}'(${state.app.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.\r\n${trace}`,
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

export async function handleLogin(state: SimState, issuer: TokenIssuer, req: LoginRequest): Promise<LoginResult> {
  const now = state.now();
  if (!isCloud(req.cloud)) return { status: 404, headers: {}, body: "", route: "login.unknown" };
  const cloud = req.cloud;
  const [seg, ...rest] = req.segments;
  const path = rest.join("/");
  const tenant = seg ? state.tenantAtLogin(cloud, seg) : undefined;
  const generic = seg === "organizations" || seg === "common";
  if (req.method === "GET" && path === "v2.0/.well-known/openid-configuration") {
    if (!tenant && !generic) return { ...unknownTenant(seg ?? "", now, realLoginHost(cloud)), route: "login.openid" };
    return json(
      200,
      openIdConfiguration(req.base, cloud, tenant ? tenant.tenantId : seg!),
      "login.openid",
      tenant?.tenantId,
    );
  }
  if (req.method === "GET" && path === "v2.0/adminconsent") return adminConsent(state, req, cloud);
  if (req.method === "GET" && path === "discovery/v2.0/keys") return json(200, { keys: [] }, "login.keys");
  if (req.method === "POST" && path === "oauth2/v2.0/token") {
    if (!tenant) return { ...unknownTenant(seg ?? "", now, realLoginHost(cloud)), route: "login.token" };
    return token(state, issuer, req, cloud, tenant);
  }
  return { status: 404, headers: { "Content-Type": "text/plain" }, body: "Not found", route: "login.unknown" };
}
