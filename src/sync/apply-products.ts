// The product side of applying a plan, before the first batch: which existing products the run's makes and models
// are (planProductReuse decides), and the product writes that follow (our key on reused products, moves to the
// category their devices now belong in, our UI extension on serial-matched CIs' products).
import type { ProductFields } from "../fourme/types.js";
import { rethrowFatal, type ApplyDeps, type ApplyResult, type Item } from "./apply-plan.js";
import { planProductReuse } from "./product-reuse.js";
import { productFor, type ProductSpec } from "./products.js";

/** What the run decided about existing products before its first upload. */
export interface ProductReuse {
  /** An existing product (of another source) to upload by its productID, by our product sourceID. */
  productIds: Map<string, string>;
  /** Reused products that take our key (product id → our sourceID): until written, an upload would make another. */
  claims: Map<string, string>;
  /** The wide read failed: nothing is known about the account's products this run. */
  lookupFailed?: boolean;
}

/**
 * Our product sourceIDs whose devices must wait for the next run: all of them when the lookup failed, else those
 * whose reused product could not take our key. Uploading them would make a second product beside the account's own,
 * the very duplicate reuse is there to prevent.
 */
export type UnsettledProducts = ReadonlySet<string> | "all";

export function unsettledProducts(reuse: ProductReuse, failedUpdates: ReadonlySet<string>): UnsettledProducts {
  if (reuse.lookupFailed) return "all";
  return new Set([...reuse.claims].filter(([id]) => failedUpdates.has(id)).map(([, sourceID]) => sourceID));
}

/** The batch without the devices whose product is unsettled; those count as skipped:4me_error (retried next run). */
export function withSettledProducts(
  batch: Item[],
  unsettled: UnsettledProducts,
  count: (k: string, n?: number) => void,
): Item[] {
  if (unsettled !== "all" && unsettled.size === 0) return batch;
  const ready = unsettled === "all" ? [] : batch.filter((i) => !unsettled.has(productFor(i.ci.product).sourceID));
  if (ready.length < batch.length) count("skipped:4me_error", batch.length - ready.length);
  return ready;
}

/**
 * The existing products of the run's makes and models (ours, and anybody's of the same normalised make and model):
 * one wide read, then planProductReuse decides. Categories that products move to are made first when missing.
 */
export async function reuseExistingProducts(
  items: readonly Item[],
  deps: ApplyDeps,
  result: ApplyResult,
  productUpdates: Map<string, ProductFields>,
): Promise<ProductReuse> {
  const specs = new Map<string, { spec: ProductSpec; votes: Map<string, number> }>();
  for (const i of items) {
    const spec = productFor(i.ci.product);
    if (!specs.has(spec.sourceID)) specs.set(spec.sourceID, { spec, votes: new Map<string, number>() });
  }
  if (specs.size === 0) return { productIds: new Map(), claims: new Map() };
  // The category each product's devices are in: all devices read this run (the written ones alone otherwise).
  const specOf = new Map<string, ProductSpec>(); // a fleet has few makes and models: each is worked out once
  for (const { product: p } of deps.fleet ?? items.map((i) => i.ci)) {
    const k = `${p.brand}\u0000${p.model}\u0000${p.category}`;
    const spec = specOf.get(k) ?? specOf.set(k, productFor(p)).get(k)!;
    const votes = specs.get(spec.sourceID)?.votes;
    votes?.set(spec.categoryReference, (votes.get(spec.categoryReference) ?? 0) + 1);
  }
  try {
    const found = await deps.api.findProductsForReuse(
      [...specs.keys()],
      [...specs.values()].flatMap((s) => s.spec.modelSpellings),
    );
    const plan = planProductReuse(specs, found.ours, found.byModel, {
      source: deps.api.source,
      uiExtensionId: deps.uiExtensionId,
    });
    await ensureCategories(plan.moveTo, deps);
    for (const [id, patch] of plan.updates) productUpdates.set(id, { ...productUpdates.get(id), ...patch });
    if (plan.reused) result.counts["products_reused"] = plan.reused;
    if (plan.moved) result.counts["products_moved"] = plan.moved;
    const claims = new Map<string, string>();
    for (const [id, patch] of plan.updates) if (patch.sourceID) claims.set(id, patch.sourceID);
    return { productIds: plan.productIds, claims };
  } catch (err) {
    rethrowFatal(err);
    result.errors.push(`product lookup: ${(err as Error).message} (no device is written until it succeeds)`);
    return { productIds: new Map(), claims: new Map(), lookupFailed: true };
  }
}

/** Makes the categories products move to when the account has none with that reference yet. */
async function ensureCategories(wanted: ReadonlyMap<string, string>, deps: ApplyDeps) {
  if (wanted.size === 0) return;
  const have = new Set((await deps.api.findCategories({ references: [...wanted.keys()] })).map((c) => c.reference));
  for (const [reference, name] of wanted) {
    if (!have.has(reference)) await deps.api.createCategory({ name });
  }
}

/** The run's product writes, ten per request. A refused one is an error line; the run goes on. Returns those ids. */
export async function updateProducts(
  updates: Map<string, ProductFields>,
  deps: ApplyDeps,
  result: ApplyResult,
): Promise<Set<string>> {
  const failed = new Set<string>();
  if (updates.size === 0) return failed;
  const outcomes = await deps.api.updateProducts([...updates].map(([id, patch]) => ({ id, patch })));
  for (const o of outcomes) {
    if (!o.error) continue;
    failed.add(o.update.id);
    result.errors.push(`product ${o.update.id}: ${o.error}`);
  }
  return failed;
}
