import { expect } from "chai";
import { addDevice, evolveFleet, removeDevice, setCompliance, setOwner } from "../../../../src/sandbox/fleet/evolve.js";
import { generateFleet, policyStatesOf } from "../../../../src/sandbox/fleet/generate.js";

const ids = (devices: Record<string, unknown>[]) => devices.map((d) => String(d["id"]));

describe("evolveFleet", () => {
  it("changes the same fleet the same way at the same step", () => {
    const a = generateFleet({ seed: 2, size: 500 });
    const b = generateFleet({ seed: 2, size: 500 });
    expect(evolveFleet(a, 1)).to.deep.equal(evolveFleet(b, 1));
    expect(evolveFleet(a, 2)).to.deep.equal(evolveFleet(b, 2));
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });

  it("adds, removes, re-owns, breaks and repairs devices and moves check-ins on", () => {
    const f = generateFleet({ seed: 9, size: 1000 });
    const t = f.tenants[0]!;
    const before = new Map(t.devices.map((d) => [String(d["id"]), structuredClone(d)]));
    const r = evolveFleet(f, 1);
    const now = ids(t.devices);
    expect(r.added).to.have.length(10);
    expect(r.removed).to.have.length(5);
    expect(now).to.have.length(1005);
    for (const id of r.removed) expect(now).to.not.include(id);
    for (const id of r.added) expect(before.has(id)).to.equal(false);
    expect(new Set(now).size).to.equal(now.length);
    for (const id of r.ownerChanged) {
      const d = t.devices.find((x) => x["id"] === id);
      if (d) expect(d["userId"]).to.not.equal(before.get(id)!["userId"]);
    }
    for (const id of r.becameNoncompliant) {
      const d = t.devices.find((x) => x["id"] === id)!;
      expect(["noncompliant", "inGracePeriod"]).to.include(d["complianceState"]);
      expect(t.compliance[id]!.some((p) => p.state === "nonCompliant")).to.equal(true);
    }
    for (const id of r.becameCompliant) {
      expect(t.devices.find((x) => x["id"] === id)!["complianceState"]).to.equal("compliant");
      expect(t.compliance[id]).to.equal(undefined);
    }
    expect(r.becameCompliant.length).to.be.greaterThan(5);
    expect(r.synced).to.be.greaterThan(700);
    const moved = t.devices.filter(
      (d) => !r.added.includes(String(d["id"])) && String(d["lastSyncDateTime"]).startsWith("2025-06-03"),
    );
    expect(moved.length).to.equal(r.synced);
  });

  it("refuses to change a lazy tenant", () => {
    expect(() => evolveFleet(generateFleet({ seed: 1, size: 10, lazy: true }), 1)).to.throw(/lazy/);
  });
});

describe("fleet change helpers", () => {
  it("setOwner changes the user fields and keeps who enrolled the device", () => {
    const t = generateFleet({ seed: 1, size: 300 }).tenants[0]!;
    const d = t.devices.find((x) => x["userId"] && x["complianceState"] === "noncompliant")!;
    const enrolledBy = d["enrolledByUserPrincipalName"];
    setOwner(t, String(d["id"]), { id: "new-user-id", displayName: "Nina New", upn: "nina.new@contoso.com" });
    expect([d["userId"], d["userDisplayName"], d["userPrincipalName"], d["emailAddress"]]).to.deep.equal([
      "new-user-id",
      "Nina New",
      "nina.new@contoso.com",
      "nina.new@contoso.com",
    ]);
    expect(d["enrolledByUserPrincipalName"]).to.equal(enrolledBy);
    expect(t.compliance[String(d["id"])]![0]!.settingStates[0]!.userPrincipalName).to.equal("nina.new@contoso.com");
    setOwner(t, String(d["id"]), null);
    expect(d["userPrincipalName"]).to.equal("");
  });

  it("setCompliance records failing settings, and compliant clears them", () => {
    const t = generateFleet({ seed: 1, size: 300 }).tenants[0]!;
    const d = t.devices.find((x) => x["operatingSystem"] === "Windows" && x["complianceState"] === "compliant")!;
    const id = String(d["id"]);
    setCompliance(t, id, "noncompliant", ["Windows10CompliancePolicy.BitLockerEnabled"]);
    expect(d["complianceState"]).to.equal("noncompliant");
    expect(String(d["complianceGracePeriodExpirationDateTime"])).to.not.equal("9999-12-31T23:59:59Z");
    const failing = policyStatesOf(t, d)
      .flatMap((p) => p.settingStates)
      .filter((s) => s.state === "nonCompliant");
    expect(failing.map((s) => s.setting)).to.deep.equal(["Windows10CompliancePolicy.BitLockerEnabled"]);
    setCompliance(t, id, "compliant");
    expect(d["complianceGracePeriodExpirationDateTime"]).to.equal("9999-12-31T23:59:59Z");
    expect(policyStatesOf(t, d).every((p) => p.state === "compliant")).to.equal(true);
  });

  it("addDevice enrols a new device with a fresh id; removeDevice takes it and its compliance away", () => {
    const t = generateFleet({ seed: 1, size: 20 }).tenants[0]!;
    const d = addDevice(t, { deviceName: "NEW-PC" });
    expect(t.devices).to.have.length(21);
    expect(ids(t.devices.slice(0, 20))).to.not.include(d["id"]);
    expect(d["deviceName"]).to.equal("NEW-PC");
    removeDevice(t, String(d["id"]));
    expect(ids(t.devices)).to.not.include(d["id"]);
    expect(() => removeDevice(t, "nope")).to.throw(/no device/);
  });
});
