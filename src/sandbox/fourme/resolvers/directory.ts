// People, teams, services, service instances and request templates; `me`, `node` and `rateLimit`.
import { by, type FilterSpec } from "../graphql/filters.js";
import { listRecords, type ListArgs } from "../graphql/listing.js";
import type { ResolverMap } from "../graphql/schema.js";
import { GRAPHQL_TYPE } from "../ids.js";
import { accountObject } from "./common.js";
import type { PersonRec, RequestTemplateRec, ServiceInstanceRec, ServiceRec, TeamRec } from "../store/records.js";

const sourced = <T extends { source?: string; sourceID?: string; createdAt: string; updatedAt: string }>() => ({
  source: by.values<T>((r) => r.source),
  sourceID: by.values<T>((r) => r.sourceID),
  createdAt: by.range<T>((r) => r.createdAt),
  updatedAt: by.range<T>((r) => r.updatedAt),
});

export const personFilters: FilterSpec<PersonRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  primaryEmail: by.values((r) => r.primaryEmail, { fold: true, index: "primaryEmail" }),
  authenticationID: by.values((r) => r.authenticationID, { fold: true, index: "authenticationID" }),
  name: by.values((r) => r.name, { index: "name" }),
  disabled: by.boolean((r) => r.disabled),
  ...sourced<PersonRec>(),
  query: { kind: "query", get: (r) => [r.name, r.primaryEmail] },
};

export const teamFilters: FilterSpec<TeamRec> = {
  id: by.values((r) => r.id),
  name: by.values((r) => r.name, { index: "name" }),
  disabled: by.boolean((r) => r.disabled),
  ...sourced<TeamRec>(),
  query: { kind: "query", get: (r) => [r.name] },
};

export const requestTemplateFilters: FilterSpec<RequestTemplateRec> = {
  id: by.values((r) => r.id),
  subject: by.values((r) => r.subject, { index: "subject" }),
  disabled: by.boolean((r) => r.disabled),
  ...sourced<RequestTemplateRec>(),
};

export const serviceInstanceFilters: FilterSpec<ServiceInstanceRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  name: by.values((r) => r.name, { index: "name" }),
  status: by.values((r) => r.status),
  service: by.values((r) => r.serviceId),
  supportTeam: by.values((r) => r.supportTeamId),
  firstLineTeam: by.values((r) => r.firstLineTeamId),
  ...sourced<ServiceInstanceRec>(),
  query: { kind: "query", get: (r) => [r.name] },
};

export const directoryResolvers: ResolverMap = {
  Query: {
    people: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.people, args, ctx, {
        connection: "people",
        filters: personFilters,
        allAccounts: (c) => c.store.peopleAccounts(c.account),
      }),
    teams: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.teams, args, ctx, { connection: "teams", filters: teamFilters }),
    requestTemplates: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.requestTemplates, args, ctx, {
        connection: "requestTemplates",
        filters: requestTemplateFilters,
      }),
    serviceInstances: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.serviceInstances, args, ctx, {
        connection: "serviceInstances",
        filters: serviceInstanceFilters,
      }),
    me: (_s, _a, ctx) => ctx.store.people.get(ctx.personId) ?? null,
    account: (_s, _a, ctx) => accountObject(ctx, ctx.account),
    rateLimit: (_s, _a, ctx) => ctx.rateLimit ?? null,
    node: (_s, { id }: { id: string }, ctx) => {
      const found = ctx.store.node(id);
      if (!found || !(found.type in GRAPHQL_TYPE) || found.type === "OauthApplication") return null;
      const visible =
        found.rec.account === ctx.account ||
        (found.type === "Person" && ctx.store.peopleAccounts(ctx.account).includes(found.rec.account));
      return visible ? found.rec : null;
    },
  },
  Service: {
    supportTeam: (r: ServiceRec, _a, ctx) => ctx.store.teams.get(r.supportTeamId),
    firstLineTeam: (r: ServiceRec, _a, ctx) => ctx.store.teams.get(r.firstLineTeamId),
  },
  ServiceInstance: {
    service: (r: ServiceInstanceRec, _a, ctx) => ctx.store.services.get(r.serviceId),
    supportTeam: (r: ServiceInstanceRec, _a, ctx) => ctx.store.teams.get(r.supportTeamId),
    firstLineTeam: (r: ServiceInstanceRec, _a, ctx) => ctx.store.teams.get(r.firstLineTeamId),
  },
};
