// How secrets are kept: one sealed row per part (application, authorization_application, policy) and per
// data-secret field ("secret:<field id>"), so a delivery that carries one part rewrites only that part.
// Pure apart from the sealer; both store implementations use it inside their own transaction.
import type { InstanceSecrets, SecretsPatch } from "./types.js";
import type { Sealer } from "./seal.js";

export interface SealedPart {
  part: string;
  sealed: string;
}

export interface SecretWrites {
  upserts: SealedPart[];
  deletes: string[];
  /** Untouched parts sealed with an old key: re-sealed only if the row still holds `from` (compare-and-set). */
  reseals: { part: string; from: string; to: string }[];
}

const WHOLE_PARTS = ["application", "authorization_application", "policy"] as const;
const FIELD_PREFIX = "secret:";

/** Additional authenticated data of a sealed part: binds the value to its account and part. */
export function sealContext(account: string, part: string): string {
  return `${account}/${part}`;
}

export function planSecretWrites(
  account: string,
  patch: SecretsPatch,
  existing: SealedPart[],
  sealer: Sealer,
): SecretWrites {
  const upserts: SealedPart[] = [];
  const deletes: string[] = [];
  const put = (part: string, value: unknown) =>
    upserts.push({ part, sealed: sealer.seal(JSON.stringify(value), sealContext(account, part)) });

  for (const name of WHOLE_PARTS) {
    if (!(name in patch) || patch[name] === undefined) continue;
    const value = patch[name];
    if (value === null) deletes.push(name);
    else put(name, value);
  }
  if (patch.secrets === null) {
    deletes.push(...existing.filter((r) => r.part.startsWith(FIELD_PREFIX)).map((r) => r.part));
  } else if (patch.secrets) {
    for (const [field, value] of Object.entries(patch.secrets)) {
      if (value === undefined) continue;
      if (value === null) deletes.push(FIELD_PREFIX + field);
      else put(FIELD_PREFIX + field, value);
    }
  }

  const touched = new Set([...upserts.map((u) => u.part), ...deletes]);
  const reseals = existing
    .filter((r) => !touched.has(r.part) && sealer.isStale(r.sealed))
    .map((r) => {
      const context = sealContext(account, r.part);
      return { part: r.part, from: r.sealed, to: sealer.seal(sealer.unseal(r.sealed, context), context) };
    });
  return { upserts, deletes, reseals };
}

export function assembleSecrets(account: string, rows: SealedPart[], sealer: Sealer): InstanceSecrets {
  const out: InstanceSecrets = {};
  for (const row of rows) {
    const value: unknown = JSON.parse(sealer.unseal(row.sealed, sealContext(account, row.part)));
    if (row.part.startsWith(FIELD_PREFIX)) {
      (out.secrets ??= {})[row.part.slice(FIELD_PREFIX.length)] = value as string;
    } else if ((WHOLE_PARTS as readonly string[]).includes(row.part)) {
      (out as Record<string, unknown>)[row.part] = value;
    }
  }
  return out;
}
