// Requests (compliance alerts), their notes, and the service instances, teams and request templates they use.
import { UpstreamError } from "../errors.js";
import { toRequest, toServiceInstance } from "./convert.js";
import { chunk, collectPages, type FourMeGraphQLClient } from "./graphql-client.js";
import { unique } from "./customer-cis.js";
import type {
  ReferencedRecord,
  Request,
  RequestCompletionReason,
  RequestCreate,
  RequestStatus,
  RequestTemplate,
  ServiceInstance,
  Team,
} from "./types.js";

/** Statuses after which a request is closed for our purposes. */
export const CLOSED_REQUEST_STATUSES: readonly RequestStatus[] = ["completed", "declined"];

export async function findRequestsBySource(
  client: FourMeGraphQLClient,
  source: string,
  sourceIDs: string[],
): Promise<Request[]> {
  const out: Request[] = [];
  for (const part of chunk(unique(sourceIDs))) {
    const nodes = await collectPages(
      async (after) => (await client.sdk.RequestsBySource({ source, sourceIDs: part, after })).requests,
    );
    out.push(...nodes.map(toRequest));
  }
  return out;
}

/** Requests raised for these sourceIDs that are still open (neither completed nor declined). */
export async function findOpenRequestsBySource(
  client: FourMeGraphQLClient,
  source: string,
  sourceIDs: string[],
): Promise<Request[]> {
  const all = await findRequestsBySource(client, source, sourceIDs);
  return all.filter((r) => !r.status || !CLOSED_REQUEST_STATUSES.includes(r.status));
}

export async function createRequest(client: FourMeGraphQLClient, input: RequestCreate): Promise<Request> {
  const data = await client.sdk.RequestCreate({ input });
  const request = data.requestCreate?.request;
  if (!request) throw new UpstreamError("requestCreate returned no request");
  return toRequest(request);
}

/** Adds a note to a request (or any record with notes). Internal notes are visible to specialists only. */
export async function addNote(
  client: FourMeGraphQLClient,
  ownerId: string,
  text: string,
  options: { internal?: boolean } = {},
): Promise<{ id: string }> {
  const data = await client.sdk.NoteCreate({ input: { ownerId, text, internal: options.internal } });
  const note = data.noteCreate?.note;
  if (!note) throw new UpstreamError("noteCreate returned no note");
  return { id: note.id };
}

/** Completes the request with a closing note. */
export async function completeRequest(
  client: FourMeGraphQLClient,
  id: string,
  note: string,
  reason: RequestCompletionReason = "solved",
): Promise<Request> {
  const data = await client.sdk.RequestUpdate({
    input: { id, status: "completed", completionReason: reason, note },
  });
  const request = data.requestUpdate?.request;
  if (!request) throw new UpstreamError("requestUpdate returned no request");
  return toRequest(request);
}

export async function findServiceInstances(client: FourMeGraphQLClient, names: string[]): Promise<ServiceInstance[]> {
  const out: ServiceInstance[] = [];
  for (const part of chunk(unique(names))) {
    const nodes = await collectPages(
      async (after) => (await client.sdk.ServiceInstances({ names: part, after })).serviceInstances,
    );
    out.push(...nodes.map(toServiceInstance));
  }
  return out;
}

export async function findTeams(client: FourMeGraphQLClient, names: string[]): Promise<Team[]> {
  const out: Team[] = [];
  for (const part of chunk(unique(names))) {
    const data = await client.sdk.TeamsByName({ names: part });
    for (const t of data.teams.nodes ?? []) {
      if (t) out.push({ id: t.id, name: t.name ?? undefined, disabled: t.disabled ?? false });
    }
  }
  return out;
}

/** Request templates whose subject is one of `subjects` (exact, as 4me's StringFilter compares), enabled or not. */
export async function findRequestTemplates(
  client: FourMeGraphQLClient,
  subjects: string[],
): Promise<RequestTemplate[]> {
  const out: RequestTemplate[] = [];
  for (const part of chunk(unique(subjects))) {
    const data = await client.sdk.RequestTemplatesBySubject({ subjects: part });
    for (const t of data.requestTemplates.nodes ?? []) {
      if (t) out.push({ id: t.id, name: t.subject ?? undefined, disabled: t.disabled ?? false });
    }
  }
  return out;
}

const REFERENCE_TYPES = new Set(["ServiceInstance", "Team", "RequestTemplate"]);

/**
 * A service instance, team or request template by node id; undefined when 4me shows no such record to this
 * account (or the id is of another type). 4me answers an id it cannot parse with a GraphQL error: not found too.
 */
export async function findReferencedRecord(
  client: FourMeGraphQLClient,
  id: string,
): Promise<ReferencedRecord | undefined> {
  let node;
  try {
    node = (await client.sdk.ReferenceNode({ id })).node;
  } catch (err) {
    if (err instanceof UpstreamError && /invalid|not found|couldn't find|could not find/i.test(err.message))
      return undefined;
    throw err;
  }
  if (!node || !REFERENCE_TYPES.has(node.__typename)) return undefined;
  const named = node as { name?: string | null; subject?: string | null; disabled?: boolean | null };
  return {
    type: node.__typename as ReferencedRecord["type"],
    id: node.id,
    name: (named.name ?? named.subject) || undefined,
    disabled: named.disabled ?? false,
  };
}
