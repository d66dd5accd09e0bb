// The detected-apps reader against the Graph simulator: real HTTP, the simulator's paging and throttling.
import { expect } from "chai";
import { DEFAULT_BACKOFF } from "../../../src/intune/backoff.js";
import { readTrackedApps, type DetectedApp } from "../../../src/intune/detected-apps-reader.js";
import { GraphHttp } from "../../../src/intune/graph-http.js";
import { TenantThrottle } from "../../../src/intune/throttle.js";
import { generateFleet } from "../../../src/sandbox/fleet/generate.js";
import { installedAppsOf } from "../../../src/sandbox/fleet/software.js";
import { startMicrosoftSimulator, type MicrosoftSimulator } from "../../../src/sandbox/microsoft/index.js";
import { matchingPattern } from "../../../src/sync/software-patterns.js";
import { token } from "../sandbox/microsoft/helpers.js";
import { FakeClock } from "./helpers.js";

const PATTERNS = ["Microsoft Visio*", "adobe acrobat*"];
const wanted = (app: DetectedApp) => matchingPattern(PATTERNS, app.displayName) !== undefined;

describe("readTrackedApps (against the Graph simulator)", () => {
  let sim: MicrosoftSimulator;
  let clock: FakeClock;
  let http: GraphHttp;

  async function start(enforceLimits?: { devices: number }) {
    clock = new FakeClock();
    sim = await startMicrosoftSimulator({
      fleet: generateFleet({ seed: 7, size: 1200 }),
      consented: "all",
      now: clock.now,
      enforceLimits,
    });
    const jwt = await token(sim);
    http = new GraphHttp({
      graphUrl: `${sim.graphUrl}/global`,
      tenantId: sim.fleet.tenants[0]!.tenantId,
      token: async () => jwt,
      throttle: new TenantThrottle(),
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0.5,
      backoff: DEFAULT_BACKOFF,
    });
  }
  afterEach(() => sim.close());

  /** What the fleet says: "name|version" → sorted device ids, for the tracked titles. */
  function expected(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const d of sim.fleet.tenants[0]!.devices)
      for (const a of installedAppsOf(7, 0, d)) {
        if (!matchingPattern(PATTERNS, a.displayName)) continue;
        const key = `${a.displayName}|${a.version}`;
        out.set(key, [...(out.get(key) ?? []), String(d["id"])].sort());
      }
    return out;
  }
  const asMap = (apps: { displayName: string; version: string; deviceIds: string[] }[]) =>
    new Map(apps.map((a) => [`${a.displayName}|${a.version}`, [...a.deviceIds].sort()]));

  it("reads the whole catalogue but the device lists of matching apps only", async () => {
    await start();
    const r = await readTrackedApps(http, wanted);
    expect(asMap(r.apps)).to.deep.equal(expected());
    expect(r.apps.length).to.be.greaterThan(4);
    const byRoute = sim.controls.stats().byRoute;
    expect(byRoute["graph.detectedApps.list"]).to.equal(1);
    expect(byRoute["graph.detectedApps.devices"]).to.equal(r.apps.length);
    expect(r.requests).to.equal(1 + r.apps.length);
    expect(r.catalogueSize).to.be.greaterThan(r.apps.length * 5);
  });

  it("follows @odata.nextLink through the catalogue and every device list", async () => {
    await start();
    const r = await readTrackedApps(http, wanted, { pageSize: 7 });
    expect(asMap(r.apps)).to.deep.equal(expected());
    const byRoute = sim.controls.stats().byRoute;
    expect(byRoute["graph.detectedApps.list"]).to.equal(Math.ceil(r.catalogueSize / 7));
    const devicePages = r.apps.reduce((n, a) => n + Math.max(1, Math.ceil(a.deviceIds.length / 7)), 0);
    expect(byRoute["graph.detectedApps.devices"]).to.equal(devicePages);
  });

  it("waits out Intune's 429s (Retry-After) and still reads everything", async () => {
    await start({ devices: 5 });
    const r = await readTrackedApps(http, wanted, { pageSize: 10 });
    expect(asMap(r.apps)).to.deep.equal(expected());
    expect(sim.controls.stats().byStatus["429"]).to.be.greaterThan(0);
    expect(clock.sleeps.length).to.be.greaterThan(0);
    expect(Math.max(...clock.sleeps)).to.be.at.most(20_000);
  });

  it("retries a 429 without Retry-After with backoff (detectedApps answers so, Microsoft Q&A 5784629)", async () => {
    await start();
    sim.controls.inject({ status: 429, retryAfter: null, count: 2, route: "graph.detectedApps.devices" });
    const r = await readTrackedApps(http, wanted);
    expect(asMap(r.apps)).to.deep.equal(expected());
    expect(clock.sleeps.length).to.equal(2);
  });
});
