// The `state` of the two legs of connecting a tenant (issue 13): a short-lived, signed token that binds the customer
// account, app instance, tenant slot/domain, cloud, the leg it was made for and a nonce (single use through the
// store). The sign-in leg's nonce is also the OpenID Connect nonce the ID token must carry, and keys the PKCE
// verifier (sign-in-link.ts); the admin-consent leg carries the tenant id the sign-in proved. HS256 with a key derived by HKDF from the
// secret-sealing key, so no new setting is needed; the key id lets links made before a key rotation still verify.
import { hkdfSync, randomBytes } from "node:crypto";
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../config.js";
import { AppError, ErrorCode } from "../errors.js";
import { isCloud, type Cloud } from "./clouds.js";

export const CONSENT_STATE_TTL_MS = 60 * 60 * 1000;
const ISSUER = "intune-4me-connector";
const AUDIENCE = "intune-4me-connector/consent";
const ALG = "HS256";

export interface StateKeys {
  currentKid: string;
  byKid: Map<string, Uint8Array>;
}

/** A key for one purpose only: a leaked state key must not unseal secrets, and the other way round. */
function derive(material: Buffer): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", material, "intune-4me-connector", "consent-state/v1", 32));
}

/**
 * State keys from the configured sealing keys, or, when config has none (SQLite generates its key file), from the
 * key material the caller passes (the store's sealing key).
 */
export function consentStateKeys(secretKeys: Config["secretKeys"], fallback?: { id: string; key: Buffer }): StateKeys {
  const keys = secretKeys ? [secretKeys.current, ...secretKeys.previous] : fallback ? [fallback] : [];
  if (keys.length === 0) {
    throw new AppError(ErrorCode.Config, "no secret key to sign consent links with (SECRET_KEY or the store key)");
  }
  return { currentKid: keys[0].id, byKid: new Map(keys.map((k) => [k.id, derive(k.key)])) };
}

/** sign_in: an administrator's OpenID Connect sign-in; admin_consent: Microsoft's admin-consent page after it. */
export type ConsentPhase = "sign_in" | "admin_consent";

export interface ConsentStateInput {
  account: string;
  appInstanceId: string;
  slot: number;
  domain: string;
  cloud: Cloud;
  phase: ConsentPhase;
  /** sign_in: the directory the domain resolved to; admin_consent: the directory the sign-in proved. */
  tenantId?: string;
}

export interface ConsentState extends ConsentStateInput {
  nonce: string;
  expiresAt: Date;
  /** The key the state was signed with (the PKCE verifier is derived with it). */
  kid: string;
}

export async function createConsentState(
  input: ConsentStateInput,
  keys: StateKeys,
  now: Date = new Date(),
  ttlMs = CONSENT_STATE_TTL_MS,
): Promise<{ token: string; state: ConsentState }> {
  const nonce = randomBytes(16).toString("base64url");
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + Math.floor(ttlMs / 1000);
  const token = await new SignJWT({
    acc: input.account,
    ai: input.appInstanceId,
    sl: input.slot,
    dom: input.domain,
    cl: input.cloud,
    ph: input.phase,
    ...(input.tenantId ? { tid: input.tenantId.toLowerCase() } : {}),
  })
    .setProtectedHeader({ alg: ALG, kid: keys.currentKid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(nonce)
    .sign(keys.byKid.get(keys.currentKid)!);
  return { token, state: { ...input, nonce, expiresAt: new Date(exp * 1000), kid: keys.currentKid } };
}

export type StateFailure = "missing" | "forged" | "expired";

export class ConsentStateError extends AppError {
  constructor(
    readonly failure: StateFailure,
    message: string,
    /** Claims of an expired state: its signature was good, so they may be used to link back, never to act. */
    readonly expired?: ConsentState,
  ) {
    super(ErrorCode.Verification, message);
  }
}

/** Verifies signature, algorithm, issuer, audience and expiry. Does not consume the nonce (the caller does). */
export async function verifyConsentState(
  token: unknown,
  keys: StateKeys,
  now: Date = new Date(),
): Promise<ConsentState> {
  if (typeof token !== "string" || token.trim() === "") throw new ConsentStateError("missing", "no state");
  try {
    const { payload, protectedHeader } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? keys.byKid.get(header.kid) : undefined;
        if (!key) throw new ConsentStateError("forged", "unknown key id");
        return key;
      },
      { algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE, currentDate: now, clockTolerance: 30 },
    );
    const state = claimsOf(payload, protectedHeader.kid!);
    if (!state) throw new ConsentStateError("forged", "state claims are malformed");
    return state;
  } catch (err) {
    if (err instanceof ConsentStateError) throw err;
    if (err instanceof joseErrors.JWTExpired) {
      throw new ConsentStateError("expired", "state expired", claimsOf(err.payload, "") ?? undefined);
    }
    throw new ConsentStateError("forged", `state rejected: ${(err as Error).message}`);
  }
}

function claimsOf(p: JWTPayload, kid: string): ConsentState | null {
  const { acc, ai, sl, dom, cl, ph, tid, jti, exp } = p as Record<string, unknown>;
  if (typeof acc !== "string" || typeof ai !== "string" || typeof dom !== "string") return null;
  if (typeof sl !== "number" || !Number.isInteger(sl) || typeof cl !== "string" || !isCloud(cl)) return null;
  if (typeof jti !== "string" || jti.length < 16 || typeof exp !== "number") return null;
  if (ph !== "sign_in" && ph !== "admin_consent") return null;
  if (tid !== undefined && typeof tid !== "string") return null;
  // The admin-consent leg acts for the tenant the sign-in proved: it must name it.
  if (ph === "admin_consent" && !tid) return null;
  return {
    account: acc,
    appInstanceId: ai,
    slot: sl,
    domain: dom,
    cloud: cl,
    phase: ph,
    ...(tid ? { tenantId: tid } : {}),
    nonce: jti,
    expiresAt: new Date(exp * 1000),
    kid,
  };
}
