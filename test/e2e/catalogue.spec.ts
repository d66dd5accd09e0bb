import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { contextOf, hardCaseAt } from "../../src/sandbox/fleet/context.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";
import { customerMutations, isOsCi } from "./helpers/sandbox.js";
import { makeModelKey, makeModelOf, repeatsBrand } from "../../src/sync/make-model.js";

// The product catalogue checked as a whole (issue 15): a fleet with every vendor spelling Intune reports, imported
// into an account that already holds some of those makes and models under other spellings.
type Row = [manufacturer: string, model: string, chassis: string | null, os: string, brand: string, category: string];
const FLEET: Row[] = [
  ["Dell Inc.", "Latitude 7440", "laptop", "Windows", "Dell", "laptop"],
  ["Dell", "Latitude 7440", "laptop", "Windows", "Dell", "laptop"],
  ["DELL", "OptiPlex 7010", null, "Windows", "Dell", "desktop"],
  ["HP", "HP ProBook 450 G10 Notebook PC", "laptop", "Windows", "HP", "laptop"],
  ["HP Inc.", "HP EliteDesk 800 G6 Desktop Mini PC", "desktop", "Windows", "HP", "desktop"],
  ["Hewlett-Packard", "HP ProBook 450 G10 Notebook PC", "laptop", "Windows", "HP", "laptop"],
  ["Hewlett Packard", "EliteBook 840 G9", null, "Windows", "HP", "laptop"],
  ["LENOVO", "ThinkPad T14 Gen 3", null, "Windows", "Lenovo", "laptop"],
  ["Lenovo", "ThinkCentre M70q Gen 3", null, "Windows", "Lenovo", "desktop"],
  ["Microsoft Corporation", "Surface Laptop 5", "laptop", "Windows", "Microsoft", "laptop"],
  ["Microsoft", "Surface Laptop 5", "laptop", "Windows", "Microsoft", "laptop"],
  ["Microsoft Corporation", "Virtual Machine", "desktop", "Windows", "Microsoft", "virtual_machine"],
  [
    "Microsoft Corporation",
    "Cloud PC Enterprise 2vCPU/8GB/128GB",
    "desktop",
    "Windows",
    "Microsoft",
    "virtual_machine",
  ],
  ["Apple", "iMac", "laptop", "macOS", "Apple", "desktop"],
  ["Apple Inc.", "Mac mini", null, "macOS", "Apple", "desktop"],
  ["Apple", "Mac Studio", null, "macOS", "Apple", "desktop"],
  ["Apple", "Mac Pro", null, "macOS", "Apple", "desktop"],
  ["Apple", "MacBook Air", null, "macOS", "Apple", "laptop"],
  ["Apple", "iPhone 15", null, "iOS", "Apple", "mobile_phone"],
  ["Apple", "iPad Air (5th generation)", null, "iOS", "Apple", "tablet"],
  ["samsung", "SM-S911B", "phone", "Android", "Samsung", "mobile_phone"],
  ["SAMSUNG ELECTRONICS", "SM-S911B", null, "Android", "Samsung", "mobile_phone"],
  ["Samsung Electronics Co., Ltd.", "SM-X710", null, "Android", "Samsung", "tablet"],
  ["Google", "Pixel 8", null, "Android", "Google", "mobile_phone"],
  ["Google", "Google Compute Engine", null, "Windows", "Google", "virtual_machine"],
  ["motorola", "moto g84 5G", null, "Android", "Motorola", "mobile_phone"],
  ["Zebra Technologies", "TC52", null, "Android", "Zebra", "mobile_phone"],
  ["Panasonic Corporation", "FZ-55", "laptop", "Windows", "Panasonic", "laptop"],
  ["FUJITSU CLIENT COMPUTING LIMITED", "LIFEBOOK U7412", null, "Windows", "Fujitsu", "laptop"],
  ["Acer", "TravelMate P214-54", null, "Windows", "Acer", "laptop"],
  ["ASUSTeK COMPUTER INC.", "ExpertBook B9400CEA", null, "Windows", "ASUS", "laptop"],
  ["VMware, Inc.", "VMware Virtual Platform", "desktop", "Windows", "VMware", "virtual_machine"],
  ["VMware", "VMware Virtual Platform", null, "Windows", "VMware", "virtual_machine"],
  [
    "Parallels Software International Inc.",
    "Parallels Virtual Platform",
    null,
    "Windows",
    "Parallels",
    "virtual_machine",
  ],
  ["QEMU", "Standard PC (Q35 + ICH9, 2009)", null, "Windows", "QEMU", "virtual_machine"],
  ["innotek GmbH", "VirtualBox", null, "Windows", "Oracle", "virtual_machine"],
  ["Xen", "HVM domU", null, "Windows", "Xen", "virtual_machine"],
  ["Amazon EC2", "t3.large", null, "Windows", "Amazon", "virtual_machine"],
];

/** The customer's catalogue before the connector: some of those makes and models, spelt otherwise. */
const CUSTOMER = [
  {
    brand: "Dell",
    model: "Latitude 7440",
    name: "Dell Latitude 7440",
    categoryReference: "laptop",
    categoryName: "Laptop",
  },
  {
    brand: "Hewlett-Packard",
    model: "ProBook 450 G10 Notebook PC",
    name: "HP ProBook 450",
    categoryReference: "laptop",
    categoryName: "Laptop",
  },
  {
    brand: "Microsoft Corporation",
    model: "Surface Laptop 5",
    name: "Surface Laptop 5",
    categoryReference: "laptop",
    categoryName: "Laptop",
  },
  { brand: "Apple Inc.", model: "iMac", name: "Apple iMac", categoryReference: "laptop", categoryName: "Laptop" },
  {
    brand: "Samsung",
    model: "SM-S911B",
    name: "Samsung Galaxy S23",
    categoryReference: "computer/phone",
    categoryName: "Phone",
  },
  {
    brand: "VMware, Inc.",
    model: "VMware Virtual Platform",
    name: "VMware VM",
    categoryReference: "other_type_of_hardware",
    categoryName: "Other type of hardware",
  },
];

describe("the product catalogue as a whole (issue 15)", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let existing: Set<string>;
  before(async () => {
    const fleet = generateFleet({ seed: 15, size: 200 });
    const tenant = fleet.tenants[0];
    const ctx = contextOf(tenant);
    // Ordinary devices only (no hard case), one per row.
    const devices = tenant.devices.filter((_, i) => hardCaseAt(ctx, i) === undefined).slice(0, FLEET.length);
    tenant.devices = devices;
    const deviceType = { Windows: "windowsRT", macOS: "macMDM", iOS: "iPhone", Android: "androidEnterprise" };
    FLEET.forEach(([manufacturer, model, chassisType, operatingSystem], i) =>
      Object.assign(devices[i], {
        manufacturer,
        model,
        chassisType,
        operatingSystem,
        managedDeviceOwnerType: "company",
        // An iPad is known by its model here, not by deviceType.
        deviceType: /ipad/i.test(model) ? null : deviceType[operatingSystem as keyof typeof deviceType],
      }),
    );
    fleet.fourme.products = CUSTOMER;
    fleet.fourme.cis = [];
    sandbox = await startSandbox({ fleet, instantWaits: true });
    existing = new Set(sandbox.fourme.inspect.products(sandbox.account).map((p) => p.id));
    await sandbox.setup({ fields: [...IMPORT_ALL, { id: Field.supportTeam, value: "Service Desk" }] });
  });
  after(() => sandbox?.close());

  // The hardware catalogue: the operating systems' software products (issue 17) are os-cis.spec.ts's.
  const products = () =>
    sandbox.fourme.inspect.products(sandbox.account).filter((p) => p.category?.ruleSet !== "software");
  const keyOf = (brand: string, model: string | null | undefined) => makeModelKey(makeModelOf(brand, model));

  it("imports every device", () => {
    expect(
      sandbox.fourme.inspect.cis(sandbox.account).filter((c) => c.source === "Intune" && !isOsCi(c)),
    ).to.have.length(FLEET.length);
  });

  it("has one product per normalised make and model, and creates none where the customer had one", () => {
    const byKey = new Map<string, string[]>();
    for (const p of products())
      byKey.set(keyOf(p.brand, p.model), [...(byKey.get(keyOf(p.brand, p.model)) ?? []), p.name]);
    for (const [key, names] of byKey) expect(names, key).to.have.length(1);
    const wanted = new Set(FLEET.map(([m, model]) => keyOf(m, model)));
    expect(byKey.size).to.equal(wanted.size);
    const created = products().filter((p) => !existing.has(p.id));
    const customerKeys = new Set(CUSTOMER.map((p) => keyOf(p.brand, p.model)));
    for (const p of created) expect(customerKeys.has(keyOf(p.brand, p.model)), p.name).to.equal(false);
    expect(created).to.have.length(wanted.size - customerKeys.size);
  });

  it("links each device's CI to its make and model's product, and names no product with its brand twice", () => {
    const cis = sandbox.fourme.inspect.cis(sandbox.account);
    for (const [manufacturer, model, , , brand] of FLEET) {
      const ci = cis.find(
        (c) =>
          c.customFields.some((f) => f.id === "intune_manufacturer" && f.value === manufacturer) &&
          c.customFields.some((f) => f.id === "intune_model" && f.value === model),
      );
      expect(ci, `${manufacturer} ${model}`).to.not.equal(undefined);
      expect(keyOf(ci!.product!.brand, ci!.product!.model)).to.equal(keyOf(manufacturer, model));
      expect(makeModelOf(ci!.product!.brand, ci!.product!.model).brand).to.equal(brand);
    }
    for (const p of products())
      expect(repeatsBrand(p.name, makeModelOf(p.brand, p.model).brand), p.name).to.equal(false);
    const hp = products().find((p) => keyOf(p.brand, p.model) === keyOf("HP", "ProBook 450 G10 Notebook PC"))!;
    expect([hp.name, hp.source, hp.sourceID]).to.deep.equal([
      "HP ProBook 450",
      "Intune",
      "hp_probook_450_g10_notebook_pc",
    ]);
  });

  it("files each product in its device's category, one spelling per category; the customer's own categories stay", () => {
    for (const [manufacturer, model, , , , category] of FLEET) {
      const p = products().find((x) => keyOf(x.brand, x.model) === keyOf(manufacturer, model))!;
      // Samsung SM-S911B is the customer's product in a category of their own: it stays there.
      const expected = keyOf(manufacturer, model) === keyOf("Samsung", "SM-S911B") ? "computer/phone" : category;
      expect(p.category?.reference, `${manufacturer} ${model}`).to.equal(expected);
    }
    const names = sandbox.fourme.inspect.categories(sandbox.account).map((c) => c.name.toLowerCase());
    expect(new Set(names).size).to.equal(names.length);
  });

  it("moves a product of ours when its devices' category changes, not when one device of several disagrees", async () => {
    const tenant = sandbox.microsoft.controls.tenant(sandbox.fleet.tenants[0].domain);
    const deviceOf = (manufacturer: string, model: string) =>
      tenant.devices.find((d) => d["manufacturer"] === manufacturer && d["model"] === model)!;
    deviceOf("Panasonic Corporation", "FZ-55")["chassisType"] = "tablet";
    deviceOf("Dell", "Latitude 7440")["chassisType"] = "tablet";
    await sandbox.sync("catalogue-chassis");
    const productOf = (brand: string, model: string) =>
      products().find((p) => keyOf(p.brand, p.model) === keyOf(brand, model))!;
    expect(productOf("Panasonic", "FZ-55").category?.reference).to.equal("tablet");
    // One Latitude 7440 of two says tablet: the product stays a laptop.
    expect(productOf("Dell", "Latitude 7440").category?.reference).to.equal("laptop");
  });

  it("makes no product write on a second sync with nothing changed", async () => {
    sandbox.fourme.resetStats();
    await sandbox.sync("catalogue-unchanged");
    expect(customerMutations(sandbox.fourme.stats())).to.deep.equal({});
  });
});
