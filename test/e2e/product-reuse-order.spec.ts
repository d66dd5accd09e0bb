import { expect } from "chai";
import { contextOf, hardCaseAt } from "../../src/sandbox/fleet/context.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { FourMeSeedProduct } from "../../src/sandbox/fleet/types.js";
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

/** Imports the fleet into an account seeded after `before` products of another account; the CIs' product names. */
async function importAfter(before: number): Promise<string[]> {
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
    await sb.setup({ fields: BASE_FORM });
    const cis = sb.fourme.inspect.cis(sb.account).filter((c) => c.source === "Intune");
    expect(cis).to.have.length(4);
    return cis.map((c) => c.product?.name ?? "none");
  } finally {
    await sb?.close();
  }
}

describe("product reuse: one make and model held twice (issue 15, scale crash test)", function () {
  this.timeout(60_000);

  it("reuses the same product whatever numbers 4me gave the customer's products", async () => {
    // Product/1 and /2, /23 and /24 (a fresh 4me, as the reference run), /246 and /247 (a shared one, as the retry).
    const names = [await importAfter(0), await importAfter(22), await importAfter(245)];
    expect(names).to.deep.equal(Array(3).fill(Array(4).fill("Microsoft Surface Laptop 5")));
  });
});
