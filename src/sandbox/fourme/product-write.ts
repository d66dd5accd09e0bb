// Products and product categories with 4me's validations, shared by the mutations and the discovery import.
import type { ProductCategoryRec, ProductRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { Errors, LIMITS, Msg, type ValidationError } from "./validation.js";

/** 4me sets a category's reference from group and name: lower case, spaces to underscores (§8.2). */
export function categoryReference(name: string, group?: string | null): string {
  const slug = (s: string) => s.trim().toLowerCase().replace(/\s+/g, "_");
  return group ? `${slug(group)}/${slug(name)}` : slug(name);
}

export function findCategory(store: FourMeStore, account: string, reference: string): ProductCategoryRec | undefined {
  return store.productCategories.lookup("reference", `${account}\u0000${reference}`)[0];
}

export interface CategoryInput {
  name?: string | null;
  group?: string | null;
  ruleSet?: string | null;
  reference?: string | null;
  disabled?: boolean | null;
  uiExtensionId?: string | null;
  source?: string | null;
  sourceID?: string | null;
}

export function createCategory(
  store: FourMeStore,
  account: string,
  input: CategoryInput,
  at: string[] = [],
): { errors: ValidationError[]; category?: ProductCategoryRec } {
  const e = new Errors(at);
  e.required("name", "Name", input.name);
  e.required("ruleSet", "Rule set", input.ruleSet);
  const reference = input.reference ?? (input.name ? categoryReference(input.name, input.group) : "");
  if (reference && findCategory(store, account, reference)) e.add("reference", Msg.taken("Reference"));
  if (input.uiExtensionId && store.uiExtensions.get(input.uiExtensionId)?.account !== account) {
    e.add("uiExtensionId", Msg.notFound("UI extension", input.uiExtensionId));
  }
  if (!e.empty) return { errors: e.list };
  const category = store.productCategories.insert(account, {
    name: input.name!,
    group: input.group ?? undefined,
    reference,
    ruleSet: input.ruleSet!,
    disabled: input.disabled ?? false,
    uiExtensionId: input.uiExtensionId ?? undefined,
    source: input.source ?? undefined,
    sourceID: input.sourceID ?? undefined,
  });
  return { errors: [], category };
}

export interface ProductInput {
  name?: string | null;
  brand?: string | null;
  model?: string | null;
  /** The product category's reference (ProductCreateInput.category). */
  category?: string | null;
  productID?: string | null;
  supportTeamId?: string | null;
  serviceId?: string | null;
  uiExtensionId?: string | null;
  remarks?: string | null;
  disabled?: boolean | null;
  customFields?: { id: string; value?: unknown }[] | null;
  source?: string | null;
  sourceID?: string | null;
}

/** Creates (no `existing`) or updates a product. Brand + productID must be unique in the account. */
export function writeProduct(
  store: FourMeStore,
  account: string,
  input: ProductInput,
  existing?: ProductRec,
  at: string[] = [],
): { errors: ValidationError[]; product?: ProductRec } {
  const e = new Errors(at);
  const next: Partial<ProductRec> = {};
  for (const key of [
    "name",
    "brand",
    "model",
    "productID",
    "supportTeamId",
    "serviceId",
    "uiExtensionId",
    "remarks",
    "disabled",
    "source",
    "sourceID",
  ] as const) {
    if (input[key] !== undefined) (next as Record<string, unknown>)[key] = input[key] ?? undefined;
  }
  if (input.customFields) next.customFields = input.customFields.map((f) => ({ id: f.id, value: f.value ?? null }));
  const merged = { ...existing, ...next };
  e.required("name", "Name", merged.name);
  e.required("brand", "Brand", merged.brand);
  e.maxLength("source", "Source", merged.source, LIMITS.source);
  e.maxLength("sourceID", "Source ID", merged.sourceID, LIMITS.sourceID);
  if (!existing || input.category !== undefined) {
    e.required("category", "Category", input.category);
    const category = input.category ? findCategory(store, account, input.category) : undefined;
    if (input.category && !category) e.add("category", Msg.notFound("Product category", input.category));
    if (category) next.categoryId = category.id;
  }
  if (merged.supportTeamId && store.teams.get(merged.supportTeamId)?.account !== account) {
    e.add("supportTeamId", Msg.notFound("Team", merged.supportTeamId));
  }
  if (merged.serviceId && store.services.get(merged.serviceId)?.account !== account) {
    e.add("serviceId", Msg.notFound("Service", merged.serviceId));
  }
  if (merged.uiExtensionId && store.uiExtensions.get(merged.uiExtensionId)?.account !== account) {
    e.add("uiExtensionId", Msg.notFound("UI extension", merged.uiExtensionId));
  }
  if (merged.productID) {
    const clash = store.products
      .lookup("productID", `${account}\u0000${merged.productID}`)
      .some((p) => p !== existing && p.brand.toLowerCase() === merged.brand?.toLowerCase());
    if (clash) e.add("productID", Msg.taken("Product ID"));
  }
  if (!e.empty) return { errors: e.list };
  if (existing) return { errors: [], product: store.products.update(existing, next) };
  const fields = next as Omit<ProductRec, "id" | "n" | "account" | "createdAt" | "updatedAt">;
  const product = store.products.insert(account, {
    ...fields,
    disabled: fields.disabled ?? false,
    customFields: fields.customFields ?? [],
  });
  return { errors: [], product };
}
