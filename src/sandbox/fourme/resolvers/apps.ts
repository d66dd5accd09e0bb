// App offerings (with scopes and automation rules) and app instances, in the provider account.
import { extensionFields, mergeCustomFields } from "../custom-fields.js";
import type { GqlContext } from "../graphql/context.js";
import { by, type FilterSpec } from "../graphql/filters.js";
import { listIds, listRecords, type ListArgs } from "../graphql/listing.js";
import type { ResolverMap } from "../graphql/schema.js";
import { syncClientWithInstance } from "../oauth.js";
import { OFFERING_EXTRA_FIELDS, writeOffering, type OfferingInput } from "../offering-write.js";
import type { AppInstanceRec, AppOfferingRec, GenericRec } from "../store/records.js";
import type { FourMeStore } from "../store/store.js";
import { Errors, Msg, payload } from "../validation.js";
import { accountObject, own } from "./common.js";

const offeringOf = (r: AppInstanceRec, ctx: GqlContext) => ctx.store.appOfferings.get(r.appOfferingId);

/** The form (UI extension version) of an offering: its fields decide what custom fields an instance can hold. */
export function offeringForm(store: FourMeStore, offering: AppOfferingRec | undefined) {
  const version = store.uiExtensionVersions.get(offering?.uiExtensionVersionId);
  return version ? extensionFields(store, version.uiExtensionId) : undefined;
}

/** A custom filter name is the field's `data-filterable-name` (falling back to its id). */
function customFilterValue(r: AppInstanceRec, name: string, ctx: GqlContext): unknown {
  const form = offeringForm(ctx.store, offeringOf(r, ctx));
  const id = form?.find((f) => f.filterableName === name)?.id ?? name;
  return r.customFields.find((f) => f.id === id)?.value;
}

export const appInstanceFilters: FilterSpec<AppInstanceRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  customerAccount: by.values((r) => r.customerAccount, { index: "customerAccount" }),
  appOffering: by.values((r) => r.appOfferingId),
  appOfferingReference: by.values((r, ctx) => offeringOf(r, ctx)?.reference),
  customerRepresentative: by.values((r) => r.customerRepresentativeId),
  disabled: by.boolean((r) => r.disabled),
  enabledByCustomer: by.boolean((r) => r.enabledByCustomer),
  suspended: by.boolean((r) => r.suspended),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
  customFilters: { kind: "custom", get: customFilterValue },
};

export const appOfferingFilters: FilterSpec<AppOfferingRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  reference: by.values((r) => r.reference, { index: "reference" }),
  name: by.values((r) => r.name),
  source: by.values((r) => r.source),
  sourceID: by.values((r) => r.sourceID),
  published: by.boolean((r) => r.published),
  latest: by.boolean(() => true),
  disabled: by.boolean((r) => r.disabled),
  serviceInstance: by.values((r) => r.serviceInstanceId),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
};

type InstanceInput = {
  id: string;
  clientMutationId?: string;
  customFields?: { id: string; value?: unknown }[];
  disabled?: boolean;
  enabledByCustomer?: boolean;
  suspended?: boolean;
  suspensionComment?: string | null;
  customerRepresentativeId?: string;
};

function updateInstance(input: InstanceInput, ctx: GqlContext) {
  const instance = own(ctx.store.appInstances, input.id, ctx);
  const e = new Errors();
  if (!instance) e.add("id", Msg.notFound("App instance", input.id));
  else {
    // Without a form every id is accepted; with one, only the ids it defines (secret fields are never stored).
    const form = offeringForm(ctx.store, offeringOf(instance, ctx));
    for (const f of input.customFields ?? []) {
      const def = form?.find((d) => d.id === f.id);
      if (form && (!def || def.secret)) e.add("customFields", Msg.unknownCustomField(f.id));
    }
  }
  e.maxLength("suspensionComment", "Suspension comment", input.suspensionComment, 65536);
  if (!e.empty || !instance) return payload("appInstance", e.list, null, input.clientMutationId);
  const patch: Partial<AppInstanceRec> = { customFields: mergeCustomFields(instance.customFields, input.customFields) };
  for (const k of [
    "disabled",
    "enabledByCustomer",
    "suspended",
    "suspensionComment",
    "customerRepresentativeId",
  ] as const) {
    if (input[k] !== undefined) (patch as Record<string, unknown>)[k] = input[k] ?? undefined;
  }
  const updated = ctx.store.appInstances.update(instance, patch);
  // Only a change of `disabled` touches the application token: writing form fields must not re-enable an
  // OAuth application the customer (or a test) disabled.
  if (input.disabled !== undefined) syncClientWithInstance(ctx.store, updated);
  ctx.hooks.appInstanceUpdated(updated, ctx.personId);
  return payload("appInstance", [], updated, input.clientMutationId);
}

const genericField = (name: string) => (r: GenericRec) => r.fields[name] ?? null;
const generic = (names: string[]) => Object.fromEntries(names.map((n) => [n, genericField(n)]));

export const appResolvers: ResolverMap = {
  Query: {
    appInstances: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.appInstances, args, ctx, {
        connection: "appInstances",
        filters: appInstanceFilters,
        orderBy: {
          appOfferingReference: (r, c) => offeringOf(r, c)?.reference,
          customerAccountName: (r) => r.customerAccount,
        },
      }),
    appOfferings: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.appOfferings, args, ctx, { connection: "appOfferings", filters: appOfferingFilters }),
  },
  Mutation: {
    appInstanceUpdate: (_s, { input }: { input: InstanceInput }, ctx) => updateInstance(input, ctx),
    appOfferingCreate: (_s, { input }: { input: OfferingInput }, ctx) => {
      const { errors, offering } = writeOffering(ctx.store, ctx.account, input);
      return payload("appOffering", errors, offering, input.clientMutationId as string);
    },
    appOfferingUpdate: (_s, { input }: { input: OfferingInput & { id: string } }, ctx) => {
      const existing = own(ctx.store.appOfferings, input.id, ctx);
      if (!existing)
        return payload("appOffering", [{ path: ["id"], message: Msg.notFound("App offering", input.id) }], null);
      const { errors, offering } = writeOffering(ctx.store, ctx.account, input, existing);
      return payload("appOffering", errors, offering, input.clientMutationId as string);
    },
    appOfferingAutomationRuleCreate: (
      _s,
      { input }: { input: Record<string, unknown> & { appOfferingId: string } },
      ctx,
    ) => {
      const { appOfferingId, clientMutationId, ...fields } = input;
      const e = new Errors();
      if (!own(ctx.store.appOfferings, appOfferingId, ctx))
        e.add("appOfferingId", Msg.notFound("App offering", appOfferingId));
      for (const k of ["name", "trigger", "condition"]) e.required(k, k[0].toUpperCase() + k.slice(1), fields[k]);
      if (!e.empty) return payload("appOfferingAutomationRule", e.list, null, clientMutationId as string);
      const rule = ctx.store.automationRules.insert(ctx.account, { ownerId: appOfferingId, fields });
      return payload("appOfferingAutomationRule", [], rule, clientMutationId as string);
    },
    appOfferingAutomationRuleUpdate: (_s, { input }: { input: Record<string, unknown> & { id: string } }, ctx) => {
      const { id, clientMutationId, ...fields } = input;
      const rule = own(ctx.store.automationRules, id, ctx);
      if (!rule)
        return payload(
          "appOfferingAutomationRule",
          [{ path: ["id"], message: Msg.notFound("Automation rule", id) }],
          null,
        );
      ctx.store.automationRules.update(rule, { fields: { ...rule.fields, ...fields } });
      return payload("appOfferingAutomationRule", [], rule, clientMutationId as string);
    },
  },
  AppInstance: {
    appOffering: (r: AppInstanceRec, _a, ctx) => offeringOf(r, ctx),
    customerAccount: (r: AppInstanceRec, _a, ctx) => accountObject(ctx, r.customerAccount),
  },
  AppOffering: {
    ...Object.fromEntries(OFFERING_EXTRA_FIELDS.map((k) => [k, (r: AppOfferingRec) => r.extra[k] ?? null])),
    latest: () => true,
    serviceInstance: (r: AppOfferingRec, _a, ctx) => ctx.store.serviceInstances.get(r.serviceInstanceId),
    uiExtensionVersion: (r: AppOfferingRec, _a, ctx) => ctx.store.uiExtensionVersions.get(r.uiExtensionVersionId),
    scopes: (r: AppOfferingRec, _a, ctx) =>
      ctx.store.offeringScopes.inAccount(r.account).filter((s) => s.ownerId === r.id),
    automationRules: (r: AppOfferingRec, args, ctx) =>
      listIds(
        ctx.store.automationRules
          .inAccount(r.account)
          .filter((x) => x.ownerId === r.id)
          .map((x) => x.id),
        (id) => ctx.store.automationRules.get(id),
        args,
        "automationRules",
      ),
  },
  AppOfferingScope: generic(["actions", "conditions", "effect", "grantType"]),
  AppOfferingAutomationRule: generic([
    "actions",
    "condition",
    "description",
    "expressions",
    "generic",
    "name",
    "position",
    "trigger",
  ]),
  Account: {},
};
