// Creating and updating configuration items with 4me's validations. Shared by configurationItemCreate/Update and by
// the discoveredConfigurationItems import, so both refuse the same bad input with the same errors.
import { mergeCustomFields, unknownCustomFieldIds } from "./custom-fields.js";
import type { CiRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { Errors, LIMITS, Msg, type ValidationError } from "./validation.js";

/** Writable CI fields, as named by ConfigurationItemCreateInput (and DiscoveredCiInput). */
export interface CiInput {
  name?: string | null;
  label?: string | null;
  productId?: string | null;
  status?: string | null;
  serialNr?: string | null;
  systemID?: string | null;
  assetID?: string | null;
  source?: string | null;
  sourceID?: string | null;
  supportTeamId?: string | null;
  userIds?: string[] | null;
  serviceInstanceIds?: string[] | null;
  customFields?: { id: string; value?: unknown }[] | null;
  alternateNames?: string[] | null;
  location?: string | null;
  remarks?: string | null;
  lastSeenAt?: string | null;
  inUseSince?: string | null;
  warrantyExpiryDate?: string | null;
  endOfSupportDate?: string | null;
  ramAmount?: number | null;
  nrOfCores?: number | null;
  nrOfProcessors?: number | null;
  operatingSystemId?: string | null;
  childIds?: string[] | null;
}

const COPIED = [
  "name",
  "label",
  "productId",
  "status",
  "serialNr",
  "systemID",
  "assetID",
  "source",
  "sourceID",
  "supportTeamId",
  "userIds",
  "serviceInstanceIds",
  "alternateNames",
  "location",
  "remarks",
  "lastSeenAt",
  "inUseSince",
  "warrantyExpiryDate",
  "endOfSupportDate",
  "ramAmount",
  "nrOfCores",
  "nrOfProcessors",
  "operatingSystemId",
  "childIds",
] as const;

/** The CI as it would be after the write: existing values overlaid with the input (null clears). */
function candidate(input: CiInput, existing: CiRec | undefined): Partial<CiRec> {
  const next: Record<string, unknown> = existing ? { ...existing } : { userIds: [], serviceInstanceIds: [] };
  for (const key of COPIED) {
    if (input[key] === undefined) continue;
    next[key] = input[key] === null ? (key.endsWith("Ids") ? [] : undefined) : input[key];
  }
  next.customFields = mergeCustomFields(existing?.customFields ?? [], input.customFields);
  return next as Partial<CiRec>;
}

function checkRefs(store: FourMeStore, account: string, c: Partial<CiRec>, input: CiInput, e: Errors): void {
  const product = store.products.get(c.productId);
  if (c.productId && (!product || product.account !== account))
    e.add("productId", Msg.notFound("Product", c.productId));
  const team = store.teams.get(c.supportTeamId);
  if (input.supportTeamId && (!team || team.account !== account)) {
    e.add("supportTeamId", Msg.notFound("Team", input.supportTeamId));
  }
  const peopleAccounts = store.peopleAccounts(account);
  for (const id of input.userIds ?? []) {
    const person = store.people.get(id);
    if (!person || !peopleAccounts.includes(person.account)) e.add("userIds", Msg.notFound("Person", id));
  }
  for (const id of input.serviceInstanceIds ?? []) {
    if (store.serviceInstances.get(id)?.account !== account)
      e.add("serviceInstanceIds", Msg.notFound("Service instance", id));
  }
  // ciRelations.childIds: CIs of the same account (DiscoveredCiRelationInput, "other configuration items").
  for (const id of input.childIds ?? []) {
    if (store.cis.get(id)?.account !== account) e.add("childIds", Msg.notFound("Configuration item", id));
  }
  const os = input.operatingSystemId ? store.cis.get(input.operatingSystemId) : undefined;
  if (input.operatingSystemId && os?.account !== account) {
    e.add("operatingSystemId", Msg.notFound("Configuration item", input.operatingSystemId));
  } else if (os && osRuleSet(store, os) !== "software") {
    // The schema: "the (software) configuration item representing the operating system". 4me's CI form offers only
    // CIs whose product category has the software rule set; the API is taken to refuse the others likewise.
    e.add("operatingSystemId", Msg.notSoftware(os.name));
  }
}

function osRuleSet(store: FourMeStore, os: CiRec): string | undefined {
  return store.productCategories.get(store.products.get(os.productId)?.categoryId)?.ruleSet;
}

/** Another CI of the account with the same brand and serial number (compared without case, like 4me's REST filter). */
function duplicateSerial(store: FourMeStore, account: string, c: Partial<CiRec>, self?: CiRec): boolean {
  if (!c.serialNr) return false;
  const brand = store.products.get(c.productId)?.brand?.toLowerCase();
  const key = `${account}\u0000${c.serialNr.trim().toLowerCase()}`;
  return store.cis
    .lookup("serialNr", key)
    .some((other) => other !== self && store.products.get(other.productId)?.brand?.toLowerCase() === brand);
}

export function validateCi(
  store: FourMeStore,
  account: string,
  input: CiInput,
  existing: CiRec | undefined,
  at: string[] = [],
): { errors: ValidationError[]; next: Partial<CiRec> } {
  const c = candidate(input, existing);
  const product = store.products.get(c.productId);
  if (!existing) {
    // New CIs take the product's name and support team when none is given (4me-platform.md §8.1).
    if (!c.name && product) c.name = product.name;
    if (!c.supportTeamId && product?.supportTeamId) c.supportTeamId = product.supportTeamId;
  }
  const e = new Errors(at);
  e.required("productId", "Product", c.productId);
  e.required("status", "Status", c.status);
  e.maxLength("name", "Name", c.name, LIMITS.name);
  e.maxLength("label", "Label", c.label, LIMITS.label);
  e.maxLength("serialNr", "Serial number", c.serialNr, LIMITS.serialNr);
  e.maxLength("assetID", "Asset ID", c.assetID, LIMITS.assetID);
  e.maxLength("source", "Source", c.source, LIMITS.source);
  e.maxLength("sourceID", "Source ID", c.sourceID, LIMITS.sourceID);
  checkRefs(store, account, c, input, e);
  if (c.status && c.status !== "removed") e.required("supportTeamId", "Support team", c.supportTeamId);
  if (duplicateSerial(store, account, c, existing)) e.add("serialNr", Msg.taken("Serial number"));
  for (const id of unknownCustomFieldIds(store, product?.uiExtensionId, input.customFields)) {
    e.add("customFields", Msg.unknownCustomField(id));
  }
  return { errors: e.list, next: c };
}

/** Validates, then creates or updates. Nothing is written when there is an error. */
export function writeCi(
  store: FourMeStore,
  account: string,
  input: CiInput,
  existing?: CiRec,
  at: string[] = [],
): { errors: ValidationError[]; ci?: CiRec } {
  const { errors, next } = validateCi(store, account, input, existing, at);
  if (errors.length) return { errors };
  if (existing) return { errors, ci: store.cis.update(existing, next) };
  const { id: _id, n: _n, account: _a, createdAt: _c, updatedAt: _u, ...fields } = next as CiRec;
  return { errors, ci: store.cis.insert(account, fields) };
}
