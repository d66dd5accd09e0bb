// grant_type=authorization_code at the token endpoint (v2-oauth2-auth-code-flow.md "Redeem a code"): the client
// authenticates as for client credentials, then the code must be one this simulator issued, unspent, unexpired, for
// this tenant, redirect URI and PKCE verifier. The answer carries a user access token for Graph, the ID token when
// `openid` was asked, and client_info when the client sent client_info=1 (as MSAL does).
import { randomUUID } from "node:crypto";
import type { SimTenant } from "../fleet/types.js";
import { CODE_TTL_MS, verifierMatches } from "./auth-codes.js";
import { graphResource, loginGroup, realLoginHost, type Cloud } from "./clouds.js";
import { aadError } from "./errors.js";
import { signIdToken } from "./id-tokens.js";
import { clientIdOf, json, tokenAudiences, type LoginRequest, type LoginResult } from "./login-request.js";
import { issuerOf } from "./openid.js";
import type { SigningKeys } from "./signing-keys.js";
import type { SimState } from "./state.js";
import { authenticateClient, type TokenIssuer } from "./tokens.js";

const ROUTE = "login.token.code";
/** Scopes that shape the ID token and the response but are not Graph permissions. */
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

export interface CodeGrantDeps {
  state: SimState;
  issuer: TokenIssuer;
  keys: SigningKeys;
}

export async function redeemCode(
  deps: CodeGrantDeps,
  req: LoginRequest,
  cloud: Cloud,
  tenant: SimTenant | undefined,
): Promise<LoginResult> {
  const { state } = deps;
  const now = state.now();
  const f = req.form;
  let tenantId = tenant?.tenantId;
  const fail = (status: number, error: string, code: number, text: string): LoginResult => ({
    ...aadError(status, error, code, text, now, realLoginHost(cloud)),
    route: ROUTE,
    tenantId,
  });
  const invalidGrant = (code: number, text: string) => fail(400, "invalid_grant", code, text);
  const missing = (name: string) =>
    fail(400, "invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`);

  const clientId = clientIdOf(req);
  if (!clientId) return missing("client_id");
  const app = state.appAt(cloud);
  if (clientId !== app.clientId) {
    return fail(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant?.domain ?? req.segments[0]}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const auth = await authenticateClient(f, req.authorization, app, tokenAudiences(req, tenant), now);
  if (!auth.ok) return fail(auth.status, auth.error, auth.code, auth.text);
  const code = f["code"];
  if (!code) return missing("code");
  const grant = state.codes.find(code);
  if (grant === "spent") {
    return invalidGrant(
      54005,
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    );
  }
  // A code from another cloud's login host is as unknown here as a made-up one.
  if (!grant || loginGroup(grant.cloud) !== loginGroup(cloud))
    return invalidGrant(70000, "The provided value for the 'code' parameter is not valid.");
  tenantId = grant.tenantId;
  if (now > grant.issuedAt + CODE_TTL_MS) {
    return invalidGrant(
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    );
  }
  // Codes stay with their login host, so this holds only for two apps of one host; kept as Entra's rule.
  if (grant.clientId !== clientId)
    return invalidGrant(
      70000,
      "The provided value for the 'code' parameter is not valid. The code was issued to another client.",
    );
  if (tenant && tenant.tenantId !== grant.tenantId) {
    return invalidGrant(700005, "Provided Authorization Code is intended to use against other tenant, thus rejected.");
  }
  const redirect = f["redirect_uri"];
  if (!redirect) return missing("redirect_uri");
  if (redirect !== grant.redirectUri) {
    return invalidGrant(
      500112,
      `The reply address '${redirect}' does not match the reply address '${grant.redirectUri}' provided when requesting Authorization code.`,
    );
  }
  if (grant.challenge) {
    const verifier = f["code_verifier"];
    if (!verifier)
      return invalidGrant(
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
      );
    if (!verifierMatches(verifier, grant.challenge)) {
      return invalidGrant(
        50148,
        "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
      );
    }
  }

  state.codes.spend(code);
  state.codeRedeemed();
  const asked = [...grant.scopes, ...(f["scope"] ?? "").split(/\s+/)].filter(Boolean);
  const scopes = [...new Set(asked)].filter((s) => s !== "offline_access");
  const user = grant.user;
  const graph = graphResource(user.tenant.cloud);
  const delegated = scopes.filter((s) => !OIDC_SCOPES.has(s)).map((s) => s.replace(`${graph}/`, ""));
  const accessToken = await deps.issuer.issue({
    tenantId: user.tenant.tenantId,
    clientId,
    appName: app.displayName,
    audience: graph,
    roles: [],
    loginCloud: cloud,
    acr: auth.acr,
    now,
    ttlSeconds: state.tokenTtlSeconds,
    user: {
      oid: user.oid,
      upn: user.upn,
      name: user.name,
      scp: [...new Set([...delegated, "User.Read", "openid", "profile", "email"])].join(" "),
      wids: user.wids,
    },
  });
  const other =
    state.fleet.tenants.find((t) => t.tenantId !== user.tenant.tenantId && loginGroup(t.cloud) === loginGroup(cloud))
      ?.tenantId ?? randomUUID();
  const idToken = scopes.includes("openid")
    ? await signIdToken(deps.keys, {
        issuer: issuerOf(req.base, cloud, user.tenant.tenantId),
        other: { tenantId: other, issuer: issuerOf(req.base, cloud, other) },
        clientId,
        user,
        scopes,
        nonce: grant.nonce,
        emitWids: ["DirectoryRole", "All"].includes(app.groupMembershipClaims ?? "None"),
        now,
        tamper: state.idTokenTamper,
      })
    : undefined;
  const clientInfo =
    f["client_info"] === "1"
      ? Buffer.from(JSON.stringify({ uid: user.oid, utid: user.tenant.tenantId })).toString("base64url")
      : undefined;
  return json(
    200,
    {
      token_type: "Bearer",
      scope: scopes.join(" "),
      expires_in: state.tokenTtlSeconds,
      ext_expires_in: state.tokenTtlSeconds,
      access_token: accessToken,
      ...(idToken ? { id_token: idToken } : {}),
      ...(clientInfo ? { client_info: clientInfo } : {}),
    },
    ROUTE,
    tenantId,
  );
}
