// Requests and notes.
import { by, type FilterSpec } from "../graphql/filters.js";
import { listIds, listRecords, type ListArgs } from "../graphql/listing.js";
import type { ResolverMap } from "../graphql/schema.js";
import { addNote, writeRequest, type RequestInput } from "../request-write.js";
import type { NoteRec, RequestRec } from "../store/records.js";
import { Errors, Msg, payload } from "../validation.js";
import { own } from "./common.js";

export const requestFilters: FilterSpec<RequestRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  requestId: by.values((r) => String(r.requestId), { index: "requestId" }),
  source: by.values((r) => r.source),
  sourceID: by.values((r) => r.sourceID, { index: "sourceID" }),
  subject: by.values((r) => r.subject),
  status: by.values((r) => r.status),
  category: by.values((r) => r.category),
  impact: by.values((r) => r.impact),
  team: by.values((r) => r.teamId),
  member: by.values((r) => r.memberId),
  serviceInstance: by.values((r) => r.serviceInstanceId),
  requestedFor: by.values((r) => r.requestedForId),
  requestedBy: by.values((r) => r.requestedById),
  ci: by.values((r) => r.configurationItemIds),
  urgent: by.boolean((r) => r.urgent),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
  completedAt: by.range((r) => r.completedAt),
  query: { kind: "query", get: (r) => [r.subject, String(r.requestId)] },
};

type WithMeta<T> = T & { id?: string; clientMutationId?: string };

export const requestResolvers: ResolverMap = {
  Query: {
    requests: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.requests, args, ctx, {
        connection: "requests",
        filters: requestFilters,
        orderBy: { requestId: (r) => r.requestId },
      }),
  },
  Mutation: {
    requestCreate: (_s, { input }: { input: WithMeta<RequestInput> }, ctx) => {
      const { clientMutationId, ...fields } = input;
      const { errors, request } = writeRequest(ctx.store, ctx.account, fields, ctx.personId);
      return payload("request", errors, request, clientMutationId);
    },
    requestUpdate: (_s, { input }: { input: WithMeta<RequestInput> }, ctx) => {
      const { clientMutationId, id, ...fields } = input;
      const existing = own(ctx.store.requests, id, ctx);
      if (!existing)
        return payload(
          "request",
          [{ path: ["id"], message: Msg.notFound("Request", String(id)) }],
          null,
          clientMutationId,
        );
      const { errors, request } = writeRequest(ctx.store, ctx.account, fields, ctx.personId, existing);
      return payload("request", errors, request, clientMutationId);
    },
    noteCreate: (
      _s,
      { input }: { input: { ownerId?: string; text: string; internal?: boolean; clientMutationId?: string } },
      ctx,
    ) => {
      const e = new Errors();
      const owner = own(ctx.store.requests, input.ownerId, ctx);
      if (!owner) e.add("ownerId", Msg.notFound("Request", String(input.ownerId)));
      e.required("text", "Text", input.text);
      if (!e.empty || !owner) return payload("note", e.list, null, input.clientMutationId);
      const note = addNote(ctx.store, owner, input.text, input.internal ?? false, ctx.personId);
      return payload("note", [], note, input.clientMutationId);
    },
  },
  Request: {
    requestId: (r: RequestRec) => String(r.requestId),
    requestedFor: (r: RequestRec, _a, ctx) => ctx.store.people.get(r.requestedForId),
    requestedBy: (r: RequestRec, _a, ctx) => ctx.store.people.get(r.requestedById),
    member: (r: RequestRec, _a, ctx) => ctx.store.people.get(r.memberId),
    team: (r: RequestRec, _a, ctx) => ctx.store.teams.get(r.teamId),
    serviceInstance: (r: RequestRec, _a, ctx) => ctx.store.serviceInstances.get(r.serviceInstanceId),
    configurationItems: (r: RequestRec, args, ctx) =>
      listIds(r.configurationItemIds, (id) => ctx.store.cis.get(id), args, "configurationItems"),
    notes: (r: RequestRec, args, ctx) => listIds(r.noteIds, (id) => ctx.store.notes.get(id), args, "notes"),
  },
  Note: {
    person: (r: NoteRec, _a, ctx) => ctx.store.people.get(r.personId),
  },
};
