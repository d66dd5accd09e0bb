// applyPlan against the simulated 4me when the product step fails: a device whose product the run could not settle
// (the wide product read failed, or a reused product could not take our key) waits for the next run. Uploading it
// would make a second product beside the account's own: the duplicate that reuse is there to prevent.
import { expect } from "chai";
import { UpstreamError } from "../../../src/errors.js";
import { renderCiExtension } from "../../../src/extension/render.js";
import type { CustomerApi } from "../../../src/fourme/customer-api.js";
import { silentLogger } from "../../../src/logger.js";
import { startFourMeSimulator, type FourMeSimulator } from "../../../src/sandbox/fourme/index.js";
import { applyPlan } from "../../../src/sync/apply-plan.js";
import { DEFAULT_FILTERS } from "../../../src/sync/filters.js";
import { mapDevice, type MappedCi } from "../../../src/sync/map-device.js";
import { planSync } from "../../../src/sync/plan.js";
import { MemoryStore } from "../../helpers/memory-store.js";
import { customerApiOn } from "../../helpers/sim-customer-api.js";
import { ADMIN_CENTER, NOW, device, deviceId } from "./fixtures.js";

const ACCOUNT = "widget-data";
const ALL = { ...DEFAULT_FILTERS, active: true, windows: true, android: true, ios: true, macos: true };

function mapped(i: number, model: string): MappedCi {
  const r = mapDevice(
    device({ id: deviceId(i), serialNumber: `SN-${i}`, deviceName: `LT-${i}`, manufacturer: "Dell Inc.", model }),
    { adminCenterUrl: ADMIN_CENTER, now: NOW, qualifySourceId: false, ciStatus: "in_production" },
  );
  if (!r.ok) throw new Error(r.reason);
  return r.ci;
}

describe("applyPlan: devices whose product the run could not settle", () => {
  let sim: FourMeSimulator;
  let api: CustomerApi;
  let uiExtensionId: string;
  const devices = [mapped(1, "Latitude 5440"), mapped(2, "Latitude 5440"), mapped(3, "Latitude 7440")];

  beforeEach(async () => {
    sim = await startFourMeSimulator();
    // The customer made the Latitude 5440 product by hand: the connector reuses it rather than make its own.
    sim.seedAccount(ACCOUNT, {
      teams: [{ name: "Service Desk" }],
      people: [],
      products: [
        {
          brand: "Dell",
          model: "Latitude 5440",
          name: "Dell Latitude 5440",
          categoryReference: "laptop",
          categoryName: "Laptop",
        },
      ],
      cis: [],
    });
    api = await customerApiOn(sim, ACCOUNT);
    const ext = renderCiExtension();
    uiExtensionId = (await api.upsertCiUiExtension(ext.html, ext.css, ext.javascript)).uiExtension.id;
  });
  afterEach(async () => sim?.close());

  const apply = (store: MemoryStore, withApi: CustomerApi) =>
    applyPlan(
      planSync({
        devices,
        ledger: [...store.ledger.values()],
        filters: ALL,
        scanComplete: true,
        now: NOW,
        retireStatus: "removed",
        excludedAction: "leave",
      }),
      {
        account: ACCOUNT,
        api: withApi,
        store,
        logger: silentLogger,
        now: NOW,
        supportTeam: "Service Desk",
        uiExtensionId,
      },
    );
  const dellProducts = () =>
    sim.inspect
      .products(ACCOUNT)
      .map((p) => p.name)
      .sort();

  it("writes no device when the product read fails, and reuses the customer's product on the next run", async () => {
    const failing = Object.assign(Object.create(api) as CustomerApi, {
      findProductsForReuse: async () => {
        throw new UpstreamError("4me answered 503 five times", 503);
      },
    });
    const store = new MemoryStore();
    const first = await apply(store, failing);
    expect(first.counts).to.deep.include({ "skipped:4me_error": 3 });
    expect(first.counts.created ?? 0).to.equal(0);
    expect(first.errors[0]).to.match(/^product lookup: 4me answered 503 five times \(no device is written/);
    expect(sim.inspect.cis(ACCOUNT)).to.deep.equal([]);

    const next = await apply(store, api);
    expect(next.errors).to.deep.equal([]);
    expect(next.counts).to.deep.include({ created: 3, products_reused: 1 });
    expect(dellProducts()).to.deep.equal(["Dell Latitude 5440", "Dell Latitude 7440"]);
  });

  it("holds back only the devices of a reused product that could not take our key", async () => {
    const failing = Object.assign(Object.create(api) as CustomerApi, {
      updateProducts: async (updates: { id: string; patch: object }[]) =>
        updates.map((update) => ({ update, error: "Internal Server Error" })),
    });
    const store = new MemoryStore();
    const first = await apply(store, failing);
    expect(first.counts).to.deep.include({ created: 1, "skipped:4me_error": 2 });
    expect(sim.inspect.cis(ACCOUNT).map((c) => c.name)).to.deep.equal(["LT-3"]);
    expect(dellProducts()).to.deep.equal(["Dell Latitude 5440", "Dell Latitude 7440"]);

    const next = await apply(store, api);
    expect(next.counts).to.deep.include({ created: 2 });
    expect(dellProducts()).to.deep.equal(["Dell Latitude 5440", "Dell Latitude 7440"]);
  });
});
