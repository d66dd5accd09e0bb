// The RSA key pair that signs ID tokens, published at discovery/v2.0/keys as Microsoft publishes its keys (kty, use,
// kid, x5t, n, e, issuer). A second key, never published, signs the ID tokens of the "signature" tamper control, so a
// verifier that checks signatures refuses them.
import { createHash, webcrypto } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

async function makeKey(): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  // Microsoft's kid and x5t are the base64url SHA-1 thumbprint of the signing certificate; without a certificate the
  // thumbprint of the public key (SPKI DER) plays that part.
  const der = Buffer.from(await webcrypto.subtle.exportKey("spki", publicKey));
  const kid = createHash("sha1").update(der).digest("base64url");
  return { privateKey, publicJwk, kid };
}

// RSA key generation costs about half a second of CPU per key on the shared test machine, so a process makes each
// pair once, on first use (a simulator that never signs anyone in makes none), and every simulator in it shares them.
let published: Promise<KeyPair> | undefined;
let unpublished: Promise<KeyPair> | undefined;

export class SigningKeys {
  private published(): Promise<KeyPair> {
    return (published ??= makeKey());
  }

  async kid(): Promise<string> {
    return (await this.published()).kid;
  }

  /** The signing key; `unpublished` gives the key no JWKS lists (same kid, so only the signature check catches it). */
  async signingKey(unpublishedKey = false): Promise<CryptoKey> {
    return (await (unpublishedKey ? (unpublished ??= makeKey()) : this.published())).privateKey;
  }

  /** The JWKS document, keyed as Microsoft's: one RSA signing key with the issuer it signs for. */
  async jwks(issuer: string): Promise<{ keys: Record<string, unknown>[] }> {
    const { publicJwk, kid } = await this.published();
    return { keys: [{ kty: "RSA", use: "sig", kid, x5t: kid, n: publicJwk.n, e: publicJwk.e, issuer }] };
  }
}
