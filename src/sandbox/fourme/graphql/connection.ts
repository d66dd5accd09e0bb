// Relay connections as 4me serves them: `first`/`last` are required and between 1 and 100, cursors are opaque
// (base64 of the position, like graphql-ruby's), and `totalCount` counts the whole filtered list.
import { GraphQLError } from "graphql";

export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface Connection<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function encodeCursor(offset: number): string {
  return Buffer.from(String(offset + 1), "utf8").toString("base64url");
}

function decodeCursor(cursor: string, arg: string, field: string): number {
  const n = Number(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!Number.isInteger(n) || n < 1) {
    throw new GraphQLError(`Invalid cursor ${JSON.stringify(cursor)} for \`${arg}\` on ${field}`);
  }
  return n - 1;
}

function checkSize(value: number | null | undefined, arg: string, field: string): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new GraphQLError(`Argument \`${arg}\` on ${field} must be between 1 and ${MAX_PAGE_SIZE} (got ${value})`);
  }
}

/** One page of `items` (already filtered and ordered). Throws a GraphQL error for out-of-range arguments. */
export function paginate<T>(items: readonly T[], args: PageArgs, field: string): Connection<T> {
  checkSize(args.first, "first", field);
  checkSize(args.last, "last", field);
  if ((args.first ?? null) === null && (args.last ?? null) === null) {
    throw new GraphQLError(`You must provide \`first\` or \`last\` (1-${MAX_PAGE_SIZE}) to page through ${field}`);
  }
  let start = 0;
  let end = items.length;
  if (args.after) start = Math.min(end, decodeCursor(args.after, "after", field) + 1);
  if (args.before) end = Math.max(start, Math.min(end, decodeCursor(args.before, "before", field)));
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const nodes = items.slice(start, end);
  return {
    nodes,
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length ? encodeCursor(start) : null,
      endCursor: nodes.length ? encodeCursor(end - 1) : null,
    },
  };
}
