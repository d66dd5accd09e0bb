// Upstream faults with 2 replicas: 30% of 4me calls answered 429 or 5xx, and Graph throttling (429 without
// Retry-After) on 30% of its requests. Runs still complete, within their retry bounds, to the same CMDB as one
// embedded connector without faults. Loopback only; PostgreSQL only.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { requirePostgres } from "../helpers/pg.js";
import { World, cmdbView, duplicatesIn, inBatches, referenceView } from "./world.js";

const ACCOUNTS = 3;
const DEVICES = 40;

/** Skips a run under faults may report: calls out of attempts, and what the fleet's data makes every run skip. */
const EXPECTED_SKIPS = new Set([
  "skipped:4me_error",
  "skipped:duplicate_serial",
  "skipped:no_device_id",
  "skipped:no_tenant_id",
  "skipped:device_id_too_long",
]);

describe("scale: upstream faults over 2 replicas (PostgreSQL, child processes)", function () {
  this.timeout(150_000);
  let world: World | undefined;

  before(async function () {
    await requirePostgres(this);
    world = await World.start({ accounts: ACCOUNTS, devices: DEVICES, replicas: 2, seed: 3 });
  });
  after(async () => world?.close());

  it("completes the runs correctly with 30% of 4me calls failing (429/5xx) and Graph throttling without Retry-After (a batch out of attempts is done by the next run)", async () => {
    const w = world!;
    w.fourme.setFaults({ rate429: 0.15, rate5xx: 0.15, retryAfterSeconds: 1, status5xx: 503, seed: 9 });
    w.microsoft.controls.inject({ status: 429, retryAfter: null, rate: 0.3, target: "both" });
    await inBatches(w.accounts, 3, (a) => w.setupAccount(a));
    await w.settle(120_000);
    // Each 4me call gets 5 attempts: at 30% faults, about 1 call in 400 still fails, and its batch is left for the
    // next run (the run ends partial). Up to two more runs under the same faults, as the schedule would make.
    const lastOf = async (a: string) => (await w.runs(a)).at(-1)!;
    let partial = 0;
    for (let round = 0; round < 2; round++) {
      const unfinished = [];
      for (const a of w.accounts) if ((await lastOf(a)).status !== "succeeded") unfinished.push(a);
      if (unfinished.length === 0) break;
      partial += unfinished.length;
      for (const a of unfinished) {
        const last = await lastOf(a);
        // Only calls that ran out of attempts, nothing else went wrong. The fleet's own data skips (two devices with
        // one serial, a device without an id…) are in every run, faults or not.
        expect(last.status, a).to.equal("partial");
        expect(
          Object.keys(last.counts).filter((k) => k.startsWith("skipped:") && !EXPECTED_SKIPS.has(k)),
          `${a} ${JSON.stringify(last.errors)}`,
        ).to.deep.equal([]);
        // A changed setting starts the next run (a save that changes nothing starts none, issue 14).
        await w.saveForm(a, [{ id: Field.syncIntervalMinutes, value: 61 + round }]);
      }
      await w.settle(120_000);
    }
    if (partial) console.log(`      ${partial} run(s) ended partial under faults and were completed by the next run`);
    const stats = w.fourme.stats();
    w.fourme.setFaults({ rate429: 0, rate5xx: 0 });
    w.microsoft.controls.clearFaults();
    // A run whose beta read fell back to v1.0 under Graph throttling wrote fewer fields (join type "Unknown"); the
    // next run without faults writes them. One such run per account, as the schedule would make, before comparing.
    for (const a of w.accounts) await w.saveForm(a, [{ id: Field.syncIntervalMinutes, value: 70 }]);
    await w.settle(120_000);

    const references = await inBatches(w.accounts, 2, (a) => referenceView(w, a));
    for (const [i, account] of w.accounts.entries()) {
      const last = await lastOf(account);
      expect(last.status, `${account} ${JSON.stringify(last.counts)}`).to.equal("succeeded");
      const view = cmdbView(w.fourme, account);
      expect(duplicatesIn(view), account).to.deep.equal([]);
      expect(view, account).to.deep.equal(references[i]);
    }
    // The faults were real: 4me refused a share of the calls, and the replicas got through anyway.
    expect(stats.rejected.throttled + stats.rejected.serverErrors).to.be.greaterThan(stats.total * 0.15);
  });
});
