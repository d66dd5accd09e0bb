// What the provider side records in the store, beside the customers' instances: the webhook policy key that
// offering:publish got from 4me, and the provider webhooks the server has verified. Kept as sealed secrets of a
// reserved name that no 4me account id can take ("~" is not allowed in one), so:
// - the server can start before the first publish and read the key as soon as publish records it, on every replica;
// - the key is sealed with AES-256-GCM like any secret, so someone who can write the database but has no SECRET_KEY
//   cannot put in a key of their own and forge provider webhooks (the value no longer unseals);
// - publish can tell which webhooks passed 4me's webhook.verify, which 4me's API does not show.
import type { InstanceStore } from "./types.js";

export const PROVIDER_RECORDS_ACCOUNT = "~provider";
const VERIFIED_PREFIX = "verified:";

export interface RecordedPolicyKey {
  policyId: string;
  /** JWT algorithm, upper case (ES512). */
  algorithm: string;
  publicKeyPem: string;
}

export async function recordPolicyKey(store: InstanceStore, key: RecordedPolicyKey): Promise<void> {
  await store.mergeSecrets(PROVIDER_RECORDS_ACCOUNT, {
    policy: { nodeID: key.policyId, algorithm: key.algorithm.toUpperCase(), public_key: key.publicKeyPem },
  });
}

export async function readPolicyKey(store: InstanceStore): Promise<RecordedPolicyKey | undefined> {
  const policy = (await store.getSecrets(PROVIDER_RECORDS_ACCOUNT)).policy;
  if (!policy?.public_key || !policy.nodeID) return undefined;
  return { policyId: policy.nodeID, algorithm: policy.algorithm, publicKeyPem: policy.public_key };
}

/** The server GOT a provider webhook's verification callback: 4me now delivers to it. */
export async function recordWebhookVerified(store: InstanceStore, webhookNodeId: string, at: Date): Promise<void> {
  await store.mergeSecrets(PROVIDER_RECORDS_ACCOUNT, {
    secrets: { [VERIFIED_PREFIX + webhookNodeId]: at.toISOString() },
  });
}

/** Node ids of the provider webhooks the server verified, with when. */
export async function verifiedWebhooks(store: InstanceStore): Promise<Map<string, string>> {
  const fields = (await store.getSecrets(PROVIDER_RECORDS_ACCOUNT)).secrets ?? {};
  return new Map(
    Object.entries(fields)
      .filter(([k]) => k.startsWith(VERIFIED_PREFIX))
      .map(([k, v]) => [k.slice(VERIFIED_PREFIX.length), v]),
  );
}

/**
 * The recorded key for the webhook receiver, read again at most every `ttlMs` once found. Not found is never kept:
 * the first webhook.verify arrives moments after publish records the key.
 */
export function recordedKeySource(
  store: InstanceStore,
  ttlMs = 10_000,
  now: () => number = Date.now,
): () => Promise<RecordedPolicyKey | undefined> {
  let cached: { key: RecordedPolicyKey; until: number } | undefined;
  return async () => {
    if (cached && now() < cached.until) return cached.key;
    const key = await readPolicyKey(store);
    cached = key && { key, until: now() + ttlMs };
    return key;
  };
}
