// The RSA key pair that signs ID tokens, made when the simulator starts and published at discovery/v2.0/keys as
// Microsoft publishes its keys (kty, use, kid, x5t, n, e, issuer). A second key, never published, signs the ID tokens
// of the "signature" tamper control, so a verifier that checks signatures refuses them.
import { createHash, webcrypto } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

async function makeKey(): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  // Microsoft's kid and x5t are the base64url SHA-1 thumbprint of the signing certificate; without a certificate the
  // thumbprint of the public key (SPKI DER) plays that part.
  const der = Buffer.from(await webcrypto.subtle.exportKey("spki", publicKey));
  const kid = createHash("sha1").update(der).digest("base64url");
  return { privateKey, publicJwk, kid };
}

export class SigningKeys {
  private constructor(
    private readonly published: KeyPair,
    private readonly unpublished: KeyPair,
  ) {}

  static async create(): Promise<SigningKeys> {
    const [published, unpublished] = await Promise.all([makeKey(), makeKey()]);
    return new SigningKeys(published, unpublished);
  }

  get kid(): string {
    return this.published.kid;
  }

  /** The signing key; `unpublished` gives the key no JWKS lists (same kid, so only the signature check catches it). */
  signingKey(unpublished = false): CryptoKey {
    return (unpublished ? this.unpublished : this.published).privateKey;
  }

  /** The JWKS document, keyed as Microsoft's: one RSA signing key with the issuer it signs for. */
  jwks(issuer: string): { keys: Record<string, unknown>[] } {
    const { n, e } = this.published.publicJwk;
    return { keys: [{ kty: "RSA", use: "sig", kid: this.kid, x5t: this.kid, n, e, issuer }] };
  }
}
