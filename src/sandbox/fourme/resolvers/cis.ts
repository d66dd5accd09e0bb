// Configuration items: the root connection, create/update, and the ConfigurationItem fields that follow references.
import { writeCi, type CiInput } from "../ci-write.js";
import type { GqlContext } from "../graphql/context.js";
import { by, type FilterSpec } from "../graphql/filters.js";
import { listIds, listRecords, type ListArgs } from "../graphql/listing.js";
import type { ResolverMap } from "../graphql/schema.js";
import type { CiRec } from "../store/records.js";
import type { FourMeStore } from "../store/store.js";
import { INACTIVE_CI_STATUSES, Msg, payload } from "../validation.js";
import { own } from "./common.js";

const product = (r: CiRec, ctx: GqlContext) => ctx.store.products.get(r.productId);
const category = (r: CiRec, ctx: GqlContext) => ctx.store.productCategories.get(product(r, ctx)?.categoryId);
const field = (r: CiRec, id: string) => r.customFields.find((f) => f.id === id)?.value;

export const ciFilters: FilterSpec<CiRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  status: by.values((r) => r.status),
  active: by.boolean((r) => !INACTIVE_CI_STATUSES.includes(r.status)),
  product: by.values((r) => r.productId, { index: "product" }),
  productCategory: by.values((r, ctx) => category(r, ctx)?.id),
  productBrand: by.values((r, ctx) => product(r, ctx)?.brand, { fold: true }),
  productModel: by.values((r, ctx) => product(r, ctx)?.model, { fold: true }),
  ruleSet: by.values((r, ctx) => category(r, ctx)?.ruleSet),
  supportTeam: by.values((r) => r.supportTeamId),
  serviceInstance: by.values((r) => r.serviceInstanceIds),
  user: by.values((r) => r.userIds),
  source: by.values((r) => r.source),
  sourceID: by.values((r) => r.sourceID, { index: "sourceID" }),
  name: by.values((r) => r.name, { index: "name" }),
  alternateName: by.values((r) => r.alternateNames),
  label: by.values((r) => r.label),
  serialNr: by.values((r) => r.serialNr, { fold: true, index: "serialNr" }),
  systemID: by.values((r) => r.systemID, { index: "systemID" }),
  assetID: by.values((r) => r.assetID),
  operatingSystem: by.values((r) => r.operatingSystemId),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
  lastSeenAt: by.range((r) => r.lastSeenAt),
  inUseSince: by.range((r) => r.inUseSince),
  warrantyExpiryDate: by.range((r) => r.warrantyExpiryDate),
  endOfSupportDate: by.range((r) => r.endOfSupportDate),
  customFilters: { kind: "custom", get: (r, name) => field(r, name) },
  query: { kind: "query", get: (r) => [r.name, r.label, r.serialNr, r.sourceID] },
};

/** 4me quirk (confirmed for GraphQL): a create whose name or label belongs to an inactive CI updates that CI. */
function inactiveNamesake(store: FourMeStore, account: string, input: CiInput): CiRec | undefined {
  const inactive = (c: CiRec) => INACTIVE_CI_STATUSES.includes(c.status);
  if (input.name) {
    const hit = store.cis.lookup("name", `${account}\u0000${input.name}`).find(inactive);
    if (hit) return hit;
  }
  if (input.label) return store.cis.inAccount(account).find((c) => c.label === input.label && inactive(c));
  return undefined;
}

type MutationInput = CiInput & { id?: string; clientMutationId?: string };

function stripMeta(input: MutationInput): CiInput {
  const { id: _id, clientMutationId: _c, ...rest } = input;
  return rest;
}

export const ciResolvers: ResolverMap = {
  Query: {
    configurationItems: (_src, args: ListArgs, ctx) =>
      listRecords(ctx.store.cis, args, ctx, { connection: "configurationItems", filters: ciFilters }),
  },
  Mutation: {
    configurationItemCreate: (_src, { input }: { input: MutationInput }, ctx) => {
      const existing = inactiveNamesake(ctx.store, ctx.account, input);
      const { errors, ci } = writeCi(ctx.store, ctx.account, stripMeta(input), existing);
      return { ...payload("configurationItem", errors, ci, input.clientMutationId), pendingCiReconciliation: false };
    },
    configurationItemUpdate: (_src, { input }: { input: MutationInput }, ctx) => {
      const existing = own(ctx.store.cis, input.id, ctx);
      if (!existing) {
        return payload(
          "configurationItem",
          [{ path: ["id"], message: Msg.notFound("Configuration item", String(input.id)) }],
          null,
          input.clientMutationId,
        );
      }
      const { errors, ci } = writeCi(ctx.store, ctx.account, stripMeta(input), existing);
      return { ...payload("configurationItem", errors, ci, input.clientMutationId), pendingCiReconciliation: false };
    },
  },
  ConfigurationItem: {
    product: (r: CiRec, _a, ctx) => product(r, ctx),
    ruleSet: (r: CiRec, _a, ctx) => category(r, ctx)?.ruleSet ?? null,
    supportTeam: (r: CiRec, _a, ctx) => ctx.store.teams.get(r.supportTeamId),
    operatingSystem: (r: CiRec, _a, ctx) => ctx.store.cis.get(r.operatingSystemId),
    users: (r: CiRec, args, ctx) => listIds(r.userIds, (id) => ctx.store.people.get(id), args, "users"),
    serviceInstances: (r: CiRec, args, ctx) =>
      listIds(r.serviceInstanceIds, (id) => ctx.store.serviceInstances.get(id), args, "serviceInstances"),
    service: () => null,
  },
};
