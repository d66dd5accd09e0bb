// Runs that meet trouble: 4me answering 429 and 5xx (the connector retries within its bounds, on a virtual clock),
// and a run that dies part way (4me accepted a batch the ledger never recorded), followed by a rerun.
import { expect } from "chai";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { LedgerEntry } from "../../src/store/types.js";
import {
  BASE_FORM,
  ciOf,
  customerMutations,
  ordinaryDevices,
  ourCis,
  startTestSandbox,
  str,
  tenantOf,
  type Sandbox,
} from "./helpers/sandbox.js";

/** No two of our CIs for one device, and no two CIs at all for one real serial number. */
function expectNoDuplicates(sb: Sandbox) {
  const ours = ourCis(sb);
  expect(new Set(ours.map((c) => c.sourceID)).size, "CIs per sourceID").to.equal(ours.length);
  const serials = sb.fourme.inspect
    .cis(sb.account)
    .filter((c) => c.serialNr && c.status === "in_production")
    .map((c) => `${c.product?.brand?.toLowerCase()}|${c.serialNr!.toLowerCase()}`);
  expect(new Set(serials).size, "active CIs per brand + serial").to.equal(serials.length);
}

describe("sync resilience against the sandbox (e2e)", function () {
  this.timeout(30_000);

  describe("when 4me throttles and fails", () => {
    let sb: Sandbox;
    before(async () => {
      sb = await startTestSandbox({ fleet: generateFleet({ seed: 5, size: 200 }) });
      await sb.setup();
    });
    after(async () => sb?.close());

    it("completes the first import under injected 429s and 5xx, retrying within its bounds without sleeping", async () => {
      sb.fourme.setFaults({ rate429: 0.15, rate5xx: 0.08, seed: 3, retryAfterSeconds: 2 });
      const started = Date.now();
      await sb.saveForm(BASE_FORM);
      const run = (await sb.runs(1))[0];
      expect(run.status, run.errors.join("\n")).to.equal("succeeded");
      const stats = sb.fourme.stats();
      expect(stats.rejected.throttled).to.be.greaterThan(0);
      expect(stats.rejected.serverErrors).to.be.greaterThan(0);
      // Retry-After and backoff waits went by on the virtual clock.
      expect(sb.clock!.skippedMs).to.be.at.least(2000 * stats.rejected.throttled);
      expect(Date.now() - started).to.be.below(sb.clock!.skippedMs);
      expect(ourCis(sb).length).to.equal((run.counts.created ?? 0) + (run.counts.updated ?? 0));
      expect(ourCis(sb).length).to.be.greaterThan(150);
      expectNoDuplicates(sb);
    });

    it("still writes only what changed, and nothing once 4me is healthy and nothing changed", async () => {
      const tenant = tenantOf(sb);
      const changed = ordinaryDevices(tenant)
        .filter((d) => ciOf(sb, str(d, "id")))
        .slice(0, 5);
      for (const d of changed) d["deviceName"] = `${str(d, "deviceName")}-R`;
      sb.fourme.setFaults({ rate429: 0, rate5xx: 0, next429: 2, next5xx: 2 });
      sb.fourme.resetStats();
      const { run } = await sb.sync();
      expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
      expect(run!.counts.updated).to.equal(5);
      expect(sb.fourme.stats().rejected).to.include({ throttled: 2, serverErrors: 2 });
      expect(customerMutations(sb.fourme.stats())).to.deep.equal({ discoveredConfigurationItems: 1 });
      for (const d of changed) expect(ciOf(sb, str(d, "id"))!.name).to.equal(d["deviceName"]);

      sb.fourme.resetStats();
      const again = (await sb.sync()).run!;
      expect(again.status).to.equal("succeeded");
      expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    });
  });

  describe("when Graph throttles and fails", () => {
    let sb: Sandbox;
    before(async () => {
      sb = await startTestSandbox({ fleet: generateFleet({ seed: 6, size: 200 }) });
      await sb.setup({ fields: BASE_FORM });
    });
    after(async () => sb?.close());

    it("reads every page through 429s and 503s, and a complete read retires and rewrites nothing", async () => {
      const tenant = tenantOf(sb);
      const skippedBefore = sb.clock!.skippedMs;
      sb.microsoft.controls.inject({ status: 429, retryAfter: 7, route: "graph.devices", count: 2 });
      sb.microsoft.controls.inject({ status: 503, route: "graph.devices", count: 2 });
      sb.microsoft.controls.resetStats();
      sb.fourme.resetStats();
      const { run } = await sb.sync();
      expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
      expect(run!.counts.seen).to.equal(tenant.devices.length);
      expect(run!.counts.retired ?? 0).to.equal(0);
      expect(sb.microsoft.controls.stats().byStatus).to.include({ "429": 2, "503": 2 });
      expect(sb.clock!.skippedMs - skippedBefore).to.be.at.least(14_000);
      expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    });
  });

  describe("when a run dies part way", () => {
    let sb: Sandbox;
    before(async () => {
      sb = await startTestSandbox({ fleet: generateFleet({ seed: 8, size: 300 }) });
      // Filters set, import not active yet: nothing is written until the run under test.
      await sb.setup({
        fields: [...BASE_FORM.filter((f) => f.id !== "import_active"), { id: "import_active", value: false }],
      });
    });
    after(async () => sb?.close());

    it("reruns from the ledger: no duplicate CIs, not even for a batch 4me took and the ledger never recorded", async () => {
      const store = sb.connector.store;
      const putLedger = store.putLedger.bind(store);
      let ledgerWrites = 0;
      // The crash: the first batch is recorded; 4me accepts the second, then the process is gone before the ledger
      // write (it throws, and from then on 4me answers nothing but 503s, so the rest of the run achieves nothing).
      store.putLedger = async (entries: LedgerEntry[]) => {
        ledgerWrites++;
        if (ledgerWrites === 2) {
          sb.fourme.setFaults({ next5xx: 1_000_000 });
          throw new Error("simulated crash");
        }
        if (ledgerWrites > 2) throw new Error("simulated crash");
        return putLedger(entries);
      };
      await sb.saveForm([{ id: "import_active", value: true }]);
      const crashed = (await sb.runs(1))[0];
      expect(crashed.status).to.not.equal("succeeded");
      const recorded = (await store.getLedger(sb.account)).filter((e) => e.ciId);
      const inFourMe = ourCis(sb).length;
      expect(recorded.length).to.be.at.most(100);
      expect(inFourMe, "CIs 4me holds that the ledger lacks").to.be.greaterThan(recorded.length + 50);
      expect(inFourMe).to.be.below(250);

      store.putLedger = putLedger;
      sb.fourme.setFaults({ next5xx: 0 });
      const { run } = await sb.sync("rerun");
      expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
      expectNoDuplicates(sb);
      const tenant = tenantOf(sb);
      const inScope = run!.counts.in_scope - (run!.counts["skipped:duplicate_serial"] ?? 0);
      expect(ourCis(sb).length).to.equal(inScope);
      const ledger = (await store.getLedger(sb.account)).filter((e) => e.ciId && !e.retired);
      expect(ledger.length).to.equal(inScope);
      for (const e of ledger) expect(ourCis(sb).find((c) => c.id === e.ciId)?.sourceID).to.equal(e.deviceId);
      expect(tenant.devices.length).to.equal(300);

      sb.fourme.resetStats();
      const after = (await sb.sync()).run!;
      expect(after.counts.unchanged).to.equal(inScope);
      expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    });
  });
});
