// Several tenants in one account (issue 6): a second tenant added later (sourceIDs become tenant-qualified without
// a single duplicate CI), tenants in different clouds, and a scan that fails in one tenant (nothing is retired
// until a complete scan).
import { expect } from "chai";
import { Field, tenantField } from "../../src/app-instance/fields.js";
import { alertSourceId } from "../../src/alerts/plan-alerts.js";
import { FAILURES } from "../../src/sandbox/fleet/compliance.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { SimTenant } from "../../src/sandbox/fleet/types.js";
import {
  BASE_FORM,
  customerMutations,
  ordinaryDevices,
  ourCis,
  startTestSandbox,
  str,
  tenantOf,
  type Sandbox,
} from "./helpers/sandbox.js";

describe("several tenants in one account (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let contoso: SimTenant;
  let fabrikam: SimTenant;
  const ciOf = (t: SimTenant, id: string) => ourCis(sb).filter((c) => c.sourceID === `${t.tenantId}/${id}`);

  before(async () => {
    const fleet = generateFleet({
      seed: 21,
      size: 100,
      tenants: [{ domain: "contoso.com" }, { domain: "fabrikam.us", cloud: "usgov" }],
    });
    sb = await startTestSandbox({ fleet });
    contoso = tenantOf(sb, 0);
    fabrikam = tenantOf(sb, 1);
    await sb.setup({ tenants: [{ domain: contoso.domain }], fields: BASE_FORM });
  });
  after(async () => sb?.close());

  it("qualifies the sourceIDs of the first tenant when a second is added, without a duplicate CI", async () => {
    const before = new Map(ourCis(sb).map((c) => [c.sourceID, c.id]));
    expect(before.size).to.be.greaterThan(80);
    expect([...before.keys()].every((id) => !id!.includes("/"))).to.equal(true);

    await sb.saveForm([
      { id: tenantField.domain(2), value: fabrikam.domain },
      { id: tenantField.cloud(2), value: "usgov" },
    ]);
    expect(sb.formValues()[tenantField.status(2)]).to.equal("pending_consent");
    const consent = await sb.consentAll();
    expect(consent).to.deep.equal([{ slot: 2, domain: fabrikam.domain, status: 200, result: "connected" }]);
    expect((await sb.runs(1))[0].trigger).to.equal("consent");

    for (const [deviceId, ciId] of before) {
      const now = ciOf(contoso, deviceId!);
      expect(
        now.map((c) => c.id),
        deviceId!,
      ).to.deep.equal([ciId]);
    }
    const fab = ordinaryDevices(fabrikam).filter((d) => ciOf(fabrikam, str(d, "id")).length === 1);
    expect(fab.length).to.be.greaterThan(50);
    const ci = ciOf(fabrikam, str(fab[0], "id"))[0];
    // A tenant-scoped deep link: an administrator of several tenants lands in the right directory.
    expect(ci.systemID).to.include(`/${fabrikam.tenantId}/`).and.include(str(fab[0], "id"));
    expect(new Set(ourCis(sb).map((c) => c.sourceID)).size).to.equal(ourCis(sb).length);

    sb.fourme.resetStats();
    await sb.sync();
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });

  it("marks a tenant that revoked consent as failed with a fresh consent link, and resumes once consent is back", async () => {
    const before = ourCis(sb).length;
    sb.microsoft.controls.revokeConsent(fabrikam.domain);
    const refused = (await sb.sync()).run!;
    await sb.idle();
    expect(refused.status).to.equal("partial");
    expect(refused.counts.retired ?? 0).to.equal(0);
    expect(ourCis(sb).length).to.equal(before);
    const form = sb.formValues();
    expect(String(form[tenantField.status(2)])).to.match(/^failed/);
    expect(String(form[tenantField.consentUrl(2)])).to.include("/oauth2/v2.0/authorize");
    expect(form[tenantField.status(1)]).to.equal("connected");
    // While it stays failed the tenant is not read at all, none of its CIs is taken for gone, and the other
    // tenant's CIs keep their tenant-qualified sourceIDs (nothing is rewritten).
    sb.fourme.resetStats();
    const without = (await sb.sync()).run!;
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    expect(without.counts.seen).to.equal(contoso.devices.length);
    expect(without.counts.retired ?? 0).to.equal(0);
    expect(ourCis(sb).filter((c) => c.status !== "in_production").length).to.equal(0);

    const consent = await sb.consentAll();
    expect(consent.map((c) => [c.slot, c.result])).to.deep.equal([[2, "connected"]]);
    const resumed = (await sb.runs(1))[0];
    expect(resumed.trigger).to.equal("consent");
    expect(resumed.status).to.equal("succeeded");
    expect(sb.formValues()[tenantField.status(2)]).to.equal("connected");
  });

  it("retires nothing while one tenant's scan fails, and catches up after a complete scan", async () => {
    const goneHere = ordinaryDevices(contoso).find((d) => ciOf(contoso, str(d, "id")).length)!;
    const goneThere = ordinaryDevices(fabrikam).find((d) => ciOf(fabrikam, str(d, "id")).length)!;
    sb.microsoft.controls.removeDevice(contoso.domain, str(goneHere, "id"));
    sb.microsoft.controls.removeDevice(fabrikam.domain, str(goneThere, "id"));
    sb.microsoft.controls.inject({ status: 503, route: "graph.devices", tenantId: fabrikam.tenantId, rate: 1 });

    // Issue 6: an incomplete scan never retires anything, not even in the tenant that was read in full.
    const broken = (await sb.sync()).run!;
    expect(broken.status).to.equal("partial");
    expect(broken.errors.join("\n")).to.include(fabrikam.domain).and.include("503");
    expect(broken.counts.retired ?? 0).to.equal(0);
    expect(ciOf(contoso, str(goneHere, "id"))[0].status).to.equal("in_production");
    expect(ciOf(fabrikam, str(goneThere, "id"))[0].status).to.equal("in_production");

    sb.microsoft.controls.clearFaults();
    const healed = (await sb.sync()).run!;
    expect(healed.status).to.equal("succeeded");
    expect(healed.counts.retired).to.equal(2);
    expect(ciOf(contoso, str(goneHere, "id"))[0].status).to.equal("removed");
    expect(ciOf(fabrikam, str(goneThere, "id"))[0].status).to.equal("removed");
  });

  it("leaves the CIs of a tenant removed from the form alone, notes its devices' open alerts once, and retires the CIs once the form says to retire what is left out", async () => {
    const fabrikamCis = () => ourCis(sb).filter((c) => c.sourceID?.startsWith(`${fabrikam.tenantId}/`));
    const contosoCis = () => ourCis(sb).filter((c) => !c.sourceID?.startsWith(`${fabrikam.tenantId}/`));
    const active = (cis: ReturnType<typeof ourCis>) => cis.filter((c) => c.status === "in_production").length;
    const fabrikamActive = active(fabrikamCis());
    expect(fabrikamActive).to.be.greaterThan(50);
    const [one, alerting] = fabrikamCis().filter((c) => c.status === "in_production");
    // An open compliance alert on one of the tenant's devices.
    const alertingDevice = alerting!.sourceID!.slice(fabrikam.tenantId.length + 1);
    sb.microsoft.controls.setCompliance(fabrikam.domain, alertingDevice, "noncompliant", [
      ...FAILURES.firewallAntivirus,
    ]);
    await sb.saveForm([{ id: Field.alertsEnabled, value: true }]);
    await sb.idle();
    const request = () => {
      const found = sb.fourme.inspect
        .requests(sb.account)
        .filter((r) => r.sourceID === alertSourceId(fabrikam.tenantId, alertingDevice));
      expect(found).to.have.length(1);
      return found[0]!;
    };
    const notesBefore = request().notes.length;

    await sb.saveForm([{ id: tenantField.domain(2), value: "" }]);
    await sb.idle();
    expect(sb.formValues()[tenantField.status(2)] ?? "").to.equal("");
    const left = (await sb.runs(1))[0]!;
    expect(left.status).to.equal("succeeded");
    // Not read any more, and not taken for devices gone from Intune either.
    expect(left.counts.seen).to.equal(contoso.devices.length);
    expect(left.counts.retired ?? 0).to.equal(0);
    expect(active(fabrikamCis())).to.equal(fabrikamActive);
    await sb.sync();
    expect(request().status).to.not.equal("completed");
    expect(request().notes).to.have.length(notesBefore + 1);
    expect(request().notes.at(-1)!.text).to.contain("was removed from the connector's configuration");

    await sb.saveForm([{ id: Field.excludedAction, value: "retire" }]);
    await sb.idle();
    const retired = (await sb.runs(1))[0]!;
    expect(retired.status).to.equal("succeeded");
    expect(retired.counts.retired).to.equal(fabrikamActive);
    expect(active(fabrikamCis())).to.equal(0);
    const ci = fabrikamCis().find((c) => c.id === one!.id)!;
    expect(ci.status).to.equal("removed");
    expect(String(ci.remarks)).to.include(`Intune tenant ${fabrikam.tenantId}`);
    expect(active(contosoCis())).to.be.greaterThan(80);
    expect(request().notes).to.have.length(notesBefore + 1);
  });
});
