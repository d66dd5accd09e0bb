// Operating-system CIs end to end (issue 17): the connector against the simulated 4me and Intune over HTTP. The
// first import makes one software CI per OS family and points every device CI at its own through operatingSystemId;
// an OS upgrade moves one pointer and writes that device alone; an unchanged re-sync writes nothing; with the form's
// switch off no OS CI is made.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { SimTenant } from "../../src/sandbox/fleet/types.js";
import { osFamilyOf } from "../../src/sync/os-family.js";
import type { IntuneDevice } from "../../src/intune/types.js";
import {
  BASE_FORM,
  asCustomer,
  ciOf,
  cis,
  customerMutations,
  fieldOf,
  osCis,
  ourCis,
  startTestSandbox,
  str,
  tenantOf,
  type CiView,
  type Sandbox,
} from "./helpers/sandbox.js";

const familyOf = (d: Record<string, unknown>) => osFamilyOf(d as unknown as IntuneDevice)!.name;

describe("operating-system CIs against the sandbox (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let tenant: SimTenant;
  /** Device CIs of the first import, by device id. */
  let imported: [Record<string, unknown>, CiView][];

  before(async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: 17, size: 120 }) });
    tenant = tenantOf(sb);
    await sb.setup({ fields: BASE_FORM });
    imported = tenant.devices.flatMap((d) => {
      const ci = ciOf(sb, str(d, "id"));
      return ci ? [[d, ci] as [Record<string, unknown>, CiView]] : [];
    });
  });

  after(async () => {
    await sb?.close();
  });

  it("creates one software CI per OS family and points each device CI at its own", async () => {
    const run = (await sb.runs(1))[0];
    expect(run.status, run.errors.join("\n")).to.equal("succeeded");
    expect(imported.length).to.be.greaterThan(80);
    const families = new Set(imported.map(([d]) => familyOf(d)));
    expect(families.size).to.be.greaterThan(5);
    const os = osCis(sb);
    expect(os.map((c) => c.name).sort()).to.deep.equal([...families].sort());
    expect(run.counts.os_cis_created).to.equal(families.size);
    for (const c of os) {
      expect(c.source).to.equal("Intune");
      expect(c.category).to.include({ reference: "software/operating_system_software", ruleSet: "software" });
    }
    const byName = new Map(os.map((c) => [c.name, c]));
    for (const [d, ci] of imported) {
      expect(ci.operatingSystemId, str(d, "deviceName")).to.equal(byName.get(familyOf(d))!.id);
      expect(fieldOf(ci, "intune_os_ci")).to.equal(familyOf(d));
    }
    // Windows editions are products of their own; iOS devices of every version share one.
    const windows = os.find((c) => /^Windows 11 Enterprise /.test(c.name))!;
    expect(windows.product).to.include({ brand: "Microsoft", model: "Windows 11 Enterprise" });
    const products = sb.fourme.inspect.products(sb.account).filter((p) => p.category?.ruleSet === "software");
    expect(products.map((p) => p.name)).to.include.members(["Microsoft Windows 11 Enterprise", "Apple iOS"]);

    // 4me itself resolves the pointer: a CI's operatingSystem is the OS CI.
    const laptop = imported.find(([d]) => d["operatingSystem"] === "Windows")![1];
    const data = await asCustomer<{ node: { operatingSystem: { name: string } } }>(
      sb,
      "query($id: ID!) { node(id: $id) { ... on ConfigurationItem { operatingSystem { name } } } }",
      { id: laptop.id },
    );
    expect(data.node.operatingSystem.name).to.equal(fieldOf(laptop, "intune_os_ci"));
  });

  it("makes zero 4me mutations on an unchanged re-sync", async () => {
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.status).to.equal("succeeded");
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });

  it("moves the pointer of an upgraded device, writing that device alone, and leaves the old OS CI", async () => {
    const [device, before] = imported.find(([d]) => str(d, "osVersion").startsWith("10.0.22631."))!;
    const oldOs = before.operatingSystemId;
    const othersBefore = ourCis(sb).filter((c) => c.id !== before.id);
    device["osVersion"] = "10.0.26100.2894";
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
    expect(run!.counts.updated).to.equal(1);

    const after = ciOf(sb, str(device, "id"))!;
    const target = osCis(sb).find((c) => c.name === familyOf(device))!;
    expect(target.name).to.match(/^Windows 11 .*24H2$/);
    expect(after.operatingSystemId).to.equal(target.id);
    expect(fieldOf(after, "intune_os_ci")).to.equal(target.name);
    // The old OS CI stays, whether or not another device still uses it.
    expect(cis(sb).find((c) => c.id === oldOs)?.status).to.equal("in_production");
    for (const c of othersBefore)
      expect(cis(sb).find((x) => x.id === c.id)!.operatingSystemId).to.equal(c.operatingSystemId);
    // One bulk upload for the device (its OS CI already existed, so nothing else).
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({ discoveredConfigurationItems: 1 });

    sb.fourme.resetStats();
    await sb.sync();
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });

  it("writes the devices without a pointer, and says why, when the account's OS category holds no software", async () => {
    const odd = await startTestSandbox({ fleet: generateFleet({ seed: 19, size: 30 }) });
    try {
      // Somebody made the category by hand with the hardware rule set: 4me would refuse every device pointing there.
      odd.fourme.seedAccount(odd.account, { people: [], teams: [], products: [], cis: [] });
      await asCustomer(
        odd,
        `mutation { productCategoryCreate(input: { name: "Operating System Software", group: "Software",
          ruleSet: physical_asset }) { errors { message } } }`,
        {},
      );
      await odd.setup({ fields: BASE_FORM });
      const run = (await odd.runs(1))[0];
      expect(run.errors.join("\n")).to.match(/software\/operating_system_software has the rule set physical_asset/);
      expect(ourCis(odd).length).to.be.greaterThan(15);
      expect(osCis(odd)).to.deep.equal([]);
      for (const c of ourCis(odd)) expect(c.operatingSystemId).to.equal(undefined);
    } finally {
      await odd.close();
    }
  });

  it("creates no OS CI and sets no pointer with the switch off", async () => {
    const off = await startTestSandbox({ fleet: generateFleet({ seed: 18, size: 40 }) });
    try {
      await off.setup({ fields: [...BASE_FORM, { id: Field.osCis, value: false }] });
      const run = (await off.runs(1))[0];
      expect(run.status, run.errors.join("\n")).to.equal("succeeded");
      expect(ourCis(off).length).to.be.greaterThan(20);
      expect(osCis(off)).to.deep.equal([]);
      for (const c of ourCis(off)) {
        expect(c.operatingSystemId).to.equal(undefined);
        expect(fieldOf(c, "intune_os_ci") ?? null).to.equal(null);
      }
      expect(off.fourme.inspect.categories(off.account).map((c) => c.ruleSet)).to.not.include("software");
    } finally {
      await off.close();
    }
  });
});
