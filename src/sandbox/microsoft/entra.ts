// Simulated Entra ID under /login/<cloud>/<tenant>/…: tenant discovery (OpenID configuration) and signing keys, the
// token endpoint (client credentials, authorization code), the v2 admin-consent page, which redirects at once with
// the outcome chosen through controls, and the authorize endpoint of the OpenID Connect sign-in.
import type { SimTenant } from "../fleet/types.js";
import { authorize } from "./authorize.js";
import { graphResource, isCloud, realLoginHost, type Cloud } from "./clouds.js";
import { redeemCode } from "./code-grant.js";
import { adminConsent } from "./consent.js";
import { aadError, unknownTenant } from "./errors.js";
import { clientIdOf, json, tokenAudiences, type LoginRequest, type LoginResult } from "./login-request.js";
import { issuerOf, openIdConfiguration } from "./openid.js";
import type { SigningKeys } from "./signing-keys.js";
import type { SimState } from "./state.js";
import { authenticateClient, type TokenIssuer } from "./tokens.js";

export type { LoginRequest, LoginResult } from "./login-request.js";

export interface LoginDeps {
  state: SimState;
  issuer: TokenIssuer;
  keys: SigningKeys;
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
  const clientId = clientIdOf(req);
  if (!clientId)
    return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const access = state.accessOf(tenant);
  const app = state.appAt(cloud);
  if (clientId !== app.clientId || access.consent !== "consented") {
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
  const auth = await authenticateClient(f, req.authorization, app, tokenAudiences(req, tenant), now);
  if (!auth.ok) return fail(auth.status, auth.error, auth.code, auth.text);
  const accessToken = await issuer.issue({
    tenantId: tenant.tenantId,
    clientId,
    appName: app.displayName,
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

export async function handleLogin(deps: LoginDeps, req: LoginRequest): Promise<LoginResult> {
  const { state, issuer } = deps;
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
  if (req.method === "GET" && path === "oauth2/v2.0/authorize") return authorize(state, req, cloud);
  if (req.method === "GET" && path === "discovery/v2.0/keys") {
    if (!tenant && !generic) return { ...unknownTenant(seg ?? "", now, realLoginHost(cloud)), route: "login.keys" };
    const jwks = await deps.keys.jwks(issuerOf(req.base, cloud, tenant ? tenant.tenantId : seg!));
    return json(200, jwks, "login.keys", tenant?.tenantId);
  }
  if (req.method === "POST" && path === "oauth2/v2.0/token") {
    const grant = req.form["grant_type"];
    if (grant === "authorization_code" && (tenant || generic)) return redeemCode(deps, req, cloud, tenant);
    if (!tenant) return { ...unknownTenant(seg ?? "", now, realLoginHost(cloud)), route: "login.token" };
    if (grant !== "client_credentials") {
      const text = `The app requested an unsupported grant type '${grant ?? ""}'.`;
      return {
        ...aadError(400, "unsupported_grant_type", 70003, text, now, realLoginHost(cloud)),
        route: "login.token",
      };
    }
    return token(state, issuer, req, cloud, tenant);
  }
  return { status: 404, headers: { "Content-Type": "text/plain" }, body: "Not found", route: "login.unknown" };
}
