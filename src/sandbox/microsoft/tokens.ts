// Access tokens for Graph, JWT-shaped like Entra's v1 tokens (aud, tid, roles, idtyp): app-only tokens of the client
// credentials grant, and user tokens (delegated scopes in scp, no roles) of a code redemption. Signed with a key made
// at start so Graph can tell its own tokens from anything else. Algorithms are pinned.
import { randomBytes, randomUUID } from "node:crypto";
import { SignJWT, decodeProtectedHeader, importSPKI, jwtVerify, type JWTPayload } from "jose";
import type { SimApp } from "./state.js";

export interface TokenClaims extends JWTPayload {
  tid: string;
  appid: string;
  roles: string[];
  /** The simulator's record of the cloud path the token was issued on. */
  xms_sim_login_cloud: string;
}

export class TokenIssuer {
  private readonly key = randomBytes(32);

  async issue(c: {
    tenantId: string;
    clientId: string;
    appName: string;
    audience: string;
    roles: string[];
    loginCloud: string;
    acr: "1" | "2";
    now: number;
    ttlSeconds: number;
    /** A signed-in user's token: delegated scopes instead of application roles. */
    user?: { oid: string; upn: string; name: string; scp: string; wids: string[] };
  }): Promise<string> {
    const iat = Math.floor(c.now / 1000);
    const oid = c.user?.oid ?? randomUUID();
    const who = c.user
      ? { idtyp: "user", scp: c.user.scp, upn: c.user.upn, name: c.user.name, wids: c.user.wids }
      : { idtyp: "app" };
    return new SignJWT({
      tid: c.tenantId,
      appid: c.clientId,
      app_displayname: c.appName,
      appidacr: c.acr,
      ...who,
      idp: `https://sts.windows.net/${c.tenantId}/`,
      oid,
      sub: oid,
      roles: c.user ? [] : c.roles,
      ver: "1.0",
      uti: randomBytes(16).toString("base64url"),
      xms_sim_login_cloud: c.loginCloud,
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(`https://sts.windows.net/${c.tenantId}/`)
      .setAudience(c.audience)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + c.ttlSeconds)
      .sign(this.key);
  }

  /** The token's claims, or why Graph refuses it. */
  async verify(
    token: string,
    audience: string,
    now: number,
    validFrom: number,
  ): Promise<TokenClaims | "malformed" | "expired" | "audience"> {
    if (token.split(".").length !== 3) return "malformed";
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], currentDate: new Date(now) });
      if (payload.aud !== audience) return "audience";
      if ((payload.iat ?? 0) * 1000 < validFrom) return "expired";
      return payload as TokenClaims;
    } catch (e) {
      return (e as { code?: string }).code === "ERR_JWT_EXPIRED" ? "expired" : "malformed";
    }
  }
}

export type ClientAuth =
  { ok: true; acr: "1" | "2" } | { ok: false; status: number; error: string; code: number; text: string };

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Checks client_secret (post or basic) or a private_key_jwt client assertion against the app registration. */
export async function authenticateClient(
  form: Record<string, string>,
  authorization: string | undefined,
  app: SimApp,
  audiences: string[],
  now: number,
): Promise<ClientAuth> {
  let secret = form["client_secret"];
  if (authorization?.startsWith("Basic ")) {
    const [, pass] = Buffer.from(authorization.slice(6), "base64").toString("utf8").split(":");
    secret = decodeURIComponent(pass ?? "");
  }
  if (secret !== undefined) {
    if (app.clientSecret !== undefined && secret === app.clientSecret) return { ok: true, acr: "1" };
    return {
      ok: false,
      status: 401,
      error: "invalid_client",
      code: 7000215,
      text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    };
  }
  const assertion = form["client_assertion"];
  if (assertion === undefined) {
    return {
      ok: false,
      status: 401,
      error: "invalid_client",
      code: 7000218,
      text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    };
  }
  if (form["client_assertion_type"] !== ASSERTION_TYPE) {
    return {
      ok: false,
      status: 400,
      error: "invalid_request",
      code: 700025,
      text: "Client assertion type is not valid.",
    };
  }
  const cert = app.certificate;
  const bad = (code: number, text: string): ClientAuth => ({
    ok: false,
    status: 401,
    error: "invalid_client",
    code,
    text,
  });
  if (!cert)
    return bad(
      700027,
      "Client assertion failed signature validation. No certificate is registered for the application.",
    );
  let header;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return bad(50027, "JWT token is invalid or malformed.");
  }
  const hexOf = (b64?: unknown) =>
    typeof b64 === "string" ? Buffer.from(b64, "base64url").toString("hex") : undefined;
  const norm = (h?: string) => h?.replace(/[^0-9a-f]/gi, "").toLowerCase();
  const matches = header.x5t
    ? hexOf(header.x5t) === norm(cert.thumbprint)
    : header["x5t#S256"] !== undefined && hexOf(header["x5t#S256"]) === norm(cert.thumbprintSha256);
  if (!matches) {
    return bad(
      700027,
      "Client assertion failed signature validation. The key was not found (x5t / x5t#S256 names no registered certificate).",
    );
  }
  try {
    const alg = header.alg === "PS256" ? "PS256" : "RS256";
    const key = await importSPKI(cert.publicKeyPem, alg);
    await jwtVerify(assertion, key, {
      algorithms: ["RS256", "PS256"],
      issuer: app.clientId,
      subject: app.clientId,
      audience: audiences,
      currentDate: new Date(now),
      clockTolerance: 300,
    });
    return { ok: true, acr: "2" };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED") return bad(700024, "Client assertion is not within its valid time range.");
    if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED")
      return bad(
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter, or its audience is not this token endpoint.",
      );
    return bad(700027, "Client assertion failed signature validation.");
  }
}
