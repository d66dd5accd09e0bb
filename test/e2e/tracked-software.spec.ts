// Tracked software end to end (issue 17): the connector against the simulated 4me and Intune over HTTP. With
// patterns in the form, the first import makes one software CI per tracked app and version line, related
// (ciRelations.childIds) to exactly the device CIs Intune lists it on; an unchanged re-sync writes nothing; an app
// uninstalled from one device removes that one relation; without patterns no detected app is read and nothing is
// written.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { installedAppsOf } from "../../src/sandbox/fleet/software.js";
import type { SimTenant } from "../../src/sandbox/fleet/types.js";
import { softwareSourceId, versionLine } from "../../src/sync/plan-software.js";
import { matchingPattern } from "../../src/sync/software-patterns.js";
import {
  BASE_FORM,
  appCis,
  ciOf,
  customerMutations,
  startTestSandbox,
  str,
  tenantOf,
  type Sandbox,
} from "./helpers/sandbox.js";

const SEED = 31;
const PATTERNS = ["Microsoft Visio*", "Adobe Acrobat*"];
const detectedAppReads = (sb: Sandbox) =>
  Object.entries(sb.microsoft.controls.stats().byRoute)
    .filter(([route]) => route.startsWith("graph.detectedApps"))
    .reduce((n, [, c]) => n + Number(c), 0);

/** What Intune lists: software sourceID → the CI ids of the devices that have a tracked app of that line. */
function expectedRelations(sb: Sandbox, tenant: SimTenant): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const d of tenant.devices) {
    const ci = ciOf(sb, str(d, "id"));
    const gone = tenant.uninstalled?.get(str(d, "id"));
    for (const app of installedAppsOf(SEED, 0, d)) {
      if (!ci || gone?.has(app.displayName) || !matchingPattern(PATTERNS, app.displayName)) continue;
      const key = softwareSourceId(app.displayName, versionLine(app.version));
      out.set(key, (out.get(key) ?? new Set()).add(ci.id));
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

const writtenRelations = (sb: Sandbox) => new Map(appCis(sb).map((c) => [c.sourceID!, [...(c.childIds ?? [])].sort()]));

describe("tracked software against the sandbox (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let tenant: SimTenant;

  before(async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: SEED, size: 150 }) });
    tenant = tenantOf(sb);
    await sb.setup({ fields: [...BASE_FORM, { id: Field.trackedSoftware, value: PATTERNS.join("\n") }] });
  });
  after(async () => sb?.close());

  it("creates one software CI per tracked app and version line, related to exactly the devices Intune lists", async () => {
    const run = (await sb.runs(1))[0];
    expect(run.status, run.errors.join("\n")).to.equal("succeeded");
    const expected = expectedRelations(sb, tenant);
    expect(expected.size).to.be.greaterThan(3);
    expect(writtenRelations(sb)).to.deep.equal(expected);
    expect(run.counts.software_cis_created).to.equal(expected.size);
    for (const c of appCis(sb)) {
      expect(c.status).to.equal("in_production");
      expect(c.name).to.match(/^(Microsoft Visio|Adobe Acrobat).* \d+\.x$/);
      expect(c.category).to.include({ reference: "software/application_software", ruleSet: "software" });
    }
  });

  it("makes zero 4me mutations on an unchanged re-sync", async () => {
    sb.fourme.resetStats();
    sb.microsoft.controls.resetStats();
    const { run } = await sb.sync();
    expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    // Still read every run: the record says what was written, Intune what is installed now.
    expect(detectedAppReads(sb)).to.be.greaterThan(0);
  });

  it("removes only the relation of an app uninstalled from one device", async () => {
    const before = writtenRelations(sb);
    const device = tenant.devices.find((d) =>
      installedAppsOf(SEED, 0, d).some((a) => a.displayName.startsWith("Microsoft Visio") && ciOf(sb, str(d, "id"))),
    )!;
    const app = installedAppsOf(SEED, 0, device).find((a) => a.displayName.startsWith("Microsoft Visio"))!;
    const key = softwareSourceId(app.displayName, versionLine(app.version));
    const deviceCi = ciOf(sb, str(device, "id"))!.id;
    expect(before.get(key)).to.include(deviceCi);
    sb.microsoft.controls.uninstallApp(tenant.domain, str(device, "id"), app.displayName);

    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
    expect(run!.counts.software_relations_removed).to.equal(1);
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({ discoveredConfigurationItems: 1 });
    const after = writtenRelations(sb);
    expect(after.get(key)).to.deep.equal(before.get(key)!.filter((id) => id !== deviceCi));
    for (const [k, ids] of before) if (k !== key) expect(after.get(k), k).to.deep.equal(ids);
    expect(after).to.deep.equal(expectedRelations(sb, tenant));

    sb.fourme.resetStats();
    await sb.sync();
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });

  it("changes no software CI when a tenant's detected apps cannot be read", async () => {
    const before = writtenRelations(sb);
    // Uninstalled meanwhile: a read that fails must not turn into removed relations, nor hide these for good.
    for (const d of tenant.devices.filter((x) => ciOf(sb, str(x, "id"))).slice(0, 20)) {
      const acrobat = installedAppsOf(SEED, 0, d).find((a) => a.displayName.startsWith("Adobe Acrobat"));
      if (acrobat) sb.microsoft.controls.uninstallApp(tenant.domain, str(d, "id"), acrobat.displayName);
    }
    sb.microsoft.controls.inject({ status: 503, route: "graph.detectedApps.devices", count: 1000 });
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    sb.microsoft.controls.clearFaults();
    expect(run!.errors.join("\n")).to.match(/tracked software: .*no software CI was changed/);
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    expect(writtenRelations(sb)).to.deep.equal(before);
  });

  it("leaves the recorded software as it is, and says why, when the field is invalid", async () => {
    const before = writtenRelations(sb);
    sb.fourme.resetStats();
    await sb.saveForm([{ id: Field.trackedSoftware, value: "Microsoft Visio*\n*" }]);
    const run = (await sb.runs(1))[0];
    expect(run.errors.join("\n")).to.contain('Tracked software pattern "*" needs at least 3 characters');
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    expect(writtenRelations(sb)).to.deep.equal(before);

    // Fixed: the uninstalls of the failed read above are caught up with.
    await sb.saveForm([{ id: Field.trackedSoftware, value: PATTERNS.join("\n") }]);
    const fixed = (await sb.runs(1))[0];
    expect(fixed.status, fixed.errors.join("\n")).to.equal("succeeded");
    expect(writtenRelations(sb)).to.deep.equal(expectedRelations(sb, tenant));
    expect(writtenRelations(sb)).to.not.deep.equal(before);
  });

  it("reads no detected app and writes no software without patterns", async () => {
    const none = await startTestSandbox({ fleet: generateFleet({ seed: SEED, size: 60 }) });
    try {
      await none.setup({ fields: BASE_FORM });
      none.microsoft.controls.resetStats();
      const { run } = await none.sync();
      expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
      expect(detectedAppReads(none)).to.equal(0);
      expect(appCis(none)).to.deep.equal([]);
      expect(none.fourme.inspect.categories(none.account).map((c) => c.reference)).to.not.include(
        "software/application_software",
      );
    } finally {
      await none.close();
    }
  });
});
