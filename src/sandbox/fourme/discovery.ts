// The discoveredConfigurationItems import (4me-platform.md §8.6): categories by reference, products by sourceID
// (or productID), CIs by source + sourceID (and alternative sources), falling back to the serial number for a CI
// that no discovery source has claimed yet. Each item is validated on its own; a bad one fails alone.
import { writeCi, type CiInput } from "./ci-write.js";
import { createCategory, findCategory, writeProduct } from "./product-write.js";
import type { CiRec, ProductCategoryRec, ProductRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { INACTIVE_CI_STATUSES, Msg, type ValidationError } from "./validation.js";

type Strategy = "CREATE" | "UPDATE" | "DEFAULT";
interface Meta {
  meta?: { strategy?: Strategy | null } | null;
}
export type DiscoveredCi = Meta &
  Omit<CiInput, "productId" | "source" | "supportTeamId" | "childIds" | "serviceInstanceIds"> & {
    sourceID: string;
    name: string;
    service?: string | null;
    ciRelations?: { childIds?: string[] | null } | null;
  };
export type DiscoveredProduct = Meta & {
  sourceID: string;
  name: string;
  brand: string;
  model: string;
  productID?: string | null;
  service?: string | null;
  uiExtensionId?: string | null;
  configurationItems?: DiscoveredCi[] | null;
};
export type DiscoveredCategory = Meta & {
  reference: string;
  name: string;
  sourceID?: string | null;
  products?: DiscoveredProduct[] | null;
};
export interface DiscoveredInput {
  source: string;
  alternativeSources?: string[] | null;
  supportTeam?: string | null;
  referenceStrategies?: { ciUserIds?: { strategy?: "APPEND" | "REPLACE" | null } | null } | null;
  physicalAssets: DiscoveredCategory[];
}

export const MAX_DISCOVERED_CIS = 100;

export function countCis(input: DiscoveredInput): number {
  return input.physicalAssets.reduce(
    (n, c) => n + (c.products ?? []).reduce((m, p) => m + (p.configurationItems?.length ?? 0), 0),
    0,
  );
}

const strategyOf = (item: Meta): Strategy => item.meta?.strategy ?? "DEFAULT";

interface Run {
  store: FourMeStore;
  account: string;
  input: DiscoveredInput;
  sources: string[];
  teamId?: string;
  errors: ValidationError[];
  cis: CiRec[];
}

function upsertCategory(run: Run, c: DiscoveredCategory, at: string[]): ProductCategoryRec | undefined {
  const found = findCategory(run.store, run.account, c.reference);
  if (found) {
    if (strategyOf(c) === "UPDATE" && found.name !== c.name)
      run.store.productCategories.update(found, { name: c.name });
    return found;
  }
  // The input has no rule set; categories made by discovery hold physical assets (the stricter reading, §8.6).
  const input = {
    name: c.name,
    reference: c.reference,
    ruleSet: "physical_asset",
    source: run.input.source,
    sourceID: c.sourceID,
  };
  const { errors, category } = createCategory(run.store, run.account, input, at);
  run.errors.push(...errors);
  return category;
}

function serviceId(run: Run, name: string | null | undefined, at: string[]): string | undefined | false {
  if (!name) return undefined;
  const service = run.store.services.lookup("name", `${run.account}\u0000${name}`)[0];
  if (!service) run.errors.push({ path: [...at, "service"], message: Msg.notFound("Service", name) });
  return service?.id ?? false;
}

function upsertProduct(
  run: Run,
  category: ProductCategoryRec,
  p: DiscoveredProduct,
  at: string[],
): ProductRec | undefined {
  const { store, account } = run;
  let found: ProductRec | undefined = store.products.lookup("sourceID", `${account}\u0000${p.sourceID}`)[0];
  if (!found && p.productID) {
    found = store.products
      .lookup("productID", `${account}\u0000${p.productID}`)
      .find((x) => x.brand.toLowerCase() === p.brand.toLowerCase());
  }
  const service = serviceId(run, p.service, at);
  if (service === false) return undefined;
  const fields = {
    name: p.name,
    brand: p.brand,
    model: p.model,
    productID: p.productID,
    uiExtensionId: p.uiExtensionId,
    serviceId: service,
  };
  if (found && strategyOf(p) !== "UPDATE") {
    // Matched on productID for the first time: the product now carries this sourceID.
    if (!found.sourceID) store.products.update(found, { sourceID: p.sourceID, source: run.input.source });
    return found;
  }
  const input = found
    ? { ...fields, category: category.reference, sourceID: p.sourceID }
    : {
        ...fields,
        category: category.reference,
        sourceID: p.sourceID,
        source: run.input.source,
        supportTeamId: run.teamId,
      };
  const { errors, product } = writeProduct(store, account, input, found, at);
  run.errors.push(...errors);
  return product;
}

/** The CI an item is: by source + sourceID, else (first upload) by serial number among CIs no source claimed. */
function matchCi(run: Run, item: DiscoveredCi, at: string[]): { ci?: CiRec; bySerial: boolean; ambiguous?: boolean } {
  const { store, account, sources } = run;
  const bySource = store.cis
    .lookup("sourceID", `${account}\u0000${item.sourceID}`)
    .find((c) => c.source !== undefined && sources.includes(c.source));
  if (bySource) return { ci: bySource, bySerial: false };
  if (!item.serialNr?.trim()) return { bySerial: false };
  const unclaimed = store.cis
    .lookup("serialNr", `${account}\u0000${item.serialNr.trim().toLowerCase()}`)
    .filter((c) => !c.sourceID);
  const active = unclaimed.filter((c) => !INACTIVE_CI_STATUSES.includes(c.status));
  const pool = active.length ? active : unclaimed;
  if (pool.length > 1) {
    run.errors.push({
      path: [...at, "serialNr"],
      message: `Serial number ${item.serialNr} matches ${pool.length} configuration items`,
    });
    return { bySerial: true, ambiguous: true };
  }
  return { ci: pool[0], bySerial: pool.length === 1 };
}

function upsertCi(
  run: Run,
  product: ProductRec,
  item: DiscoveredCi,
  at: string[],
  parentStrategy: Strategy = "CREATE",
): void {
  const { store, account, input } = run;
  const { ci: found, bySerial, ambiguous } = matchCi(run, item, at);
  if (ambiguous) return;
  const service = serviceId(run, item.service, at);
  if (service === false) return;
  const { meta: _m, ciRelations, service: _s, ...fields } = item;
  const update = !found || strategyOf(item) === "UPDATE";
  const ci: CiInput = update ? { ...fields, childIds: ciRelations?.childIds ?? undefined } : {};
  if (update && item.userIds && found && input.referenceStrategies?.ciUserIds?.strategy === "APPEND") {
    ci.userIds = [...new Set([...found.userIds, ...item.userIds])];
  }
  if (!found) Object.assign(ci, { productId: product.id, supportTeamId: run.teamId ?? product.supportTeamId });
  // Under a DEFAULT product an existing CI keeps its current product (schema: DiscoveredItemStrategy.DEFAULT).
  else if (update && strategyOf(item) === "UPDATE" && parentStrategy !== "DEFAULT") ci.productId = product.id;
  // A CI found under an alternative source, or by serial number, is rewritten to this source and sourceID.
  if (!found || bySerial || found.source !== input.source)
    Object.assign(ci, { source: input.source, sourceID: item.sourceID });
  const result = writeCi(store, account, ci, found, at);
  run.errors.push(...result.errors);
  if (result.ci) run.cis.push(result.ci);
}

/** Runs the import. Returns the CIs written and the per-item errors. */
export function importDiscovered(
  store: FourMeStore,
  account: string,
  input: DiscoveredInput,
): { cis: CiRec[]; errors: ValidationError[] } {
  const team = input.supportTeam ? store.teams.lookup("name", `${account}\u0000${input.supportTeam}`)[0] : undefined;
  const run: Run = {
    store,
    account,
    input,
    sources: [input.source, ...(input.alternativeSources ?? [])],
    teamId: team?.id,
    errors: [],
    cis: [],
  };
  input.physicalAssets.forEach((c, i) => {
    const at = ["physicalAssets", String(i)];
    const category = upsertCategory(run, c, at);
    if (!category) return;
    (c.products ?? []).forEach((p, j) => {
      const pat = [...at, "products", String(j)];
      const product = upsertProduct(run, category, p, pat);
      if (!product) return;
      (p.configurationItems ?? []).forEach((item, k) =>
        upsertCi(run, product, item, [...pat, "configurationItems", String(k)], strategyOf(p)),
      );
    });
  });
  return { cis: run.cis, errors: run.errors };
}
