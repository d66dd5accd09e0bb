// v2.0 ID tokens as the token endpoint returns them after a code redemption (id-token-claims-reference.md): RS256,
// header kid only (x5t is a v1.0-only header), claims gated by scope as Entra gates them (name, preferred_username
// and oid need `profile`, email needs `email`), wids when the app registration asks for directory roles. A tamper
// control spoils one property of the next tokens so end-to-end tests can prove a verifier refuses each forgery.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { SignJWT, type JWTPayload } from "jose";
import type { SigningKeys } from "./signing-keys.js";
import type { SimUser } from "./users.js";

export const ID_TOKEN_TAMPERS = ["aud", "iss", "nonce", "signature", "expired", "alg-none", "tid"] as const;
export type IdTokenTamper = (typeof ID_TOKEN_TAMPERS)[number];

export const ID_TOKEN_TTL_SECONDS = 3600;

export interface IdTokenInput {
  /** The issuer the tenant's OpenID configuration names for `user.tenant`. */
  issuer: string;
  /** Another tenant's id and issuer, for the "tid" and "iss" tampers. */
  other: { tenantId: string; issuer: string };
  clientId: string;
  user: SimUser;
  scopes: string[];
  nonce?: string;
  emitWids: boolean;
  now: number;
  tamper: IdTokenTamper | null;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

export async function signIdToken(keys: SigningKeys, c: IdTokenInput): Promise<string> {
  const t = c.tamper;
  const iat = Math.floor(c.now / 1000) - (t === "expired" ? 2 * ID_TOKEN_TTL_SECONDS : 0);
  const has = (s: string) => c.scopes.includes(s);
  // `sub` is pairwise: the same user gets another subject in another app.
  const sub = createHash("sha256").update(`${c.user.tenant.tenantId}|${c.user.oid}|${c.clientId}`).digest("base64url");
  const nonce = t === "nonce" ? randomBytes(16).toString("base64url") : c.nonce;
  const claims: JWTPayload = {
    ver: "2.0",
    iss: t === "iss" ? c.other.issuer : c.issuer,
    sub,
    aud: t === "aud" ? randomUUID() : c.clientId,
    exp: iat + ID_TOKEN_TTL_SECONDS,
    iat,
    nbf: iat,
    ...(has("email") ? { email: c.user.upn } : {}),
    ...(has("profile") ? { name: c.user.name, oid: c.user.oid, preferred_username: c.user.upn } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
    rh: `1.A${randomBytes(24).toString("base64url")}.`,
    tid: t === "tid" ? c.other.tenantId : c.user.tenant.tenantId,
    uti: randomBytes(16).toString("base64url"),
    ...(c.emitWids ? { wids: c.user.wids } : {}),
  };
  if (t === "alg-none") return `${b64({ typ: "JWT", alg: "none" })}.${b64(claims)}.`;
  return new SignJWT(claims)
    .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: await keys.kid() })
    .sign(await keys.signingKey(t === "signature"));
}
