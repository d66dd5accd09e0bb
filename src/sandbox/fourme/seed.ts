// Seeding an account with what a customer already has before the connector arrives: a directory of people, teams,
// service instances, request templates, products and CIs (some sharing serial numbers with Intune devices, so matching is exercised).
// The fleet generator (src/sandbox/fleet/) produces this shape as `fleet.fourme`.
import { categoryReference } from "./product-write.js";
import type { ProductRec, TeamRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";

// The seed shape is the fleet generator's (one definition: src/sandbox/fleet/types.ts).
import type { FourMeSeed, FourMeSeedProduct } from "../fleet/types.js";
export type { FourMeSeed, FourMeSeedCi, FourMeSeedPerson, FourMeSeedProduct } from "../fleet/types.js";

export interface SeedResult {
  /** The team products and CIs are supported by: the first seeded team, or "Workplace Support" when none is. */
  supportTeamId: string;
  teamIds: Record<string, string>;
  serviceInstanceIds: Record<string, string>;
  /** Subject → node id of each seeded request template (the last one, when subjects repeat). */
  requestTemplateIds: Record<string, string>;
  personIds: string[];
  productIds: string[];
  ciIds: string[];
}

export const DEFAULT_TEAM = "Workplace Support";
const FALLBACK_CATEGORY = { reference: "other_type_of_hardware", name: "Other type of hardware" };

function team(store: FourMeStore, account: string, name: string): TeamRec {
  return (
    store.teams.lookup("name", `${account}\u0000${name}`)[0] ?? store.teams.insert(account, { name, disabled: false })
  );
}

/** Writes the seed straight into the store (no validation, so hard cases such as duplicate serials can be seeded). */
export function seedAccount(store: FourMeStore, account: string, seed: FourMeSeed): SeedResult {
  store.ensureAccount(account);
  const teams = (seed.teams?.length ? seed.teams : [{ name: DEFAULT_TEAM }]).map((t) => team(store, account, t.name));
  const supportTeamId = teams[0].id;
  const teamIds = Object.fromEntries(teams.map((t) => [t.name, t.id]));

  const serviceInstanceIds: Record<string, string> = {};
  if (seed.serviceInstances?.length) {
    const service = store.services.insert(account, {
      name: "End-user devices",
      disabled: false,
      supportTeamId,
      firstLineTeamId: supportTeamId,
    });
    for (const { name } of seed.serviceInstances) {
      const si = store.serviceInstances.insert(account, {
        name,
        serviceId: service.id,
        status: "in_production",
        supportTeamId,
        firstLineTeamId: supportTeamId,
      });
      serviceInstanceIds[name] = si.id;
    }
  }

  const requestTemplateIds: Record<string, string> = {};
  for (const { subject, disabled } of seed.requestTemplates ?? []) {
    requestTemplateIds[subject] = store.requestTemplates.insert(account, { subject, disabled: disabled ?? false }).id;
  }

  const personIds = seed.people.map((p) => {
    const person = { name: p.name, primaryEmail: p.primaryEmail, disabled: p.disabled ?? false };
    return store.people.insert(
      account,
      p.authenticationID ? { ...person, authenticationID: p.authenticationID } : person,
    ).id;
  });

  const products = new Map<string, ProductRec>();
  const keyOf = (brand: string, model: string) => `${brand.trim().toLowerCase()}\u0000${model.trim().toLowerCase()}`;
  for (const p of store.products.inAccount(account)) products.set(keyOf(p.brand, p.model ?? ""), p);
  const ensureProduct = (p: FourMeSeedProduct): ProductRec => {
    const existing = products.get(keyOf(p.brand, p.model));
    if (existing) return existing;
    const reference = p.categoryReference || categoryReference(p.categoryName);
    const category =
      store.productCategories.lookup("reference", `${account}\u0000${reference}`)[0] ??
      store.productCategories.insert(account, {
        name: p.categoryName,
        reference,
        ruleSet: "physical_asset",
        disabled: false,
      });
    const product = store.products.insert(account, {
      name: p.name,
      brand: p.brand,
      model: p.model,
      categoryId: category.id,
      supportTeamId,
      disabled: false,
      customFields: [],
    });
    products.set(keyOf(p.brand, p.model), product);
    return product;
  };
  const productIds = seed.products.map((p) => ensureProduct(p).id);

  const ciIds = seed.cis.map((c) => {
    const product = ensureProduct({
      brand: c.brand,
      model: c.model,
      name: `${c.brand} ${c.model}`,
      categoryReference: FALLBACK_CATEGORY.reference,
      categoryName: FALLBACK_CATEGORY.name,
    });
    return store.cis.insert(account, {
      name: c.name,
      serialNr: c.serialNr,
      status: c.status,
      productId: product.id,
      supportTeamId,
      userIds: [],
      serviceInstanceIds: [],
      customFields: [],
    }).id;
  });
  return { supportTeamId, teamIds, serviceInstanceIds, requestTemplateIds, personIds, productIds, ciIds };
}
