import { expect } from "chai";
import type { MicrosoftSimulator } from "../../../../src/sandbox/microsoft/index.js";
import { example, exampleItemKeys, sortedKeys } from "./examples.js";
import { graphGet, startSim, token, type Json } from "./helpers.js";

const LIST = "/v1.0/deviceManagement/managedDevices";
const SELECT = "id,deviceName,serialNumber,complianceState,userPrincipalName,lastSyncDateTime";

describe("Microsoft simulator: managedDevices pages", () => {
  let sim: MicrosoftSimulator;
  let jwt: string;
  before(async () => {
    sim = await startSim({ seed: 3, size: 2500 });
    jwt = await token(sim);
  });
  after(() => sim.close());

  it("pages 2,500 devices by 1,000 with @odata.nextLink, @odata.count and only the $select-ed properties", async () => {
    let next: string | undefined = `${LIST}?$select=${SELECT}`;
    const seen: string[] = [];
    const sizes: number[] = [];
    while (next) {
      const r = await graphGet(sim, jwt, next);
      expect(r.status).to.equal(200);
      expect(r.body["@odata.count"]).to.equal(2500);
      for (const d of r.body["value"] as Json[]) expect(Object.keys(d)).to.deep.equal(SELECT.split(","));
      seen.push(...(r.body["value"] as Json[]).map((d) => d["id"] as string));
      sizes.push((r.body["value"] as Json[]).length);
      next = r.body["@odata.nextLink"] as string | undefined;
      if (next)
        expect(next)
          .to.include(`$select=${SELECT}`)
          .and.match(/\$skiptoken=[\w-]+$/);
    }
    expect(sizes).to.deep.equal([1000, 1000, 500]);
    expect(seen).to.deep.equal(sim.fleet.tenants[0]!.devices.map((d) => d["id"]));
  });

  it("honours $top and refuses a $top over 1000", async () => {
    const r = await graphGet(sim, jwt, `${LIST}?$top=25`);
    expect((r.body["value"] as Json[]).length).to.equal(25);
    expect((await graphGet(sim, jwt, `${LIST}?$top=1001`)).status).to.equal(400);
  });

  it("returns exactly the v1.0 property set on v1.0 and the beta set on beta, as in the reference pages", async () => {
    const v1 = (await graphGet(sim, jwt, `${LIST}?$top=3`)).body;
    const beta = (await graphGet(sim, jwt, "/beta/deviceManagement/managedDevices?$top=3")).body;
    const v1Keys = sortedKeys((v1["value"] as Json[])[0]);
    const betaKeys = sortedKeys((beta["value"] as Json[])[0]);
    for (const k of ["joinType", "skuFamily", "skuNumber", "chassisType", "deviceType", "hardwareInformation"]) {
      expect(v1Keys).to.not.include(k);
      expect(betaKeys).to.include(k);
    }
    const refV1 = exampleItemKeys("managedDevices-list-v1.0-page.json");
    expect(v1Keys).to.deep.equal(refV1);
    const refBeta = exampleItemKeys("managedDevices-list-beta-page.json");
    expect(betaKeys).to.deep.equal(refBeta);
    const ref = example("managedDevices-list-v1.0-page.json");
    expect(sortedKeys(v1).filter((k) => k !== "@odata.nextLink")).to.deep.equal(
      sortedKeys(ref).filter((k) => k !== "@odata.nextLink"),
    );
  });

  it("shows beta-only enrolment types as unknownFutureValue on v1.0", async () => {
    const all = await graphGet(sim, jwt, `${LIST}?$select=deviceEnrollmentType&$top=1000`);
    const types = new Set((all.body["value"] as Json[]).map((d) => d["deviceEnrollmentType"]));
    expect(types).to.include("unknownFutureValue");
    expect(types).to.not.include("androidEnterpriseCorporateWorkProfile");
  });

  it("refuses unknown or beta-only properties in a v1.0 $select, and $expand", async () => {
    for (const q of ["$select=id,nope", "$select=joinType", "$expand=hardwareInformation"]) {
      const r = await graphGet(sim, jwt, `${LIST}?${q}`);
      expect(r.status, q).to.equal(400);
      expect(r.body["error"]["code"]).to.equal("BadRequest");
    }
    expect((await graphGet(sim, jwt, "/beta/deviceManagement/managedDevices?$select=joinType&$top=1")).status).to.equal(
      200,
    );
  });

  it("filters as Intune does: complianceState eq/or, lastSyncDateTime gt, and refuses or across properties", async () => {
    const q = encodeURIComponent("complianceState eq 'noncompliant' or complianceState eq 'inGracePeriod'");
    const r = await graphGet(sim, jwt, `${LIST}?$filter=${q}&$select=complianceState`);
    const want = sim.fleet.tenants[0]!.devices.filter((d) =>
      ["noncompliant", "inGracePeriod"].includes(String(d["complianceState"])),
    );
    expect(r.body["@odata.count"]).to.equal(want.length);
    expect((r.body["value"] as Json[]).map((d) => d["id"])).to.deep.equal(want.map((d) => d["id"]));
    const recent = await graphGet(
      sim,
      jwt,
      `${LIST}?$filter=${encodeURIComponent("lastSyncDateTime gt 2025-06-01T00:00:00Z")}`,
    );
    expect((recent.body["value"] as Json[]).every((d) => d["lastSyncDateTime"] > "2025-06-01")).to.equal(true);
    const mixed = encodeURIComponent("complianceState eq 'noncompliant' or operatingSystem eq 'Windows'");
    expect((await graphGet(sim, jwt, `${LIST}?$filter=${mixed}`)).status).to.equal(400);
  });

  it("fills GET-by-id-only properties for a GET by id with $select, and keeps list defaults otherwise", async () => {
    const d = sim.fleet.tenants[0]!.devices.find((x) => x["chassisType"] === "laptop")!;
    const byId = await graphGet(
      sim,
      jwt,
      `/v1.0/deviceManagement/managedDevices/${d["id"]}?$select=id,deviceName,physicalMemoryInBytes`,
    );
    expect(byId.body["physicalMemoryInBytes"]).to.equal(16 * 1024 ** 3);
    expect(byId.body["@odata.context"]).to.match(/managedDevices\(id,deviceName,physicalMemoryInBytes\)\/\$entity$/);
    const listed = await graphGet(sim, jwt, `${LIST}?$select=physicalMemoryInBytes&$top=5`);
    expect((listed.body["value"] as Json[]).every((x) => x["physicalMemoryInBytes"] === 0)).to.equal(true);
    const hw = await graphGet(
      sim,
      jwt,
      `/beta/deviceManagement/managedDevices/${d["id"]}?$select=id,hardwareInformation`,
    );
    expect(hw.body["hardwareInformation"]["serialNumber"]).to.equal(d["serialNumber"] || null);
    const ref = example("managedDevice-get-beta-select-hardwareInformation.json");
    expect(sortedKeys(hw.body["hardwareInformation"])).to.deep.equal(sortedKeys(ref["hardwareInformation"]));
    expect((await graphGet(sim, jwt, "/v1.0/deviceManagement/managedDevices/no-such-id")).status).to.equal(404);
  });
});

describe("Microsoft simulator: compliance policy states", () => {
  let sim: MicrosoftSimulator;
  let jwt: string;
  before(async () => {
    sim = await startSim({ seed: 3, size: 300 });
    jwt = await token(sim);
  });
  after(() => sim.close());
  const base = (id: unknown) => `/beta/deviceManagement/managedDevices/${id}/deviceCompliancePolicyStates`;

  it("lists a noncompliant device's policy states with empty settingStates, and its failing setting states", async () => {
    const t = sim.fleet.tenants[0]!;
    const d = t.devices.find((x) => x["complianceState"] === "noncompliant" && x["operatingSystem"] === "Windows")!;
    const states = await graphGet(sim, jwt, base(d["id"]));
    expect(states.status).to.equal(200);
    const value = states.body["value"] as Json[];
    expect(value.every((p) => Array.isArray(p["settingStates"]) && p["settingStates"].length === 0)).to.equal(true);
    const failing = value.filter((p) => p["state"] === "nonCompliant");
    expect(failing.length).to.be.greaterThan(0);
    const settings = await graphGet(sim, jwt, `${base(d["id"])}/${failing[0]!["id"]}/settingStates`);
    expect((settings.body["value"] as Json[]).some((s) => s["state"] === "nonCompliant")).to.equal(true);
    const refStates = exampleItemKeys("deviceCompliancePolicyStates-beta.json");
    expect(sortedKeys(value[0])).to.deep.equal(refStates);
    const refSettings = exampleItemKeys("deviceCompliancePolicyState-settingStates-beta.json");
    expect(sortedKeys((settings.body["value"] as Json[])[0])).to.deep.equal(refSettings);
  });

  it("lists every policy of a compliant device as compliant, and none for a co-managed one", async () => {
    const t = sim.fleet.tenants[0]!;
    const ok = t.devices.find((x) => x["complianceState"] === "compliant")!;
    const states = (await graphGet(sim, jwt, base(ok["id"]))).body["value"] as Json[];
    expect(states.length).to.be.greaterThan(1);
    expect(states.every((p) => p["state"] === "compliant")).to.equal(true);
    const cm = t.devices.find((x) => x["complianceState"] === "configManager")!;
    expect((await graphGet(sim, jwt, base(cm["id"]))).body["value"]).to.deep.equal([]);
  });

  it("has no settingStates segment on v1.0", async () => {
    const d = sim.fleet.tenants[0]!.devices.find((x) => x["complianceState"] === "noncompliant")!;
    const policy = ((await graphGet(sim, jwt, base(d["id"]))).body["value"] as Json[])[0]!;
    const r = await graphGet(
      sim,
      jwt,
      `/v1.0/deviceManagement/managedDevices/${d["id"]}/deviceCompliancePolicyStates/${policy["id"]}/settingStates`,
    );
    expect(r.status).to.equal(400);
  });
});
