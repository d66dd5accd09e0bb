// Verifies a 4me webhook JWT (4me-platform.md §3.2–3.3). Pure: no store, no network; the clock is passed in.
// Every failure is a VerificationError whose status is the HTTP answer: 400 malformed, 401 not trusted, 413 too big.
import { createPublicKey, type KeyObject } from "node:crypto";
import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { VerificationError } from "../errors.js";
import type { VerifiedWebhook, WebhookEnvelope } from "./types.js";

/** 4me's own receivers refuse tokens above 8 KiB (iPaaS jwt.rb); a real delivery is far smaller. */
export const MAX_TOKEN_BYTES = 8 * 1024;
/**
 * Tokens older than this (by `iat`) are refused. 4me sets `exp` only when the policy asks for it, so without this
 * bound a captured token would stay valid forever; the replay guard remembers jtis for the same window.
 */
export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;

export interface JwtPolicy {
  /** PEM (SPKI or certificate) of the webhook policy's public key. */
  publicKeyPem: string;
  /** Accepted `alg` values. Symmetric algorithms can never verify against a public key. */
  algorithms: readonly string[];
  /** Accepted `iss` values, exact. */
  issuers: readonly string[];
  audience?: string;
  clockToleranceSeconds: number;
  maxTokenAgeSeconds?: number;
}

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const envelopeSchema = z.looseObject({
  event: z.string().min(1).max(200),
  account_id: z.string().min(1).max(200),
  payload: z.record(z.string(), z.unknown()).default({}),
});

/** Parsed keys by PEM. Keys come from configuration and from stored customer policies: a small, bounded set. */
const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_LIMIT = 256;

function publicKey(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    try {
      key = createPublicKey(pem);
    } catch (err) {
      throw new VerificationError("verification key is not a usable public key", 401, { cause: err });
    }
    if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ec") {
      throw new VerificationError(`verification key type ${key.asymmetricKeyType} is not RSA or EC`, 401);
    }
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(pem, key);
  }
  return key;
}

/** The checks that need no key: size and shape. Run before looking a key up, so junk costs no store read. */
export function precheckToken(token: string): void {
  if (Buffer.byteLength(token, "utf8") > MAX_TOKEN_BYTES) {
    throw new VerificationError(`token larger than ${MAX_TOKEN_BYTES} bytes`, 413);
  }
  if (!JWS_COMPACT.test(token)) throw new VerificationError("token is not a compact JWS", 400);
}

/** Verifies the compact JWS and returns its claims. `now` is the verifier's clock. */
export async function verifyWebhookJwt(token: string, policy: JwtPolicy, now: Date): Promise<VerifiedWebhook> {
  precheckToken(token);
  // Only asymmetric algorithms: even if configuration allowed HS*, a public key must never serve as an HMAC secret.
  const algorithms = policy.algorithms.filter((a) => /^(RS|ES|PS)(256|384|512)$/.test(a));
  if (algorithms.length === 0) throw new VerificationError("no asymmetric algorithm allowed", 401);
  if (policy.issuers.length === 0) throw new VerificationError("no issuer to accept", 401);
  const key = publicKey(policy.publicKeyPem);

  let result;
  try {
    result = await jwtVerify(token, key, {
      algorithms,
      issuer: [...policy.issuers],
      audience: policy.audience,
      clockTolerance: policy.clockToleranceSeconds,
      maxTokenAge: policy.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS,
      requiredClaims: ["jti"],
      currentDate: now,
    });
  } catch (err) {
    throw toVerificationError(err);
  }

  const { payload, protectedHeader } = result;
  if (typeof payload.jti !== "string" || payload.jti.length === 0 || payload.jti.length > 200) {
    throw new VerificationError("jti claim is not a short string", 400);
  }
  const data = envelopeSchema.safeParse(payload.data);
  if (!data.success) throw new VerificationError("data claim is not a webhook envelope", 400);
  return {
    data: data.data as WebhookEnvelope,
    jti: payload.jti,
    issuer: payload.iss!,
    algorithm: protectedHeader.alg,
    issuedAt: payload.iat!,
    expiresAt: payload.exp,
  };
}

function toVerificationError(err: unknown): VerificationError {
  if (err instanceof VerificationError) return err;
  if (err instanceof joseErrors.JWTExpired) return new VerificationError("token expired", 401, { cause: err });
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    // claim and reason are jose's fixed vocabulary ("iss", "check_failed"), never token content.
    return new VerificationError(`claim ${err.claim} ${err.reason}`, 401, { cause: err });
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
    return new VerificationError("algorithm not allowed", 401, { cause: err });
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new VerificationError("signature invalid", 401, { cause: err });
  }
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) {
    return new VerificationError("token malformed", 400, { cause: err });
  }
  // jose throws TypeError when the key does not fit the header's algorithm (an RSA key for ES256, say).
  if (err instanceof TypeError) return new VerificationError("key does not match the algorithm", 401, { cause: err });
  return new VerificationError("token not verifiable", 401, { cause: err });
}
