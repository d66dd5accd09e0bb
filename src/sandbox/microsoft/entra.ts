// Simulated Entra ID under /login/<cloud>/<tenant>/…: tenant discovery (OpenID configuration), the client-credentials
// token endpoint, and the v2 admin-consent page, which redirects at once with the outcome chosen through controls.
import type { SimTenant } from "../fleet/types.js";
import { graphResource, isCloud, realLoginHost, type Cloud } from "./clouds.js";
import { adminConsent } from "./consent.js";
import { openIdConfiguration } from "./openid.js";
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
  /**
   * The https origin a routing network client (src/intune/loopback-network.ts) shows MSAL in place of
   * `<base>/login/<cloud>` (header `x-sandbox-login-origin`): a client assertion is then addressed to that origin.
   */
  routedOrigin?: string;
}

export type LoginResult = SimResponse & { route: string; tenantId?: string };

const json = (status: number, body: unknown, route: string, tenantId?: string): LoginResult => ({
  status,
  headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-cache" },
  body,
  route,
  tenantId,
});

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
  const audiences = [tenant.tenantId, tenant.domain, seg].flatMap((t) => [
    `${req.base}/login/${req.cloud}/${t}/oauth2/v2.0/token`,
    ...(req.routedOrigin ? [`${req.routedOrigin}/${t}/oauth2/v2.0/token`] : []),
  ]);
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
