import { expect } from "chai";
import type { Product } from "../../../src/fourme/types.js";
import { encodeNodeId } from "../../../src/sandbox/fourme/ids.js";
import { planProductReuse } from "../../../src/sync/product-reuse.js";
import { productFor, productKeyOf } from "../../../src/sync/products.js";
import { device } from "./fixtures.js";

const CTX = { source: "Intune", uiExtensionId: "UX1" };
const product = (over: Partial<Product>): Product => ({ id: "P", disabled: false, ...over });
/** The run's products as apply-products passes them: by sourceID, with category votes. */
function specsOf(...devices: Parameters<typeof device>[0][]) {
  const out = new Map<string, { spec: ReturnType<typeof productFor>; votes: Map<string, number> }>();
  for (const d of devices) {
    const spec = productFor(productKeyOf(device(d)));
    const e = out.get(spec.sourceID) ?? { spec, votes: new Map<string, number>() };
    e.votes.set(spec.categoryReference, (e.votes.get(spec.categoryReference) ?? 0) + 1);
    out.set(spec.sourceID, e);
  }
  return out;
}

describe("product reuse", () => {
  it("gives our key once to the customer's product of the same make and model, whatever its spelling", () => {
    const specs = specsOf({ manufacturer: "Dell", model: "Latitude 7440", chassisType: "laptop" });
    const theirs = product({ id: "P1", brand: "Dell Inc.", model: "Latitude 7440", categoryReference: "laptop" });
    const plan = planProductReuse(specs, [], [theirs], CTX);
    expect(plan.updates.get("P1")).to.deep.equal({
      source: "Intune",
      sourceID: "dell_latitude_7440",
      uiExtensionId: "UX1",
    });
    expect(plan.reused).to.equal(1);
    // Once ours by sourceID, nothing more is written.
    const ours = { ...theirs, source: "Intune", sourceID: "dell_latitude_7440", uiExtensionId: "UX1" };
    expect(planProductReuse(specs, [ours], [], CTX).updates.size).to.equal(0);
  });

  it("gives our extension to a product of ours that lacks it (made while the extension could not be had)", () => {
    const specs = specsOf({ manufacturer: "Dell", model: "Latitude 7440", chassisType: "laptop" });
    const ours = product({ id: "P1", brand: "Dell", model: "Latitude 7440", categoryReference: "laptop" });
    const keyed = { ...ours, source: "Intune", sourceID: "dell_latitude_7440" };
    expect(planProductReuse(specs, [keyed], [], CTX).updates.get("P1")).to.deep.equal({ uiExtensionId: "UX1" });
    // Without an extension this run, nothing to give.
    expect(planProductReuse(specs, [keyed], [], { source: "Intune" }).updates.size).to.equal(0);
  });

  it("renames a reused product only when its name says the brand twice, and rekeys ours from an earlier key", () => {
    const specs = specsOf({ manufacturer: "HP", model: "HP ProBook 450 G10 Notebook PC", chassisType: "laptop" });
    const doubled = product({
      id: "P2",
      brand: "HP",
      model: "HP ProBook 450 G10 Notebook PC",
      name: "HP HP ProBook 450 G10 Notebook PC",
    });
    expect(planProductReuse(specs, [], [doubled], CTX).updates.get("P2")).to.include({
      sourceID: "hp_probook_450_g10_notebook_pc",
      name: "HP ProBook 450 G10 Notebook PC",
    });
    const oldOurs = product({
      ...doubled,
      id: "P3",
      source: "Intune",
      sourceID: "hp_hp_probook_450_g10_notebook_pc",
      uiExtensionId: "UX1",
    });
    expect(planProductReuse(specs, [], [oldOurs], CTX).updates.get("P3")).to.deep.equal({
      source: "Intune",
      sourceID: "hp_probook_450_g10_notebook_pc",
      brand: "HP",
      model: "ProBook 450 G10 Notebook PC",
      name: "HP ProBook 450 G10 Notebook PC",
    });
  });

  it("leaves another integration's product its source: it is found by productID, or not reused", () => {
    const specs = specsOf({ manufacturer: "Dell", model: "OptiPlex 7010", chassisType: "desktop" });
    const lansweeper = product({
      id: "P4",
      brand: "Dell Inc.",
      model: "OptiPlex 7010",
      source: "Lansweeper",
      productID: "OPX7010",
    });
    const plan = planProductReuse(specs, [], [lansweeper], CTX);
    expect(plan.updates.size).to.equal(0);
    expect(plan.productIds.get("dell_optiplex_7010")).to.equal("OPX7010");
  });

  it("moves our product with its devices' category, but never out of a category of the customer's own", () => {
    const specs = specsOf(
      { manufacturer: "Apple", model: "iMac", chassisType: "desktop" },
      { manufacturer: "Apple", model: "iMac", chassisType: "desktop" },
    );
    const ours = product({
      id: "P5",
      brand: "Apple",
      model: "iMac",
      source: "Intune",
      sourceID: "apple_imac",
      categoryReference: "laptop",
      uiExtensionId: "UX1",
    });
    const plan = planProductReuse(specs, [ours], [], CTX);
    expect(plan.updates.get("P5")).to.deep.equal({ category: "desktop" });
    expect([...plan.moveTo]).to.deep.equal([["desktop", "Desktop"]]);
    const filed = { ...ours, categoryReference: "computer/all_in_one" };
    expect(planProductReuse(specs, [filed], [], CTX).updates.size).to.equal(0);
  });

  it("moves by the category most of the run's devices want, so one odd device does not move a product", () => {
    const specs = specsOf(
      { manufacturer: "Microsoft Corporation", model: "Surface Pro 4", chassisType: "laptop" },
      { manufacturer: "Microsoft Corporation", model: "Surface Pro 4", chassisType: "laptop" },
      { manufacturer: "Microsoft Corporation", model: "Surface Pro 4", chassisType: "tablet" },
    );
    const ours = product({
      id: "P6",
      brand: "Microsoft",
      model: "Surface Pro 4",
      source: "Intune",
      sourceID: "microsoft_surface_pro_4",
      categoryReference: "laptop",
      uiExtensionId: "UX1",
    });
    expect(planProductReuse(specs, [ours], [], CTX).updates.size).to.equal(0);
  });
  it("reuses the same one of two customer products of a make and model, however 4me numbered them", () => {
    // The scale crash test's account: a hand-made CI's product ("Microsoft Corporation" + "Surface Laptop 5") and an
    // archived twin's ("Microsoft"). Node ids are opaque base64: Product/23 sorts after Product/24, Product/246 before
    // Product/247. A retried job on a shared 4me and a clean run on a fresh one must still pick the same product.
    const specs = specsOf({ manufacturer: "Microsoft Corporation", model: "Surface Laptop 5", chassisType: "laptop" });
    const catalogue = (first: number) => [
      product({
        id: encodeNodeId("4me.com", "Product", first),
        brand: "Microsoft Corporation",
        model: "Surface Laptop 5",
        name: "Microsoft Corporation Surface Laptop 5",
      }),
      product({
        id: encodeNodeId("4me.com", "Product", first + 1),
        brand: "Microsoft",
        model: "Surface Laptop 5",
        name: "Microsoft Surface Laptop 5",
      }),
    ];
    const reused = [23, 246, 9, 99_999].map((first) => {
      const products = catalogue(first);
      const [id] = [...planProductReuse(specs, [], products, CTX).updates.keys()];
      return products.find((p) => p.id === id)?.name;
    });
    // The one already spelt as we would name it: nothing to rename, and the same whatever the ids.
    expect(reused).to.deep.equal(Array(4).fill("Microsoft Surface Laptop 5"));
  });
});
