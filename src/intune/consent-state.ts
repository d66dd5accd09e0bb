// The admin-consent `state`: a short-lived, signed token that binds the customer account, app instance, tenant
// slot/domain, cloud and a nonce (single use through the store). HS256 with a key derived by HKDF from the
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

export interface ConsentStateInput {
  account: string;
  appInstanceId: string;
  slot: number;
  domain: string;
  cloud: Cloud;
}

export interface ConsentState extends ConsentStateInput {
  nonce: string;
  expiresAt: Date;
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
  })
    .setProtectedHeader({ alg: ALG, kid: keys.currentKid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(nonce)
    .sign(keys.byKid.get(keys.currentKid)!);
  return { token, state: { ...input, nonce, expiresAt: new Date(exp * 1000) } };
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
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? keys.byKid.get(header.kid) : undefined;
        if (!key) throw new ConsentStateError("forged", "unknown key id");
        return key;
      },
      { algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE, currentDate: now, clockTolerance: 30 },
    );
    const state = claimsOf(payload);
    if (!state) throw new ConsentStateError("forged", "state claims are malformed");
    return state;
  } catch (err) {
    if (err instanceof ConsentStateError) throw err;
    if (err instanceof joseErrors.JWTExpired) {
      throw new ConsentStateError("expired", "state expired", claimsOf(err.payload) ?? undefined);
    }
    throw new ConsentStateError("forged", `state rejected: ${(err as Error).message}`);
  }
}

function claimsOf(p: JWTPayload): ConsentState | null {
  const { acc, ai, sl, dom, cl, jti, exp } = p as Record<string, unknown>;
  if (typeof acc !== "string" || typeof ai !== "string" || typeof dom !== "string") return null;
  if (typeof sl !== "number" || !Number.isInteger(sl) || typeof cl !== "string" || !isCloud(cl)) return null;
  if (typeof jti !== "string" || jti.length < 16 || typeof exp !== "number") return null;
  return {
    account: acc,
    appInstanceId: ai,
    slot: sl,
    domain: dom,
    cloud: cl,
    nonce: jti,
    expiresAt: new Date(exp * 1000),
  };
}
