// Which existing 4me product each of a run's products is (issue 15). Pure: the run reads the candidates, this decides.
// A make and model the account already has is never created a second time: an existing product whose normalised
// brand and model match is reused, whatever its raw spelling ("Dell Inc." + "Latitude 7440" is our "Dell" +
// "Latitude 7440"). The bulk upload finds products by sourceID, so the reused product gets our source and sourceID
// once, and is found on that from then on.
import type { Product, ProductFields } from "../fourme/types.js";
import { CATEGORIES, CONNECTOR_CATEGORY_REFERENCES } from "./device-category.js";
import { makeModelKey, makeModelOf, repeatsBrand, UNKNOWN_MODEL } from "./make-model.js";
import type { ProductSpec } from "./products.js";

export interface ReuseContext {
  /** Our discovery source ("Intune"). */
  source: string;
  /** Our CI UI extension: set on a reused product that has none, so its CIs show the Intune fields. */
  uiExtensionId?: string;
}

export interface ReusePlan {
  /** Product writes by product id: our key on reused products, a new category on ours that move. */
  updates: Map<string, ProductFields>;
  /** An existing product (of another source) to upload by its productID, by our product sourceID. */
  productIds: Map<string, string>;
  /** The categories (reference → name) products move to: they must exist before the update. */
  moveTo: Map<string, string>;
  /** Products reused: somebody else's product of the same make and model now carries our key. */
  reused: number;
  /** Products that move to the category their devices now belong in. */
  moved: number;
}

/**
 * @param specs the run's products, by sourceID, with how many of the run's devices want each category (a product's
 *   devices may disagree: the most common category wins, so one odd device does not move a product).
 * @param ours our products found by sourceID
 * @param candidates products found by the specs' model spellings, of any brand and source
 */
export function planProductReuse(
  specs: ReadonlyMap<string, { spec: ProductSpec; votes: ReadonlyMap<string, number> }>,
  ours: readonly Product[],
  candidates: readonly Product[],
  ctx: ReuseContext,
): ReusePlan {
  const plan: ReusePlan = { updates: new Map(), productIds: new Map(), moveTo: new Map(), reused: 0, moved: 0 };
  const oursById = new Map(ours.filter((p) => p.source === ctx.source && p.sourceID).map((p) => [p.sourceID!, p]));
  const byKey = new Map<string, Product[]>();
  for (const p of candidates) {
    if (p.disabled || !p.brand) continue;
    const key = makeModelKey(makeModelOf(p.brand, p.model));
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }
  const claimed = new Set(ours.map((p) => p.id));
  for (const [sourceID, { spec, votes }] of specs) {
    let product = oursById.get(sourceID);
    let ourKeyNow = !!product;
    if (product && !product.uiExtensionId && ctx.uiExtensionId) {
      // Ours, made while our extension could not be had (or by an earlier version): 4me refuses the Intune fields
      // of its CIs until it has it, and the bulk upload never changes an existing product.
      plan.updates.set(product.id, { uiExtensionId: ctx.uiExtensionId });
    }
    if (!product && spec.model !== UNKNOWN_MODEL) {
      const match = pick(
        (byKey.get(makeModelKey(spec)) ?? []).filter((p) => !claimed.has(p.id)),
        ctx.source,
        spec,
      );
      if (match?.productID && match.source && match.source !== ctx.source) {
        // Another integration's product: it keeps its source; the upload finds it by productID.
        plan.productIds.set(sourceID, match.productID);
      } else if (match && (!match.source || match.source === ctx.source)) {
        // Nobody's (made by hand), or ours under an earlier key: it takes our key once.
        claimed.add(match.id);
        plan.updates.set(match.id, {
          source: ctx.source,
          sourceID,
          // Ours under an earlier key gets today's brand, model and name; somebody's keeps theirs, unless its name
          // says the brand twice (a name 4me generated from a model that repeats the brand).
          ...(match.source === ctx.source
            ? { brand: spec.brand, model: spec.model, name: spec.name }
            : match.name && repeatsBrand(match.name, spec.brand)
              ? { name: spec.name }
              : {}),
          ...(!match.uiExtensionId && ctx.uiExtensionId ? { uiExtensionId: ctx.uiExtensionId } : {}),
        });
        plan.reused++;
        product = match;
        ourKeyNow = true;
      }
    }
    const from = product?.categoryReference;
    const target = majority(votes, from) ?? spec.categoryReference;
    // Only a product that is ours now and sits in one of the connector's categories moves: a product the customer
    // filed in a category of their own stays where they put it.
    if (product && ourKeyNow && from && from !== target && CONNECTOR_CATEGORY_REFERENCES.has(from)) {
      plan.updates.set(product.id, { ...plan.updates.get(product.id), category: target });
      plan.moveTo.set(target, CATEGORY_NAMES.get(target) ?? spec.categoryName);
      plan.moved++;
    }
  }
  return plan;
}

const CATEGORY_NAMES = new Map(Object.values(CATEGORIES).map((c) => [c.reference, c.name]));

/**
 * Ours first (an earlier key of ours), then nobody's, then one with a productID. Among equals, the one already
 * spelt as we spell it (brand, model and name: nothing to rename), then by name, brand and model. Never by id: a
 * node id is opaque, so its order says nothing about age and differs between two accounts (or a crashed run's
 * retry and a clean run) that hold the same catalogue; the choice must follow from what the products say.
 */
function pick(found: Product[], source: string, spec: ProductSpec): Product | undefined {
  const rank = (p: Product) => (p.source === source ? 0 : !p.source ? 1 : p.productID ? 2 : 3);
  const unlike = (p: Product) =>
    (p.brand === spec.brand ? 0 : 1) + (p.model === spec.model ? 0 : 1) + (p.name === spec.name ? 0 : 1);
  return [...found]
    .filter((p) => rank(p) < 3)
    .sort((a, b) => rank(a) - rank(b) || unlike(a) - unlike(b) || compareSpelling(a, b))[0];
}

/** Name, brand, model, then id (only when all three are equal), by code unit: the same order on every machine. */
function compareSpelling(a: Product, b: Product): number {
  for (const k of ["name", "brand", "model", "id"] as const) {
    const x = a[k] ?? "";
    const y = b[k] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The category most devices want; on a tie the product's current one, so a split fleet does not move it to and fro. */
function majority(votes: ReadonlyMap<string, number>, current?: string): string | undefined {
  let best: string | undefined;
  let n = 0;
  for (const [k, v] of votes) if (v > n || (v === n && best !== undefined && k < best)) [best, n] = [k, v];
  return current !== undefined && votes.get(current) === n ? current : best;
}
