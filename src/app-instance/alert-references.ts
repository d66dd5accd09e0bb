// The alert settings' references ("Default service instance", "Team", "Request template") as the administrator
// types them: a name (what the 4me UI shows: a service instance's or team's name, a request template's subject) or a
// node id. 4me's requestCreate takes node ids only and refuses any other text, so each reference is resolved at every
// refresh of the instance and the alerts use the id found; the form shows what was found, or that nothing was. A
// reference is looked up by exact name (subject) first, preferring enabled records, then by node id. The
// requestTemplates connection is in the current SDK, not in the shared reference subset (see
// test/fixtures/reference/4me-schema-additions.graphql).
import type { CustomerApi } from "../fourme/customer-api.js";
import type { AlertSettings } from "./settings.js";

export interface FoundRecord {
  id: string;
  /** Name (a template's subject). */
  name?: string;
  disabled?: boolean;
}

/** The lookups, in the customer account (CustomerApi provides them). */
export interface ReferenceLookup {
  serviceInstancesByName(name: string): Promise<FoundRecord[]>;
  teamsByName(name: string): Promise<FoundRecord[]>;
  requestTemplatesBySubject(subject: string): Promise<FoundRecord[]>;
  byId(id: string): Promise<(FoundRecord & { type: string }) | undefined>;
}

type Kind = "serviceInstance" | "team" | "template";
const KINDS: { kind: Kind; key: "serviceInstanceId" | "teamId" | "templateId"; label: string; type: string }[] = [
  { kind: "serviceInstance", key: "serviceInstanceId", label: "Service instance", type: "ServiceInstance" },
  { kind: "team", key: "teamId", label: "Team", type: "Team" },
  { kind: "template", key: "templateId", label: "Request template", type: "RequestTemplate" },
];

/** Node ids are opaque base64 text: no spaces, at least a dozen characters. A name may look like one too. */
const LOOKS_LIKE_NODE_ID = /^[A-Za-z0-9+/_=-]{12,}$/;

export interface ResolvedReferences {
  /** The settings with each reference replaced by the node id found; a reference not found is left out. */
  alerts: AlertSettings;
  /** Why alerts cannot go out as configured (a reference not found, or not checked); undefined when they can. */
  problem?: string;
  /** What the form shows (Field.alertsReferences): one line per reference set. */
  status: string;
}

export async function resolveAlertReferences(
  alerts: AlertSettings,
  lookup: ReferenceLookup,
): Promise<ResolvedReferences> {
  const out: AlertSettings = { ...alerts };
  const lines: string[] = [];
  const problems: string[] = [];
  for (const { kind, key, label, type } of KINDS) {
    const typed = alerts[key];
    if (!typed) continue;
    delete out[key];
    let found: FoundRecord | undefined;
    let why = "";
    try {
      found = await find(kind, type, typed, lookup);
    } catch (err) {
      why = `could not be checked (${(err as Error).message.slice(0, 200)}); it is checked again at the next save`;
    }
    if (found?.disabled) {
      why = `"${found.name ?? typed}" is disabled in 4me`;
      found = undefined;
    }
    if (found) {
      out[key] = found.id;
      lines.push(`${label}: ${found.name ?? typed} (found)`);
    } else {
      why ||=
        kind === "template"
          ? `no request template has the subject or id "${typed}"`
          : `no ${label.toLowerCase()} has the name or id "${typed}"`;
      lines.push(`${label}: not found: ${why}`);
      problems.push(`${label}: ${why}`);
    }
  }
  return {
    alerts: out,
    problem: problems.length ? `no request raised, fix the form: ${problems.join("; ")}` : undefined,
    status: lines.join("\n"),
  };
}

async function find(
  kind: Kind,
  type: string,
  typed: string,
  lookup: ReferenceLookup,
): Promise<FoundRecord | undefined> {
  const byName =
    kind === "team"
      ? await lookup.teamsByName(typed)
      : kind === "template"
        ? await lookup.requestTemplatesBySubject(typed)
        : await lookup.serviceInstancesByName(typed);
  const exact = byName.filter((r) => r.name === typed);
  const enabled = exact.filter((r) => !r.disabled);
  if (enabled.length === 1 || (enabled.length === 0 && exact.length === 1)) return enabled[0] ?? exact[0];
  if (enabled.length > 1) throw new Error(`${enabled.length} records have the name "${typed}": give its id`);
  if (!LOOKS_LIKE_NODE_ID.test(typed)) return undefined;
  const record = await lookup.byId(typed);
  return record && record.type === type ? record : undefined;
}

/** The lookups through the customer account's API, opened on first use (its credentials may not be there yet). */
export function lookupThrough(
  open: () => Promise<
    Pick<CustomerApi, "findServiceInstances" | "findTeams" | "findRequestTemplates" | "findReferencedRecord">
  >,
): ReferenceLookup {
  let api: ReturnType<typeof open> | undefined;
  const get = () => (api ??= open());
  return {
    serviceInstancesByName: async (name) => (await get()).findServiceInstances([name]),
    teamsByName: async (name) => (await get()).findTeams([name]),
    requestTemplatesBySubject: async (subject) => (await get()).findRequestTemplates([subject]),
    byId: async (id) => (await get()).findReferencedRecord(id),
  };
}
