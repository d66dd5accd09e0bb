// Several updates in one request: up to ten aliased root mutation fields (u0…u9), which GraphQL runs one after
// another. Counts as one request against the 4me request limits instead of ten. When 4me refuses any of them, the
// group is sent again one update per request, so each update gets its own answer (the updates only set values,
// so one applied twice is applied once).
import { chunk } from "./graphql-client.js";
import { LISTS_PER_QUERY } from "./customer-people.js";
import { FourMeCredentialsError } from "./token-cache.js";

export interface BatchOutcome<T> {
  update: T;
  /** Why 4me refused this update; absent when it was written. */
  error?: string;
}

/**
 * Runs `updates` ten per request with `many` (given the group, resolving when all were written); a group that fails
 * goes through `one` update at a time, and each failure is that update's error. Only 4me refusing the app's
 * credentials ends the call (nothing else can work then).
 */
export async function updateInGroups<T>(
  updates: readonly T[],
  many: (group: T[]) => Promise<void>,
  one: (update: T) => Promise<unknown>,
): Promise<BatchOutcome<T>[]> {
  const out: BatchOutcome<T>[] = [];
  for (const group of chunk(updates, LISTS_PER_QUERY)) {
    try {
      if (group.length === 1) await one(group[0]);
      else await many(group);
      out.push(...group.map((update) => ({ update })));
      continue;
    } catch (err) {
      if (!refusal(err)) throw err;
      if (group.length === 1) {
        out.push({ update: group[0], error: (err as Error).message });
        continue;
      }
    }
    for (const update of group) {
      try {
        await one(update);
        out.push({ update });
      } catch (err) {
        if (!refusal(err)) throw err;
        out.push({ update, error: (err as Error).message });
      }
    }
  }
  return out;
}

function refusal(err: unknown): boolean {
  return !(err instanceof FourMeCredentialsError);
}

/** The variables of a grouped mutation: inputs u0…u9 (a placeholder where unused) and their switches i0…i9. */
export function groupVariables<T>(inputs: readonly T[], placeholder: T): Record<string, T | boolean> {
  const vars: Record<string, T | boolean> = {};
  for (let i = 0; i < LISTS_PER_QUERY; i++) {
    vars[`u${i}`] = inputs[i] ?? placeholder;
    vars[`i${i}`] = i < inputs.length;
  }
  return vars;
}
