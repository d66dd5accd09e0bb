// A verification key nobody holds, per algorithm family. For an account that has no webhook policy, the customer
// endpoint still verifies the token's signature against one of these, so the refusal costs about what a customer's
// refused token costs: neither the answer nor its timing tells an outsider which accounts are customers.
import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);
const CURVES: Record<string, string> = { ES256: "P-256", ES384: "P-384", ES512: "P-521" };

let keys: Promise<Record<string, string>> | undefined;

/** Starts making the keys (off the event loop, once per process); resolves PEMs by algorithm family. */
export function decoyKeys(): Promise<Record<string, string>> {
  keys ??= (async () => {
    const pem = async (type: "rsa" | "ec", options: object) =>
      (await generate(type as "rsa", options as { modulusLength: number })).publicKey
        .export({ type: "spki", format: "pem" })
        .toString();
    const entries = await Promise.all([
      pem("rsa", { modulusLength: 2048 }).then((k) => ["RSA", k] as const),
      ...Object.entries(CURVES).map(([alg, namedCurve]) => pem("ec", { namedCurve }).then((k) => [alg, k] as const)),
    ]);
    return Object.fromEntries(entries);
  })();
  // A failure is tried again on the next call rather than kept.
  keys.catch(() => (keys = undefined));
  return keys;
}

/** The decoy key that fits the algorithm a token's header names (RSA for RS*, PS* and anything unknown). */
export async function decoyKeyFor(token: string): Promise<string> {
  const all = await decoyKeys();
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8")) as { alg?: unknown }).alg;
  } catch {
    alg = undefined;
  }
  return typeof alg === "string" && all[alg] ? all[alg] : all.RSA;
}
