import { expect } from "chai";
import { isSoftwareCi } from "../../src/sync/software-ci.js";
import { contextOf, hardCaseAt } from "../../src/sandbox/fleet/context.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { FourMeSeedProduct } from "../../src/sandbox/fleet/types.js";
import type { LedgerEntry } from "../../src/store/types.js";
import { BASE_FORM, startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

// The scale crash test's account scale-9 (issue 15): the customer's catalogue holds one make and model twice, a
// hand-made CI's product (brand "Microsoft Corporation") and its archived twin's ("Microsoft"). A job retried on a
// 4me that serves many accounts, and a clean run on a fresh one, must reuse the same product: 4me numbers records
// across accounts, and its node ids are opaque, so their order is no age and differs between the two.
const CUSTOMER: FourMeSeedProduct[] = [
  {
    brand: "Microsoft Corporation",
    model: "Surface Laptop 5",
    name: "Microsoft Corporation Surface Laptop 5",
    categoryReference: "other_type_of_hardware",
    categoryName: "Other type of hardware",
  },
  {
    brand: "Microsoft",
    model: "Surface Laptop 5",
    name: "Microsoft Surface Laptop 5",
    categoryReference: "laptop",
    categoryName: "Laptop",
  },
];

/**
 * Imports the fleet into an account seeded after `before` products of another account: the CIs' product names and
 * the account's products. `crash`: the first run dies after its product writes and its upload, before the ledger
 * records anything (as a replica killed there), and a second run resumes.
 */
async function importAfter(before: number, crash = false): Promise<{ cis: string[]; products: string[] }> {
  const fleet = generateFleet({ seed: 15, size: 40 });
  const tenant = fleet.tenants[0];
  const ctx = contextOf(tenant);
  tenant.devices = tenant.devices.filter((_, i) => hardCaseAt(ctx, i) === undefined).slice(0, 4);
  tenant.devices.forEach((d, i) =>
    Object.assign(d, {
      manufacturer: i % 2 ? "Microsoft" : "Microsoft Corporation",
      model: "Surface Laptop 5",
      chassisType: "laptop",
      operatingSystem: "Windows",
      deviceType: "windowsRT",
      managedDeviceOwnerType: "company",
    }),
  );
  fleet.fourme.products = CUSTOMER;
  fleet.fourme.cis = [];
  let sb: Sandbox | undefined;
  try {
    sb = await startTestSandbox({ fleet, seedFourMe: false });
    const other = Array.from({ length: before }, (_, i) => ({ ...CUSTOMER[1]!, model: `Model ${i}`, name: `M ${i}` }));
    sb.fourme.seedAccount("another-customer", { people: [], products: other, cis: [] });
    sb.fourme.seedAccount(sb.account, fleet.fourme);
    const store = sb.connector.store;
    const putLedger = store.putLedger.bind(store);
    if (crash)
      store.putLedger = async (_: LedgerEntry[]) => {
        throw new Error("simulated crash");
      };
    await sb.setup({ fields: BASE_FORM });
    if (crash) {
      expect((await sb.runs(1))[0]!.status).to.not.equal("succeeded");
      store.putLedger = putLedger;
      const { run } = await sb.sync("rerun");
      expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
    }
    // The devices' CIs (the operating-system CIs the import also makes are not the point here).
    const cis = sb.fourme.inspect.cis(sb.account).filter((c) => c.source === "Intune" && !isSoftwareCi(c));
    expect(cis).to.have.length(4);
    const products = sb.fourme.inspect
      .products(sb.account)
      .filter((p) => p.model === "Surface Laptop 5")
      .map((p) => [p.name, p.brand, p.source ?? "-", p.sourceID ?? "-", p.category?.reference].join(" | "));
    return { cis: cis.map((c) => c.product?.name ?? "none"), products: products.sort() };
  } finally {
    await sb?.close();
  }
}

describe("product reuse: one make and model held twice (issue 15, scale crash test)", function () {
  this.timeout(60_000);

  it("reuses the same product whatever numbers 4me gave the customer's products", async () => {
    // Product/1 and /2, /23 and /24 (a fresh 4me, as the reference run), /246 and /247 (a shared one, as the retry).
    const runs = [await importAfter(0), await importAfter(22), await importAfter(245)];
    expect(runs.map((r) => r.cis)).to.deep.equal(Array(3).fill(Array(4).fill("Microsoft Surface Laptop 5")));
    // The other one is the customer's and stays as it was.
    expect(runs[0]!.products).to.deep.equal([
      "Microsoft Corporation Surface Laptop 5 | Microsoft Corporation | - | - | other_type_of_hardware",
      "Microsoft Surface Laptop 5 | Microsoft | Intune | microsoft_surface_laptop_5 | laptop",
    ]);
    expect(runs[1]!.products).to.deep.equal(runs[0]!.products);
    expect(runs[2]!.products).to.deep.equal(runs[0]!.products);
  });

  it("ends in the same products when the first run dies after its product writes and a second run resumes", async () => {
    // A guard on the crash path itself: the reused product is ours by sourceID from then on, so the resumed run
    // neither reuses another one nor renames it.
    const clean = await importAfter(22);
    expect(await importAfter(22, true)).to.deep.equal(clean);
    expect(await importAfter(245, true)).to.deep.equal(clean);
  });
});
