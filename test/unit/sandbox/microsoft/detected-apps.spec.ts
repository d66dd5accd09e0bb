import { expect } from "chai";
import { appPlatformOf, installedAppsOf } from "../../../../src/sandbox/fleet/software.js";
import type { MicrosoftSimulator } from "../../../../src/sandbox/microsoft/index.js";
import { graphGet, startSim, token, type Json } from "./helpers.js";

const APPS = "/v1.0/deviceManagement/detectedApps";

async function all(sim: MicrosoftSimulator, jwt: string, first: string): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let pages = 0;
  for (let next: string | undefined = first; next; pages++) {
    const r = await graphGet(sim, jwt, next);
    expect(r.status).to.equal(200);
    items.push(...(r.body["value"] as Json[]));
    next = r.body["@odata.nextLink"] as string | undefined;
  }
  return { items, pages };
}

describe("Microsoft simulator: detectedApps", () => {
  let sim: MicrosoftSimulator;
  let jwt: string;
  before(async () => {
    sim = await startSim({ seed: 4, size: 1500 });
    jwt = await token(sim);
  });
  after(() => sim.close());

  it("lists the catalogue with the detectedApp properties, one entry per name and version, paged by $top", async () => {
    const { items, pages } = await all(sim, jwt, `${APPS}?$top=50`);
    expect(items.length).to.be.greaterThan(100);
    expect(pages).to.equal(Math.ceil(items.length / 50));
    expect(Object.keys(items[0]!)).to.deep.equal([
      "id",
      "displayName",
      "version",
      "sizeInByte",
      "deviceCount",
      "publisher",
      "platform",
    ]);
    expect(new Set(items.map((a) => a["id"])).size).to.equal(items.length);
    const visio = items.filter((a) => String(a["displayName"]).startsWith("Microsoft Visio"));
    expect(new Set(visio.map((a) => `${a["displayName"]} ${a["version"]}`)).size).to.be.greaterThan(2);
    expect(items.every((a) => /^[0-9a-f]{64}$/.test(String(a["id"])))).to.equal(true);
  });

  it("lists each app's devices, $select=id, paged; deviceCount is their number; only corporate devices", async () => {
    const { items } = await all(sim, jwt, `${APPS}?$select=id,displayName,deviceCount`);
    const chrome = items
      .filter((a) => a["displayName"] === "Google Chrome")
      .sort((a, b) => Number(b["deviceCount"]) - Number(a["deviceCount"]))[0]!;
    expect(Object.keys(chrome)).to.deep.equal(["id", "displayName", "deviceCount"]);
    const { items: devices, pages } = await all(
      sim,
      jwt,
      `${APPS}/${String(chrome["id"])}/managedDevices?$select=id&$top=20`,
    );
    expect(devices.length).to.equal(chrome["deviceCount"]);
    expect(pages).to.equal(Math.ceil(devices.length / 20));
    expect(Object.keys(devices[0]!)).to.deep.equal(["id"]);
    const byId = new Map(sim.fleet.tenants[0]!.devices.map((d) => [String(d["id"]), d]));
    for (const d of devices) expect(byId.get(String(d["id"]))!["managedDeviceOwnerType"]).to.equal("company");
  });

  it("gives about 30 % of the devices some software, none on personal devices, the same on every call", () => {
    const devices = sim.fleet.tenants[0]!.devices;
    const withApps = devices.filter((d) => installedAppsOf(4, 0, d).length > 0);
    expect(withApps.length / devices.length).to.be.within(0.24, 0.36);
    expect(devices.filter((d) => !appPlatformOf(d)).every((d) => installedAppsOf(4, 0, d).length === 0)).to.equal(true);
    expect(installedAppsOf(4, 0, withApps[0]!)).to.deep.equal(installedAppsOf(4, 0, withApps[0]!));
  });

  it("refuses $filter (not documented for detectedApps) and answers 404 for an unknown app", async () => {
    const f = await graphGet(sim, jwt, `${APPS}?$filter=${encodeURIComponent("startswith(displayName,'Microsoft')")}`);
    expect(f.status).to.equal(400);
    const n = await graphGet(sim, jwt, `${APPS}/${"0".repeat(64)}/managedDevices`);
    expect(n.status).to.equal(404);
  });

  it("counts detectedApps against the devices service's throttling window (429 with Retry-After)", async () => {
    let now = Date.UTC(2025, 5, 2, 9);
    const limited = await startSim({ seed: 4, size: 50 }, { now: () => now, enforceLimits: { devices: 2 } });
    try {
      const t = await token(limited);
      expect((await graphGet(limited, t, `${APPS}?$top=5`)).status).to.equal(200);
      expect((await graphGet(limited, t, "/v1.0/deviceManagement/managedDevices?$top=5")).status).to.equal(200);
      const r = await graphGet(limited, t, `${APPS}?$top=5`);
      expect([r.status, r.headers.get("retry-after")]).to.deep.equal([429, "20"]);
      now += 20_001;
      expect((await graphGet(limited, t, `${APPS}?$top=5`)).status).to.equal(200);
    } finally {
      await limited.close();
    }
  });
});

describe("Microsoft simulator: detectedApps follow the fleet", () => {
  it("drops a device's software from the lists once it becomes personal", async () => {
    const sim = await startSim({ seed: 4, size: 300 });
    try {
      const jwt = await token(sim);
      const devices = sim.fleet.tenants[0]!.devices;
      const device = devices.find((d) => installedAppsOf(4, 0, d).length > 0)!;
      const total = async () => {
        const r = await graphGet(sim, jwt, `${APPS}?$select=id,deviceCount`);
        return (r.body["value"] as Json[]).reduce((n, a) => n + Number(a["deviceCount"]), 0);
      };
      const before = await total();
      device["managedDeviceOwnerType"] = "personal";
      expect(await total()).to.equal(
        before - installedAppsOf(4, 0, { ...device, managedDeviceOwnerType: "company" }).length,
      );
    } finally {
      await sim.close();
    }
  });
});
