// A root connection end to end: view → accounts, filter, order, page.
import { GraphQLError } from "graphql";
import type { BaseRec } from "../store/records.js";
import type { Table } from "../store/table.js";
import { paginate, type Connection, type PageArgs } from "./connection.js";
import type { GqlContext } from "./context.js";
import { applyFilter, type FilterSpec } from "./filters.js";

export interface ListArgs extends PageArgs {
  view?: string | null;
  filter?: Record<string, unknown> | null;
  order?: { field: string; direction?: "asc" | "desc" | null }[] | null;
}

export interface ListOptions<T> {
  connection: string;
  filters: FilterSpec<T>;
  /** Accounts that `view: all` shows besides the current one (people: the directory account). */
  allAccounts?: (ctx: GqlContext) => string[];
  /** Order fields whose value is not the record property of the same name. */
  orderBy?: Record<string, (rec: T, ctx: GqlContext) => unknown>;
}

/** Views the sandbox serves. Others (supported_by_my_teams, archive, trash…) are refused rather than guessed. */
function accountsFor<T>(view: string | null | undefined, ctx: GqlContext, opts: ListOptions<T>): string[] {
  switch (view ?? "current_account") {
    case "current_account":
      return [ctx.account];
    case "all":
      return opts.allAccounts ? opts.allAccounts(ctx) : [ctx.account];
    default:
      throw new GraphQLError(`The sandbox does not support view \`${view}\` on ${opts.connection}`);
  }
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

export function sortRecords<T extends BaseRec>(
  records: T[],
  args: ListArgs,
  opts: ListOptions<T>,
  ctx: GqlContext,
): T[] {
  const order = args.order ?? [];
  if (order.length === 0) return records;
  const keys = order.map(({ field, direction }) => {
    const get = opts.orderBy?.[field] ?? ((r: T) => (r as unknown as Record<string, unknown>)[field]);
    const sign = direction === "desc" ? -1 : 1;
    return { get, sign };
  });
  return [...records].sort((a, b) => {
    for (const { get, sign } of keys) {
      const c = compare(get(a, ctx), get(b, ctx));
      if (c !== 0) return c * sign;
    }
    return a.n - b.n;
  });
}

/**
 * Filtered and ordered lists, remembered while the store is unchanged: paging through 100,000 CIs 100 at a time
 * filters once instead of a thousand times.
 */
const listCache = new WeakMap<Table<BaseRec>, { version: number; entries: Map<string, BaseRec[]> }>();

function cached<T extends BaseRec>(table: Table<T>, ctx: GqlContext, key: string, compute: () => T[]): T[] {
  const t = table as unknown as Table<BaseRec>;
  let c = listCache.get(t);
  if (!c || c.version !== ctx.store.version) listCache.set(t, (c = { version: ctx.store.version, entries: new Map() }));
  let hit = c.entries.get(key) as T[] | undefined;
  if (!hit) {
    if (c.entries.size >= 16) c.entries.delete(c.entries.keys().next().value!);
    c.entries.set(key, (hit = compute()));
  }
  return hit;
}

export function listRecords<T extends BaseRec>(
  table: Table<T>,
  args: ListArgs,
  ctx: GqlContext,
  opts: ListOptions<T>,
): Connection<T> {
  const accounts = accountsFor(args.view, ctx, opts);
  const key = JSON.stringify([accounts, args.filter ?? null, args.order ?? null]);
  const list = cached(table, ctx, key, () =>
    sortRecords(applyFilter(table, accounts, args.filter, opts.filters, ctx, opts.connection), args, opts, ctx),
  );
  return paginate(list, args, opts.connection);
}

/** A nested connection over ids held by a record (a CI's users, a request's notes…), in the order held. */
export function listIds<T>(
  ids: readonly string[],
  resolve: (id: string) => T | undefined,
  args: PageArgs,
  field: string,
) {
  const items = ids.map(resolve).filter((x): x is T => x !== undefined);
  return paginate(items, args, field);
}
