// Issue 17: once a tenant is connected, the form's hidden software_catalogue field holds the detected apps (name,
// version, device count), so the "Tracked software" counts show before any pattern is saved.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { parseCatalogue } from "../../src/intune/software-catalogue.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { installedAppsOf } from "../../src/sandbox/fleet/software.js";
import { BASE_FORM, startTestSandbox, tenantOf, type Sandbox } from "./helpers/sandbox.js";

describe("detected-app catalogue in the form (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: 23, size: 400 }) });
    await sb.setup({ tenants: [{ domain: tenantOf(sb, 0).domain }], fields: BASE_FORM });
  });
  after(async () => sb?.close());

  it("writes every installed name and version with its device count when the tenant is connected", () => {
    const expected = new Map<string, number>();
    for (const d of tenantOf(sb, 0).devices)
      for (const a of installedAppsOf(23, 0, d)) {
        const key = `${a.displayName}|${a.version}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    const catalogue = parseCatalogue(String(sb.formValues()[Field.softwareCatalogue] ?? ""));
    expect(catalogue, "software_catalogue written").to.not.equal(undefined);
    expect(new Map(catalogue!.apps.map(([n, v, c]) => [`${n}|${v}`, c]))).to.deep.equal(expected);
    expect(catalogue!.omitted).to.deep.equal([0, 0]);
    expect(catalogue!.apps.some(([n]) => n.startsWith("Microsoft Visio"))).to.equal(true);
  });
});
