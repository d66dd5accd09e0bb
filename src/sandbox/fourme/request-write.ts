// Requests and their notes with 4me's validations.
import { unknownCustomFieldIds, mergeCustomFields } from "./custom-fields.js";
import type { NoteRec, RequestRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { Errors, LIMITS, Msg, type ValidationError } from "./validation.js";

export interface RequestInput {
  subject?: string | null;
  category?: string | null;
  impact?: string | null;
  status?: string | null;
  urgent?: boolean | null;
  requestedForId?: string | null;
  requestedById?: string | null;
  configurationItemIds?: string[] | null;
  serviceInstanceId?: string | null;
  teamId?: string | null;
  memberId?: string | null;
  templateId?: string | null;
  completionReason?: string | null;
  note?: string | null;
  internalNote?: string | null;
  customFields?: { id: string; value?: unknown }[] | null;
  source?: string | null;
  sourceID?: string | null;
}

const SCALARS = [
  "subject",
  "category",
  "impact",
  "status",
  "urgent",
  "completionReason",
  "source",
  "sourceID",
] as const;
const REFS = ["requestedForId", "requestedById", "serviceInstanceId", "teamId", "memberId", "templateId"] as const;

export function addNote(
  store: FourMeStore,
  request: RequestRec,
  text: string,
  internal: boolean,
  personId?: string,
): NoteRec {
  const note = store.notes.insert(request.account, { ownerId: request.id, text, internal, personId });
  store.requests.update(request, { noteIds: [...request.noteIds, note.id] });
  return note;
}

function checkRefs(
  store: FourMeStore,
  account: string,
  input: RequestInput,
  existing: RequestRec | undefined,
  e: Errors,
) {
  const people = store.peopleAccounts(account);
  const person = (id: string) => people.includes(store.people.get(id)?.account ?? "");
  if (input.requestedForId && !person(input.requestedForId))
    e.add("requestedForId", Msg.notFound("Person", input.requestedForId));
  if (input.requestedById && !person(input.requestedById))
    e.add("requestedById", Msg.notFound("Person", input.requestedById));
  if (input.memberId && !person(input.memberId)) e.add("memberId", Msg.notFound("Person", input.memberId));
  if (input.teamId && store.teams.get(input.teamId)?.account !== account)
    e.add("teamId", Msg.notFound("Team", input.teamId));
  if (input.serviceInstanceId && store.serviceInstances.get(input.serviceInstanceId)?.account !== account) {
    e.add("serviceInstanceId", Msg.notFound("Service instance", input.serviceInstanceId));
  }
  if (input.templateId) {
    const template = store.requestTemplates.get(input.templateId);
    if (template?.account !== account) e.add("templateId", Msg.notFound("Request template", input.templateId));
    else if (template.disabled) e.add("templateId", Msg.disabledTemplate(input.templateId));
  }
  for (const id of input.configurationItemIds ?? []) {
    const ci = store.cis.get(id);
    if (!ci || ci.account !== account) e.add("configurationItemIds", Msg.notFound("Configuration item", id));
    // Only a new link is refused: a CI that became removed while linked stays linked (4me blog, §8.1).
    else if (ci.status === "removed" && !existing?.configurationItemIds.includes(id)) {
      e.add("configurationItemIds", Msg.removedCi(ci.name));
    }
  }
}

export function writeRequest(
  store: FourMeStore,
  account: string,
  input: RequestInput,
  personId: string | undefined,
  existing?: RequestRec,
): { errors: ValidationError[]; request?: RequestRec } {
  const next: Partial<RequestRec> = {};
  for (const k of [...SCALARS, ...REFS])
    if (input[k] !== undefined) (next as Record<string, unknown>)[k] = input[k] ?? undefined;
  if (input.configurationItemIds !== undefined) next.configurationItemIds = input.configurationItemIds ?? [];
  const merged = { ...existing, ...next };
  const e = new Errors();
  e.required("subject", "Subject", merged.subject);
  e.maxLength("subject", "Subject", merged.subject, LIMITS.subject);
  e.maxLength("source", "Source", merged.source, LIMITS.source);
  e.maxLength("sourceID", "Source ID", merged.sourceID, LIMITS.sourceID);
  if (merged.status === "completed" || merged.status === "declined") {
    e.required(
      "completionReason",
      "Completion reason",
      merged.completionReason ?? (merged.status === "declined" ? "declined" : undefined),
    );
  }
  checkRefs(store, account, input, existing, e);
  // Sandbox request templates carry no UI extension, so no custom field is defined on a request.
  for (const id of unknownCustomFieldIds(store, undefined, input.customFields))
    e.add("customFields", Msg.unknownCustomField(id));
  if (!e.empty) return { errors: e.list };

  const now = new Date(store.clock.now()).toISOString();
  if (next.status === "completed" && existing?.status !== "completed") next.completedAt = now;
  if (next.status && next.status !== "completed" && next.status !== "declined") next.completionReason = undefined;
  let request: RequestRec;
  if (existing) request = store.requests.update(existing, next);
  else {
    const si = store.serviceInstances.get(next.serviceInstanceId);
    const requestedForId = next.requestedForId ?? personId;
    request = store.requests.insert(account, {
      requestId: store.takeRequestId(),
      category: "other",
      status: "assigned",
      urgent: false,
      configurationItemIds: [],
      customFields: mergeCustomFields([], input.customFields),
      noteIds: [],
      ...next,
      requestedForId,
      requestedById: next.requestedById ?? (input.requestedForId ? requestedForId : personId),
      teamId: next.teamId ?? si?.firstLineTeamId ?? si?.supportTeamId,
      completedAt: next.status === "completed" ? now : undefined,
    } as Omit<RequestRec, "id" | "n" | "account" | "createdAt" | "updatedAt">);
  }
  if (input.note) addNote(store, request, input.note, false, personId);
  if (input.internalNote) addNote(store, request, input.internalNote, true, personId);
  return { errors: [], request };
}
