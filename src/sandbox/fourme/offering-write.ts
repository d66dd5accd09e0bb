// App offerings (provider account) with their scopes.
import type { AppOfferingRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { Errors, Msg, type ValidationError } from "./validation.js";

export type OfferingInput = Record<string, unknown> & {
  name?: string;
  reference?: string;
  serviceInstanceId?: string;
  uiExtensionId?: string;
  uiExtensionVersionId?: string;
  newScopes?: (Record<string, unknown> & { id?: string })[];
  scopesToDelete?: string[];
};

const KEPT = [
  "name",
  "reference",
  "disabled",
  "serviceInstanceId",
  "uiExtensionVersionId",
  "webhookUriTemplate",
  "configurationUriTemplate",
  "policyJwtAlg",
  "policyJwtAudience",
  "policyJwtClaimExpiresIn",
  "source",
  "sourceID",
] as const;
const EXTRA = [
  "cardDescription",
  "compliance",
  "description",
  "features",
  "oauthAuthorizationEndpoints",
  "pictureUri",
  "requiresEnabledOauthPerson",
] as const;
export const OFFERING_EXTRA_FIELDS = EXTRA;

/** 4me's default reference: `<account>_<name lower-cased, spaces to underscores>`. Unique across all accounts. */
export function defaultReference(account: string, name: string): string {
  return `${account}_${name.trim().toLowerCase().replace(/\s+/g, "_")}`;
}

export function writeOffering(
  store: FourMeStore,
  account: string,
  input: OfferingInput,
  existing?: AppOfferingRec,
): { errors: ValidationError[]; offering?: AppOfferingRec } {
  const e = new Errors();
  if (!existing || input.name !== undefined) e.required("name", "Name", input.name);
  if (!existing) e.required("serviceInstanceId", "Service instance", input.serviceInstanceId);
  if (input.serviceInstanceId && store.serviceInstances.get(input.serviceInstanceId)?.account !== account) {
    e.add("serviceInstanceId", Msg.notFound("Service instance", input.serviceInstanceId));
  }
  const reference = input.reference ?? existing?.reference ?? (input.name ? defaultReference(account, input.name) : "");
  const clash = store.appOfferings.all().some((o) => o.reference === reference && o !== existing);
  if (reference && clash) e.add("reference", Msg.taken("Reference"));
  let versionId = input.uiExtensionVersionId;
  if (input.uiExtensionId) {
    const ext = store.uiExtensions.get(input.uiExtensionId);
    if (ext?.account !== account) e.add("uiExtensionId", Msg.notFound("UI extension", input.uiExtensionId));
    versionId ??= ext?.activeVersionId;
  }
  if (versionId && store.uiExtensionVersions.get(versionId)?.account !== account) {
    e.add("uiExtensionVersionId", Msg.notFound("UI extension version", versionId));
  }
  if (!e.empty) return { errors: e.list };

  const fields: Record<string, unknown> = { reference };
  for (const k of KEPT) if (input[k] !== undefined && k !== "reference") fields[k] = input[k] ?? undefined;
  if (versionId) fields.uiExtensionVersionId = versionId;
  const extra = { ...existing?.extra };
  for (const k of EXTRA) if (input[k] !== undefined) extra[k] = input[k];
  fields.extra = extra;
  const offering = existing
    ? store.appOfferings.update(existing, fields as Partial<AppOfferingRec>)
    : store.appOfferings.insert(account, {
        published: false,
        disabled: false,
        ...(fields as { name: string; reference: string; extra: Record<string, unknown> }),
      });
  for (const id of input.scopesToDelete ?? []) {
    const scope = store.offeringScopes.get(id);
    if (scope?.ownerId === offering.id) store.offeringScopes.remove(scope);
  }
  for (const { id, ...scope } of input.newScopes ?? []) {
    const old = id ? store.offeringScopes.get(id) : undefined;
    if (old?.ownerId === offering.id) store.offeringScopes.update(old, { fields: { ...old.fields, ...scope } });
    else store.offeringScopes.insert(account, { ownerId: offering.id, fields: scope });
  }
  return { errors: [], offering };
}
