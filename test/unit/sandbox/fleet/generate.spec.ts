import { expect } from "chai";
import { devicesOf, generateFleet } from "../../../../src/sandbox/fleet/generate.js";
import { BETA_PROPS } from "../../../../src/sandbox/fleet/graph-shape.js";
import type { Fleet, SimTenant } from "../../../../src/sandbox/fleet/types.js";
import { exampleItemKeys, sortedKeys } from "../microsoft/examples.js";

type D = Record<string, unknown>;
const s = (d: D, k: string) => String(d[k] ?? "");
const PLACEHOLDERS = ["0", "To be filled by O.E.M.", "Default string", "System Serial Number"];

describe("generateFleet", () => {
  it("gives the same fleet for the same seed and size, and another fleet for another seed", () => {
    const a = JSON.stringify(generateFleet({ seed: 7, size: 300 }));
    expect(JSON.stringify(generateFleet({ seed: 7, size: 300 }))).to.equal(a);
    expect(JSON.stringify(generateFleet({ seed: 8, size: 300 }))).to.not.equal(a);
  });

  it("computes the same devices lazily as it materialises, and finds a lazy device by its id", () => {
    const full = generateFleet({ seed: 3, size: 400 }).tenants[0]!;
    const lazy = generateFleet({ seed: 3, size: 400, lazy: true }).tenants[0]!;
    expect(lazy.devices).to.have.length(0);
    for (const i of [0, 1, 57, 199, 200, 399]) {
      expect(lazy.lazy!.deviceAt(i)).to.deep.equal(full.devices[i]);
      expect(lazy.lazy!.indexOf(s(full.devices[i]!, "id"))).to.equal(i);
    }
    expect(lazy.lazy!.indexOf("00000000-0000-4000-8000-000000000000")).to.equal(-1);
  });

  it("rejects a size or seed that is not a whole number", () => {
    expect(() => generateFleet({ seed: 1, size: -1 })).to.throw(/size/);
    expect(() => generateFleet({ seed: 1.5, size: 10 })).to.throw(/seed/);
  });

  it("makes several tenants with their own domains, tenant ids and clouds", () => {
    const f = generateFleet({
      seed: 1,
      size: 50,
      tenants: [{ domain: "contoso.com" }, { domain: "tailspin.us", cloud: "usgov" }],
    });
    expect(f.tenants.map((t) => [t.domain, t.cloud])).to.deep.equal([
      ["contoso.com", "global"],
      ["tailspin.us", "usgov"],
    ]);
    expect(f.tenants[0]!.tenantId)
      .to.match(/^[0-9a-f-]{36}$/)
      .and.not.equal(f.tenants[1]!.tenantId);
    expect(
      f.tenants[1]!.devices.every(
        (d) => s(d, "userPrincipalName") === "" || s(d, "userPrincipalName").toLowerCase().endsWith("@tailspin.us"),
      ),
    ).to.equal(true);
  });

  it("gives every device the beta property set of the reference list page (hardwareInformation is added when served)", () => {
    const t = generateFleet({ seed: 5, size: 250 }).tenants[0]!;
    const keys = sortedKeys(
      Object.fromEntries(BETA_PROPS.filter((k) => k !== "hardwareInformation").map((k) => [k, 1])),
    );
    for (const d of t.devices) expect(sortedKeys(d)).to.deep.equal(keys);
    const ref = exampleItemKeys("managedDevices-list-beta-page.json");
    expect([...keys, "hardwareInformation"].sort()).to.deep.equal(ref);
  });

  it("writes values in Graph's formats", () => {
    const t = generateFleet({ seed: 11, size: 600 }).tenants[0]!;
    const isoRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
    for (const d of t.devices) {
      expect(s(d, "wiFiMacAddress")).to.match(/^([0-9a-fA-F]{12})?$/);
      expect(["True", "False", "Unknown", ""]).to.include(d["jailBroken"]);
      for (const k of ["enrolledDateTime", "lastSyncDateTime", "complianceGracePeriodExpirationDateTime"])
        expect(s(d, k)).to.match(isoRe);
      expect(s(d, "managedDeviceName")).to.match(
        /^(User deleted for this device|[^_]*_(Windows|IPhone|IPad|AndroidForWork|AndroidEnterprise|MacMDM)_\d{1,2}\/\d{1,2}\/\d{4}_\d{1,2}:\d{2} (AM|PM))$/,
      );
      if (d["complianceState"] === "compliant")
        expect(d["complianceGracePeriodExpirationDateTime"]).to.equal("9999-12-31T23:59:59Z");
      expect(d["totalStorageSpaceInBytes"])
        .to.be.a("number")
        .and.at.least(d["freeStorageSpaceInBytes"] as number);
    }
    const kinds = new Set(
      t.devices.map((d) => `${s(d, "operatingSystem")}/${s(d, "managedDeviceOwnerType")}/${s(d, "chassisType")}`),
    );
    for (const k of [
      "Windows/company/laptop",
      "Windows/company/desktop",
      "iOS/company/phone",
      "iOS/company/tablet",
      "Android/company/phone",
      "Android/personal/phone",
      "macOS/company/laptop",
    ]) {
      expect(kinds).to.include(k);
    }
    const makers = new Set(t.devices.map((d) => s(d, "manufacturer")));
    for (const m of ["Dell Inc.", "HP", "LENOVO", "Microsoft Corporation", "Apple", "samsung", "Google"])
      expect(makers).to.include(m);
  });
});

function hardCases(fleet: Fleet, t: SimTenant): Record<string, boolean> {
  const ds = [...devicesOf(t)];
  const people = new Set(fleet.fourme.people.map((p) => p.primaryEmail.toLowerCase()));
  const bySerial = new Map<string, D[]>();
  for (const d of ds)
    if (s(d, "serialNumber") && !PLACEHOLDERS.includes(s(d, "serialNumber")))
      bySerial.set(s(d, "serialNumber"), [...(bySerial.get(s(d, "serialNumber")) ?? []), d]);
  const failing = new Set(
    Object.values(t.compliance)
      .flat()
      .flatMap((p) => p.settingStates.filter((x) => x.state === "nonCompliant").map((x) => x.setting.split(".")[1])),
  );
  const userless = (d: D) => s(d, "userId") === "" && s(d, "userPrincipalName") === "";
  return {
    userDeleted: ds.some(
      (d) => d["deviceName"] === "User deleted for this device" && userless(d) && d["totalStorageSpaceInBytes"] === 0,
    ),
    kiosk: ds.some((d) => userless(d) && d["deviceName"] !== "User deleted for this device"),
    coManaged: ds.some(
      (d) =>
        d["managementAgent"] === "configurationManagerClientMdm" && d["deviceEnrollmentType"] === "windowsCoManagement",
    ),
    ...Object.fromEntries([...PLACEHOLDERS, ""].map((p) => [`serial "${p}"`, ds.some((d) => d["serialNumber"] === p)])),
    reEnrolment: [...bySerial.values()].some(
      (g) => g.length === 2 && g[0]!["id"] !== g[1]!["id"] && g[0]!["lastSyncDateTime"] !== g[1]!["lastSyncDateTime"],
    ),
    longName: ds.some((d) => s(d, "deviceName").length > 160),
    nonAscii: ds.some((d) => /[À-ž]/.test(s(d, "deviceName"))),
    cjk: ds.some((d) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(s(d, "deviceName"))),
    zeroEntraId: ds.some((d) => d["azureADDeviceId"] === "00000000-0000-0000-0000-000000000000" && !userless(d)),
    zeroDate: ds.some(
      (d) => d["lastSyncDateTime"] === "0001-01-01T00:00:00Z" || d["enrolledDateTime"] === "0001-01-01T00:00:00Z",
    ),
    zeroStorage: ds.some((d) => d["totalStorageSpaceInBytes"] === 0 && !userless(d)),
    userWithoutPerson: ds.some((d) => s(d, "emailAddress") !== "" && !people.has(s(d, "emailAddress").toLowerCase())),
    ...Object.fromEntries(
      ["ActiveFirewallRequired", "AntivirusRequired", "BitLockerEnabled", "OsMinimumVersion", "PasswordRequired"].map(
        (k) => [k, failing.has(k)],
      ),
    ),
    inGracePeriod: ds.some(
      (d) => d["complianceState"] === "inGracePeriod" && s(d, "complianceGracePeriodExpirationDateTime") > "2025-06-02",
    ),
    twoCisOneSerial: [...bySerial.keys()].some((sn) => {
      const cis = fleet.fourme.cis.filter((c) => c.serialNr === sn);
      return (
        cis.length === 2 && cis.some((c) => c.status === "archived") && cis.some((c) => c.status === "in_production")
      );
    }),
    ciSharesSerial: fleet.fourme.cis.filter((c) => bySerial.has(c.serialNr)).length >= 10,
    products: fleet.fourme.products.length > 0,
  };
}

describe("generateFleet hard cases", () => {
  for (const seed of [1, 2, 99]) {
    it(`puts every hard case in a fleet of 200 devices (seed ${seed})`, () => {
      const f = generateFleet({ seed, size: 200 });
      const found = hardCases(f, f.tenants[0]!);
      expect(
        Object.entries(found)
          .filter(([, v]) => !v)
          .map(([k]) => k),
      ).to.deep.equal([]);
    });
  }

  it("makes about 10% of a larger fleet noncompliant, some in a grace period", () => {
    const t = generateFleet({ seed: 4, size: 2000 }).tenants[0]!;
    const count = (st: string) => t.devices.filter((d) => d["complianceState"] === st).length;
    expect(count("noncompliant") / 2000).to.be.within(0.06, 0.14);
    expect(count("inGracePeriod")).to.be.greaterThan(10);
    expect(count("compliant") / 2000).to.be.greaterThan(0.75);
  });

  it("seeds 4me with people for most primary users, by e-mail and authentication id", () => {
    const f = generateFleet({ seed: 6, size: 1000 });
    const emails = new Set(f.fourme.people.map((p) => p.primaryEmail));
    const users = f.tenants[0]!.devices.map((d) => s(d, "emailAddress")).filter(Boolean);
    expect(users.filter((e) => emails.has(e)).length / users.length).to.be.greaterThan(0.9);
    expect(f.fourme.people.every((p) => p.authenticationID === p.primaryEmail)).to.equal(true);
    expect(f.fourme.people.some((p) => p.disabled)).to.equal(true);
    expect(f.tenants[0]!.devices.some((d) => /[A-Z]/.test(s(d, "userPrincipalName")))).to.equal(true);
    const brandSerial = f.fourme.cis.map((c) => `${c.brand}|${c.serialNr}`);
    expect(new Set(brandSerial).size).to.equal(brandSerial.length);
  });

  it("generates a lazy 100,000-device tenant in a few seconds and walks it without holding it", function () {
    this.timeout(60_000);
    let t = Date.now();
    const f = generateFleet({ seed: 1, size: 100_000, lazy: true });
    expect(Date.now() - t).to.be.below(8_000);
    t = Date.now();
    let n = 0;
    for (const d of devicesOf(f.tenants[0]!)) n += d["id"] ? 1 : 0;
    expect(n).to.equal(100_000);
    expect(Date.now() - t).to.be.below(20_000);
  });
});
