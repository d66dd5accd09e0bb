// applyPlan against the simulated 4me: how new devices meet existing CIs by serial. The upload's own first-upload
// serial fallback takes over a lone unclaimed CI (no update call); a CI another tool claimed, or a serial on several
// CIs, costs one takeover update; several active CIs are never merged.
import { expect } from "chai";
import { renderCiExtension } from "../../../src/extension/render.js";
import { silentLogger } from "../../../src/logger.js";
import { startFourMeSimulator, type FourMeSimulator } from "../../../src/sandbox/fourme/index.js";
import { applyPlan } from "../../../src/sync/apply-plan.js";
import { DEFAULT_FILTERS } from "../../../src/sync/filters.js";
import { mapDevice, type MappedCi } from "../../../src/sync/map-device.js";
import { planSync } from "../../../src/sync/plan.js";
import { MemoryStore } from "../../helpers/memory-store.js";
import { customerApiOn } from "../../helpers/sim-customer-api.js";
import { ADMIN_CENTER, NOW, device } from "./fixtures.js";

const ACCOUNT = "widget-data";
const ALL = { ...DEFAULT_FILTERS, active: true, windows: true, android: true, ios: true, macos: true };

function mapped(i: number, serialNumber: string): MappedCi {
  const r = mapDevice(
    device({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, serialNumber, deviceName: `LT-${i}` }),
    { adminCenterUrl: ADMIN_CENTER, now: NOW, qualifySourceId: false, ciStatus: "in_production" },
  );
  if (!r.ok) throw new Error(r.reason);
  return r.ci;
}

describe("applyPlan: new devices and existing CIs with their serial", () => {
  let sim: FourMeSimulator;
  afterEach(async () => sim?.close());

  it("leaves a lone unclaimed CI to the upload, updates a claimed one first, and merges no ambiguous serial", async () => {
    sim = await startFourMeSimulator();
    const seeded = sim.seedAccount(ACCOUNT, {
      teams: [{ name: "Service Desk" }],
      people: [],
      products: [],
      cis: [
        { name: "OLD-1", serialNr: "SER-LONE", brand: "Dell Inc.", model: "Latitude 5440", status: "in_production" },
        { name: "OLD-2", serialNr: "SER-CLAIMED", brand: "Dell Inc.", model: "Latitude 5440", status: "in_production" },
        { name: "OLD-3", serialNr: "SER-TWIN", brand: "Dell Inc.", model: "Latitude 5440", status: "in_production" },
        { name: "OLD-3b", serialNr: "SER-TWIN", brand: "Dell", model: "Latitude 5440", status: "archived" },
        {
          name: "OLD-4",
          serialNr: "SER-TWO-ACTIVE",
          brand: "Dell Inc.",
          model: "Latitude 5440",
          status: "in_production",
        },
        { name: "OLD-4b", serialNr: "SER-TWO-ACTIVE", brand: "Dell", model: "Latitude 5440", status: "in_production" },
      ],
    });
    const [lone, claimed, twin, , ambiguousA] = seeded.ciIds;
    const api = await customerApiOn(sim, ACCOUNT);
    // Another discovery tool owns this CI: the upload's serial fallback would not find it.
    await api.updateCi(claimed, { source: "Lansweeper", sourceID: "ls-42" });

    const devices = [
      mapped(1, "SER-LONE"),
      mapped(2, "SER-CLAIMED"),
      mapped(3, "SER-TWIN"),
      mapped(4, "SER-TWO-ACTIVE"),
      mapped(5, "SER-NEW"),
    ];
    const plan = planSync({
      devices,
      ledger: [],
      filters: ALL,
      scanComplete: true,
      now: NOW,
      retireStatus: "removed",
      excludedAction: "leave",
    });
    const ext = renderCiExtension();
    const { uiExtension } = await api.upsertCiUiExtension(ext.html, ext.css, ext.javascript);
    const store = new MemoryStore();
    sim.resetStats();
    const result = await applyPlan(plan, {
      account: ACCOUNT,
      api,
      store,
      logger: silentLogger,
      now: NOW,
      supportTeam: "Service Desk",
      uiExtensionId: uiExtension.id,
    });

    expect(result.errors).to.deep.equal([]);
    expect(result.counts).to.deep.include({
      matched_by_serial: 3,
      created: 1,
      updated: 3,
      "skipped:ambiguous_serial": 1,
    });
    // One takeover update each for the claimed CI and the serial two CIs carry; none for the lone CI.
    const stats = sim.stats();
    expect(stats.byMutation.configurationItemUpdate).to.equal(2);
    expect(stats.byOperation.ConfigurationItemUpdates).to.equal(1);
    expect(stats.byMutation.discoveredConfigurationItems).to.equal(1);
    const ciOf = (i: number) => store.ledger.get(`${ACCOUNT}/${devices[i].tenantId}/${devices[i].deviceId}`)?.ciId;
    expect([ciOf(0), ciOf(1), ciOf(2)]).to.deep.equal([lone, claimed, twin]);
    expect(ciOf(3)).to.equal(undefined);
    const cis = sim.inspect.cis(ACCOUNT);
    expect(cis.find((c) => c.id === lone)).to.include({ source: "Intune", sourceID: devices[0].sourceID });
    expect(cis.find((c) => c.id === ambiguousA)?.sourceID ?? null).to.equal(null);
    expect(cis.filter((c) => c.serialNr === "SER-LONE")).to.have.length(1);
  });
});
