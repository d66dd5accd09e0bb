// Webhook policy key pairs. 4me shows the public key once, at policy creation; the private key never leaves it.
import { randomUUID } from "node:crypto";
import { exportSPKI, generateKeyPair, type CryptoKey } from "jose";

export interface PolicyKeys {
  privateKey: CryptoKey;
  publicKeyPem: string;
  kid: string;
}

/** Policy algorithms the sandbox signs with: the asymmetric ones 4me offers (hs* and none are refused). */
export const SIGNING_ALGS = ["rs256", "rs384", "rs512", "es256", "es384", "es512"] as const;

export async function generatePolicyKeys(jwtAlg: string): Promise<PolicyKeys> {
  const alg = jwtAlg.toUpperCase();
  if (!(SIGNING_ALGS as readonly string[]).includes(jwtAlg.toLowerCase())) {
    throw new Error(`the sandbox signs webhooks with ${SIGNING_ALGS.join(", ")} only, not ${jwtAlg}`);
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicKeyPem: await exportSPKI(publicKey), kid: randomUUID() };
}
