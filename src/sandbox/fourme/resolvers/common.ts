// Small helpers shared by the resolver modules.
import type { GqlContext } from "../graphql/context.js";
import type { BaseRec } from "../store/records.js";
import type { Table } from "../store/table.js";
import { accountUrl } from "../urls.js";

/** A record of the current account by node id; records of other accounts are invisible, as in 4me. */
export function own<T extends BaseRec>(table: Table<T>, id: string | null | undefined, ctx: GqlContext): T | undefined {
  const rec = table.get(id);
  return rec && rec.account === ctx.account ? rec : undefined;
}

/** Copies the listed keys that are present in `input` (null clears). */
export function pick<T extends object>(
  input: Record<string, unknown>,
  keys: readonly (keyof T & string)[],
): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (input[k] !== undefined) out[k] = input[k] === null ? undefined : input[k];
  return out as Partial<T>;
}

export function accountObject(ctx: GqlContext, id: string | undefined) {
  if (!id) return null;
  const acc = ctx.store.accounts.get(id);
  return { __typename: "Account", id, name: acc?.name ?? id, url: accountUrl(ctx.settings.accountUrlTemplate, id) };
}

export const isoNow = (ctx: GqlContext) => new Date(ctx.store.clock.now()).toISOString();
