// Generated result shapes → our own types. The only place that reads generated object types.
import type * as G from "./generated/sdk.js";
import type {
  AppInstance,
  AppOffering,
  Ci,
  CustomFieldValue,
  Product,
  ProductCategory,
  Request,
  ServiceInstance,
  UiExtension,
  Webhook,
  WebhookPolicy,
} from "./types.js";

/** null → undefined, so our types never carry null. */
export function opt<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

function ids(connection: { nodes: ({ id: string } | null)[] | null } | null | undefined): string[] {
  return (connection?.nodes ?? []).flatMap((n) => (n ? [n.id] : []));
}

export function customFields(fields: { id: string | null; value: unknown }[] | null | undefined): CustomFieldValue[] {
  return (fields ?? []).flatMap((f) => (f.id ? [{ id: f.id, value: f.value }] : []));
}

export function toAppInstance(n: G.AppInstanceFieldsFragment): AppInstance {
  return {
    id: n.id,
    customerAccount: n.customerAccount?.id ?? "",
    offeringReference: opt(n.appOffering?.reference),
    disabled: n.disabled ?? false,
    suspended: n.suspended ?? false,
    enabledByCustomer: n.enabledByCustomer ?? false,
    suspensionComment: opt(n.suspensionComment),
    customFields: customFields(n.customFields),
  };
}

export function toWebhookPolicy(n: G.WebhookPolicyFieldsFragment): WebhookPolicy {
  return {
    id: n.id,
    name: opt(n.name),
    jwtAlg: opt(n.jwtAlg),
    jwtAudience: opt(n.jwtAudience),
    jwtClaimExpiresIn: opt(n.jwtClaimExpiresIn),
    disabled: n.disabled ?? false,
  };
}

export function toWebhook(n: G.WebhookFieldsFragment): Webhook {
  return {
    id: n.id,
    name: opt(n.name),
    description: opt(n.description),
    event: opt(n.event),
    uri: opt(n.uri),
    disabled: n.disabled ?? false,
    mailExceptionsTo: opt(n.mailExceptionsTo),
    webhookPolicyId: opt(n.webhookPolicy?.id),
  };
}

export function toUiExtension(n: G.UiExtensionFieldsFragment): UiExtension {
  const v = n.activeVersion;
  return {
    id: n.id,
    name: opt(n.name),
    title: opt(n.title),
    category: opt(n.category),
    disabled: n.disabled ?? false,
    source: opt(n.source),
    sourceID: opt(n.sourceID),
    activeVersion: v
      ? { id: v.id, versionNr: opt(v.versionNr), html: opt(v.html), css: opt(v.css), javascript: opt(v.javascript) }
      : undefined,
  };
}

export function toAppOffering(n: G.AppOfferingFieldsFragment): AppOffering {
  return {
    id: n.id,
    name: opt(n.name),
    reference: opt(n.reference),
    published: n.published ?? false,
    latest: n.latest ?? false,
    disabled: opt(n.disabled),
    serviceInstanceId: opt(n.serviceInstance?.id),
    cardDescription: opt(n.cardDescription),
    description: opt(n.description),
    features: opt(n.features),
    compliance: opt(n.compliance),
    configurationUriTemplate: opt(n.configurationUriTemplate),
    webhookUriTemplate: opt(n.webhookUriTemplate),
    policyJwtAlg: opt(n.policyJwtAlg),
    policyJwtAudience: opt(n.policyJwtAudience),
    policyJwtClaimExpiresIn: opt(n.policyJwtClaimExpiresIn),
    requiresEnabledOauthPerson: opt(n.requiresEnabledOauthPerson),
    oauthAuthorizationEndpoints: opt(n.oauthAuthorizationEndpoints),
    pictureUri: opt(n.pictureUri),
    uiExtensionVersionId: opt(n.uiExtensionVersion?.id),
    source: opt(n.source),
    sourceID: opt(n.sourceID),
    scopes: (n.scopes ?? []).map((s) => ({
      id: s.id,
      actions: s.actions ?? [],
      conditions: opt(s.conditions),
      effect: s.effect ?? "allow",
      grantType: opt(s.grantType),
    })),
    automationRules: (n.automationRules?.nodes ?? []).flatMap((r) =>
      r
        ? [
            {
              id: r.id,
              name: r.name ?? "",
              description: opt(r.description),
              generic: opt(r.generic),
              trigger: r.trigger ?? "",
              condition: r.condition ?? "",
              position: opt(r.position),
              expressions: (r.expressions ?? []).map((e) => ({ name: e.name ?? "", value: e.value ?? "" })),
              actions: (r.actions ?? []).map((a) => ({ name: a.name ?? "", value: a.value ?? "" })),
            },
          ]
        : [],
    ),
  };
}

export function toCi(n: G.CiFieldsFragment): Ci {
  const p = n.product;
  return {
    id: n.id,
    name: opt(n.name),
    label: opt(n.label),
    serialNr: opt(n.serialNr),
    systemID: opt(n.systemID),
    source: opt(n.source),
    sourceID: opt(n.sourceID),
    status: opt(n.status),
    lastSeenAt: opt(n.lastSeenAt),
    inUseSince: opt(n.inUseSince),
    ramAmount: opt(n.ramAmount),
    remarks: opt(n.remarks),
    updatedAt: opt(n.updatedAt),
    product: p
      ? {
          id: p.id,
          name: opt(p.name),
          brand: opt(p.brand),
          model: opt(p.model),
          uiExtensionId: opt(p.uiExtension?.id),
          categoryId: opt(p.productCategory?.id),
          categoryReference: opt(p.productCategory?.reference),
        }
      : undefined,
    supportTeamId: opt(n.supportTeam?.id),
    userIds: ids(n.users),
    serviceInstanceIds: ids(n.serviceInstances),
    customFields: customFields(n.customFields),
  };
}

export function toProduct(n: G.ProductFieldsFragment): Product {
  return {
    id: n.id,
    name: opt(n.name),
    brand: opt(n.brand),
    model: opt(n.model),
    productID: opt(n.productID),
    disabled: n.disabled ?? false,
    source: opt(n.source),
    sourceID: opt(n.sourceID),
    categoryId: opt(n.productCategory?.id),
    categoryReference: opt(n.productCategory?.reference),
    supportTeamId: opt(n.supportTeam?.id),
    uiExtensionId: opt(n.uiExtension?.id),
  };
}

export function toProductCategory(n: G.ProductCategoryFieldsFragment): ProductCategory {
  return {
    id: n.id,
    name: opt(n.name),
    group: opt(n.group),
    reference: opt(n.reference),
    ruleSet: opt(n.ruleSet),
    disabled: n.disabled ?? false,
  };
}

export function toRequest(n: G.RequestFieldsFragment): Request {
  return {
    id: n.id,
    requestId: opt(n.requestId),
    subject: opt(n.subject),
    status: opt(n.status),
    category: opt(n.category),
    impact: opt(n.impact),
    source: opt(n.source),
    sourceID: opt(n.sourceID),
    createdAt: opt(n.createdAt),
    completedAt: opt(n.completedAt),
    requestedForId: opt(n.requestedFor?.id),
    serviceInstanceId: opt(n.serviceInstance?.id),
    teamId: opt(n.team?.id),
    memberId: opt(n.member?.id),
    ciIds: ids(n.configurationItems),
  };
}

type ServiceInstanceNode = NonNullable<NonNullable<G.ServiceInstancesQuery["serviceInstances"]["nodes"]>[number]>;

export function toServiceInstance(n: ServiceInstanceNode): ServiceInstance {
  return {
    id: n.id,
    name: opt(n.name),
    status: opt(n.status),
    serviceId: opt(n.service?.id),
    serviceName: opt(n.service?.name),
    supportTeamId: opt(n.supportTeam?.id),
    firstLineTeamId: opt(n.firstLineTeam?.id),
  };
}
