// Upstream faults with 2 replicas: 30% of 4me calls answered 429 or 5xx, and Graph throttling (429 without
// Retry-After) on 30% of its requests. Runs still complete, within their retry bounds, to the same CMDB as one
// embedded connector without faults. Loopback only; PostgreSQL only.
import { expect } from "chai";
import { requirePostgres } from "../helpers/pg.js";
import { World, cmdbView, duplicatesIn, inBatches, referenceView } from "./world.js";

const ACCOUNTS = 3;
const DEVICES = 40;

describe("scale: upstream faults over 2 replicas (PostgreSQL, child processes)", function () {
  this.timeout(150_000);
  let world: World | undefined;

  before(async function () {
    await requirePostgres(this);
    world = await World.start({ accounts: ACCOUNTS, devices: DEVICES, replicas: 2, seed: 3 });
  });
  after(async () => world?.close());

  it("completes every run correctly with 30% of 4me calls failing (429/5xx) and Graph throttling without Retry-After", async () => {
    const w = world!;
    w.fourme.setFaults({ rate429: 0.15, rate5xx: 0.15, retryAfterSeconds: 1, status5xx: 503, seed: 9 });
    w.microsoft.controls.inject({ status: 429, retryAfter: null, rate: 0.3, target: "both" });
    await inBatches(w.accounts, 3, (a) => w.setupAccount(a));
    await w.settle(120_000);
    const stats = w.fourme.stats();
    w.fourme.setFaults({ rate429: 0, rate5xx: 0 });
    w.microsoft.controls.clearFaults();

    const references = await inBatches(w.accounts, 2, (a) => referenceView(w, a));
    for (const [i, account] of w.accounts.entries()) {
      const runs = await w.runs(account);
      const last = runs[runs.length - 1]!;
      expect(last.status, `${account} ${JSON.stringify(last.counts)}`).to.equal("succeeded");
      const view = cmdbView(w.fourme, account);
      expect(duplicatesIn(view), account).to.deep.equal([]);
      expect(view, account).to.deep.equal(references[i]);
    }
    // The faults were real: 4me refused a share of the calls, and the replicas got through anyway.
    expect(stats.rejected.throttled + stats.rejected.serverErrors).to.be.greaterThan(stats.total * 0.15);
  });
});
