// 4me connection filters over in-memory records. Each root connection declares which filter fields it supports
// and how to read them from a record; a filter field the sandbox does not implement is an error, never ignored.
import { GraphQLError } from "graphql";
import type { BaseRec } from "../store/records.js";
import type { Table } from "../store/table.js";
import { accountKey } from "../store/table.js";
import type { GqlContext } from "./context.js";

type Get<T> = (rec: T, ctx: GqlContext) => unknown;

export type FilterField<T> =
  /** `{values, negate}`: matches when any record value is among the values (`[]` or `[null]` = empty). */
  | { kind: "values"; get: Get<T>; fold?: boolean; index?: string }
  | { kind: "boolean"; get: Get<T> }
  /** `{greaterThan…, lessThan…}` over ISO 8601 dates and timestamps. */
  | { kind: "range"; get: Get<T> }
  /** Free text, matched case-insensitively as a substring. */
  | { kind: "query"; get: (rec: T, ctx: GqlContext) => (string | undefined)[] }
  /** `customFilters: [{name, values, negate}]`, read through `get(rec, name)`. */
  | { kind: "custom"; get: (rec: T, name: string, ctx: GqlContext) => unknown };

export type FilterSpec<T> = Record<string, FilterField<T>>;

interface ValuesFilter {
  values?: (string | null)[] | null;
  negate?: boolean | null;
}
interface RangeFilter {
  greaterThan?: string;
  greaterThanOrEqualTo?: string;
  lessThan?: string;
  lessThanOrEqualTo?: string;
  values?: (string | null)[] | null;
  negate?: boolean | null;
}
interface CustomFilter {
  name: string;
  values: (string | null)[];
  negate?: boolean | null;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : isEmpty(v) ? [] : [v]);
const norm = (v: unknown, fold: boolean) => (fold && typeof v === "string" ? v.trim().toLowerCase() : String(v));

function matchValues(recValue: unknown, f: ValuesFilter, fold: boolean): boolean {
  const wanted = f.values ?? [];
  const have = asList(recValue).map((v) => norm(v, fold));
  let hit: boolean;
  if (wanted.length === 0) hit = have.length === 0;
  else {
    const set = new Set(wanted.filter((w) => w !== null).map((w) => norm(w, fold)));
    hit = have.some((h) => set.has(h)) || (wanted.includes(null) && have.length === 0);
  }
  return f.negate ? !hit : hit;
}

function matchRange(recValue: unknown, f: RangeFilter): boolean {
  if (f.values) return matchValues(recValue, f, false);
  if (isEmpty(recValue)) return false;
  const t = Date.parse(String(recValue));
  const at = (s: string) => Date.parse(s);
  if (f.greaterThan !== undefined && !(t > at(f.greaterThan))) return false;
  if (f.greaterThanOrEqualTo !== undefined && !(t >= at(f.greaterThanOrEqualTo))) return false;
  if (f.lessThan !== undefined && !(t < at(f.lessThan))) return false;
  if (f.lessThanOrEqualTo !== undefined && !(t <= at(f.lessThanOrEqualTo))) return false;
  return true;
}

/** A custom filter value: "<x" and ">x" compare (as Lansweeper uses them on date-time fields), anything else equals. */
function matchCustom(recValue: unknown, f: CustomFilter): boolean {
  const have = isEmpty(recValue) ? null : String(recValue);
  const hit = f.values.some((w) => {
    if (w === null) return have === null;
    if (have === null) return false;
    if (w.startsWith("<")) return have < w.slice(1);
    if (w.startsWith(">")) return have > w.slice(1);
    return have === w;
  });
  return f.negate ? !hit : hit;
}

function matches<T>(rec: T, filter: Record<string, unknown>, spec: FilterSpec<T>, ctx: GqlContext): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    const field = spec[key];
    switch (field.kind) {
      case "values":
        if (!matchValues(field.get(rec, ctx), value as ValuesFilter, field.fold ?? false)) return false;
        break;
      case "boolean":
        if (Boolean(field.get(rec, ctx)) !== value) return false;
        break;
      case "range":
        if (!matchRange(field.get(rec, ctx), value as RangeFilter)) return false;
        break;
      case "query": {
        const q = String(value).toLowerCase();
        if (!field.get(rec, ctx).some((s) => s?.toLowerCase().includes(q))) return false;
        break;
      }
      case "custom":
        for (const cf of value as CustomFilter[]) if (!matchCustom(field.get(rec, cf.name, ctx), cf)) return false;
        break;
    }
  }
  return true;
}

/**
 * The records of `accounts` that pass `filter`. An indexed `values` filter (not negated, no empty test) narrows the
 * candidates first, so looking up 100 serial numbers among 100,000 CIs does not scan them all.
 */
export function applyFilter<T extends BaseRec>(
  table: Table<T>,
  accounts: string[],
  filter: Record<string, unknown> | null | undefined,
  spec: FilterSpec<T>,
  ctx: GqlContext,
  connection: string,
): T[] {
  const f = filter ?? {};
  for (const key of Object.keys(f)) {
    if (f[key] !== undefined && f[key] !== null && !spec[key]) {
      throw new GraphQLError(`The sandbox does not support filtering ${connection} on \`${key}\``);
    }
  }
  let candidates: T[] | undefined;
  for (const [key, value] of Object.entries(f)) {
    const field = spec[key];
    if (field?.kind !== "values" || !field.index || !table.hasIndex(field.index)) continue;
    const vf = value as ValuesFilter;
    const values = vf?.values ?? [];
    if (vf?.negate || values.length === 0 || values.includes(null)) continue;
    const seen = new Set<T>();
    for (const acc of accounts) {
      for (const v of values) {
        const k = accountKey(acc, v as string, field.fold);
        if (k) for (const r of table.lookup(field.index, k)) seen.add(r);
      }
    }
    candidates = [...seen].sort((a, b) => a.n - b.n);
    break;
  }
  candidates ??= accounts.flatMap((a) => table.inAccount(a));
  return candidates.filter((r) => matches(r, f, spec, ctx));
}

/** Shorthands for common specs. */
export const by = {
  values: <T>(get: Get<T>, opts: { fold?: boolean; index?: string } = {}): FilterField<T> => ({
    kind: "values",
    get,
    ...opts,
  }),
  boolean: <T>(get: Get<T>): FilterField<T> => ({ kind: "boolean", get }),
  range: <T>(get: Get<T>): FilterField<T> => ({ kind: "range", get }),
};
