// Keys and signed webhook tokens for tests: real keys generated per test run, real signatures, and the forged
// tokens a verifier must refuse (unsigned, HMAC with the public key as secret).
import { createHmac } from "node:crypto";
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import type { WebhookEnvelope } from "../../src/webhooks/types.js";

export interface TestKey {
  alg: string;
  privateKey: CryptoKey;
  publicKeyPem: string;
}

/** A fresh key pair for an asymmetric JWS algorithm (RS256, ES512, …), the public half as SPKI PEM. */
export async function makeKey(alg = "RS256"): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicKeyPem: await exportSPKI(publicKey) };
}

export interface SignOptions {
  issuer?: string;
  audience?: string;
  /** Epoch seconds. Defaults to now. */
  iat?: number;
  nbf?: number;
  exp?: number;
  jti?: string;
  /** Leave out the jti claim. */
  noJti?: boolean;
  kid?: string;
  /** Extra header parameters or claim overrides. */
  claims?: JWTPayload;
}

let jtiCounter = 0;
export function freshJti(): string {
  jtiCounter++;
  return `${Date.now().toString(16)}${jtiCounter.toString(16).padStart(8, "0")}`.padEnd(64, "0");
}

/** Signs a 4me-style webhook token: envelope under `data`, iss/iat/nbf/jti/sub as 4me sets them. */
export async function signWebhook(
  key: TestKey,
  data: Partial<WebhookEnvelope> & { event: string },
  options: SignOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = options.iat ?? now;
  const jwt = new SignJWT({ data, ...options.claims })
    .setProtectedHeader({ alg: key.alg, typ: "JWT", ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuedAt(iat)
    .setNotBefore(options.nbf ?? iat)
    .setSubject(String(data.webhook_id ?? 1));
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  if (options.exp !== undefined) jwt.setExpirationTime(options.exp);
  if (!options.noJti) jwt.setJti(options.jti ?? freshJti());
  return jwt.sign(key.privateKey);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function claimsOf(data: unknown, issuer: string): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iss: issuer, iat: now, nbf: now, jti: freshJti(), data };
}

/** An `alg: none` token: header and claims, empty signature. */
export function unsignedToken(data: unknown, issuer: string): string {
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claimsOf(data, issuer))}.`;
}

/** The RS/HS confusion forgery: HS256 with the verifier's public key PEM as the HMAC secret. */
export function hmacWithPublicKey(publicKeyPem: string, data: unknown, issuer: string, alg = "HS256"): string {
  const input = `${b64url({ alg, typ: "JWT" })}.${b64url(claimsOf(data, issuer))}`;
  const hash = { HS256: "sha256", HS384: "sha384", HS512: "sha512" }[alg] ?? "sha256";
  return `${input}.${createHmac(hash, publicKeyPem).update(input).digest("base64url")}`;
}
