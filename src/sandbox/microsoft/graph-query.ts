// OData query options of managedDevices as Intune supports them: $select, $top (≤ 1000), an opaque $skiptoken,
// and the narrow $filter of the CSDL descriptions (only listed operators; `or` only within one property).
import { isProperty } from "../fleet/graph-shape.js";

export type Version = "v1.0" | "beta";
export class QueryError extends Error {}

export function parseSelect(version: Version, raw: string | undefined): string[] | null {
  return parseSelectOf(raw, "managedDevice", (p) => isProperty(version, p));
}

/** A $select list of an entity type whose properties `known` recognises; null without $select. */
export function parseSelectOf(raw: string | undefined, type: string, known: (p: string) => boolean): string[] | null {
  if (raw === undefined) return null;
  const props = raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (props.length === 0) throw new QueryError("Invalid $select: the list is empty.");
  for (const p of props) {
    if (!known(p)) throw new QueryError(`Could not find a property named '${p}' on type 'microsoft.graph.${type}'.`);
  }
  return props;
}

export function parseTop(raw: string | undefined): number {
  if (raw === undefined) return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new QueryError(`Invalid $top value '${raw}': it must be between 1 and 1000.`);
  return n;
}

export interface PageCursor {
  /** Next position in the tenant's device sequence. */
  position: number;
  /** Id of the last device served: paging resumes after it if the fleet shifted. */
  lastId: string;
  /** @odata.count of the query, computed on its first page. */
  count: number;
}

export function encodeSkipToken(c: PageCursor): string {
  return Buffer.from(JSON.stringify([c.position, c.lastId, c.count])).toString("base64url");
}

export function decodeSkipToken(raw: string): PageCursor {
  try {
    const [position, lastId, count] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown[];
    if (typeof position === "number" && typeof lastId === "string" && typeof count === "number")
      return { position, lastId, count };
  } catch {
    // fall through
  }
  throw new QueryError("The $skiptoken is invalid or expired.");
}

/** Filterable properties and their operators (CSDL v1.0 descriptions, microsoft-graph-intune.md §1). */
const FILTERABLE: Record<string, readonly string[]> = {
  azureADDeviceId: ["eq"],
  complianceGracePeriodExpirationDateTime: ["lt", "gt"],
  complianceState: ["eq"],
  deviceCategoryDisplayName: ["eq"],
  deviceName: ["eq", "contains"],
  emailAddress: ["contains"],
  enrolledDateTime: ["lt", "gt"],
  exchangeAccessState: ["eq"],
  imei: ["eq"],
  jailBroken: ["eq"],
  lastSyncDateTime: ["lt", "gt"],
  managementAgent: ["eq"],
  managementState: ["eq"],
  manufacturer: ["eq"],
  model: ["eq", "contains"],
  operatingSystem: ["eq"],
  osVersion: ["contains"],
  phoneNumber: ["contains"],
  serialNumber: ["eq"],
  userPrincipalName: ["eq", "ne"],
};

type Cmp = { prop: string; op: string; value: string };
export type Filter = (d: Record<string, unknown>) => boolean;

const TOKEN = /\s*(\(|\)|,|'(?:[^']|'')*'|\d{4}-\d{2}-\d{2}T[0-9:.]+Z|[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(s: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < s.length) {
    if (/^\s*$/.test(s.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(s);
    if (!m) throw new QueryError(`Invalid filter clause near '${s.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}'.`);
    out.push(m[1]!);
  }
  return out;
}

function compare(d: Record<string, unknown>, c: Cmp): boolean {
  const v = String(d[c.prop] ?? "").toLowerCase();
  const w = c.value.toLowerCase();
  switch (c.op) {
    case "eq":
      return v === w;
    case "ne":
      return v !== w;
    case "gt":
      return v > w;
    case "lt":
      return v < w;
    default:
      return v.includes(w);
  }
}

export function parseFilter(version: Version, raw: string | undefined): Filter | null {
  if (raw === undefined || raw.trim() === "") return null;
  const t = tokenize(raw);
  let i = 0;
  const literal = (tok: string | undefined): string => {
    if (tok === undefined) throw new QueryError("Invalid filter clause: a value is missing.");
    return tok.startsWith("'") ? tok.slice(1, -1).replace(/''/g, "'") : tok;
  };
  const cmp = (): Cmp => {
    const first = t[i++];
    if (first === "contains" && t[i] === "(") {
      const prop = t[i + 1]!;
      const value = literal(t[i + 3]);
      i += 5;
      return check({ prop, op: "contains", value });
    }
    const op = t[i++]?.toLowerCase() ?? "";
    return check({ prop: first ?? "", op, value: literal(t[i++]) });
  };
  const check = (c: Cmp): Cmp => {
    if (!isProperty(version, c.prop))
      throw new QueryError(`Could not find a property named '${c.prop}' on type 'microsoft.graph.managedDevice'.`);
    if (!FILTERABLE[c.prop]?.includes(c.op))
      throw new QueryError(`Invalid filter clause: '${c.op}' is not supported on '${c.prop}'.`);
    return c;
  };
  const group = (): Cmp[] => {
    const paren = t[i] === "(" ? (i++, true) : false;
    const items = [cmp()];
    while (t[i]?.toLowerCase() === "or") {
      i++;
      items.push(cmp());
    }
    if (paren && t[i++] !== ")") throw new QueryError("Invalid filter clause: ')' expected.");
    if (new Set(items.map((c) => c.prop)).size > 1)
      throw new QueryError("Invalid filter clause: 'or' can only combine conditions on one property.");
    return items;
  };
  const groups = [group()];
  while (t[i]?.toLowerCase() === "and") {
    i++;
    groups.push(group());
  }
  if (i < t.length) throw new QueryError(`Invalid filter clause near '${t[i]}'.`);
  return (d) => groups.every((g) => g.some((c) => compare(d, c)));
}

const UNSUPPORTED = ["$expand", "$search", "$orderby", "$skip"];

export function rejectUnsupported(query: Record<string, string>): void {
  for (const k of UNSUPPORTED)
    if (query[k] !== undefined) throw new QueryError(`The query option '${k}' is not supported on managedDevices.`);
}
