// Three connector replicas (child processes) on one PostgreSQL schema with pg-boss, 20 sandbox accounts whose
// webhooks go round-robin to the replicas. Loopback only; skips with a notice when PostgreSQL is down (fails in CI).
import { expect } from "chai";
import { requirePostgres } from "../helpers/pg.js";
import { World, cmdbView, duplicatesIn, inBatches, logLines, referenceView } from "./world.js";

const ACCOUNTS = 20;
const DEVICES = 30;
/** Accounts compared with a reference sync: every REFERENCE_EVERY-th. */
const REFERENCE_EVERY = 4;

describe("scale: 3 replicas on PostgreSQL (child processes)", function () {
  this.timeout(120_000);
  let world: World | undefined;

  before(async function () {
    await requirePostgres(this);
    world = await World.start({ accounts: ACCOUNTS, devices: DEVICES, replicas: 3 });
  });
  after(async () => world?.close());

  it(`sets up ${ACCOUNTS} accounts through webhooks spread over the replicas: every account synced, never two runs at once, no duplicates, CMDB = ledger, and (sampled) the same CMDB as one embedded connector`, async () => {
    const w = world!;
    await inBatches(w.accounts, 4, (a) => w.setupAccount(a));
    await w.settle(60_000);

    let total = 0;
    for (const account of w.accounts) {
      const runs = await w.runs(account);
      // install, consent and form save each queue a sync (those before the form save find the import off);
      // one arriving while a sync runs queues one more run (one waiting per account), never a parallel one.
      expect(runs.length, account).to.be.within(1, 4);
      expect(new Set(runs.map((r) => r.status)), account).to.deep.equal(new Set(["succeeded"]));
      expect(await w.overlappingRuns(account), account).to.equal(0);
      total += runs.length;
    }
    // Syncs are spread over the replicas, not pinned to the replica that got the webhook.
    const started = logLines(w.logText(), "sync started");
    expect(started).to.have.length(total);
    expect(new Set(started.map((l) => l["replica"])).size).to.be.greaterThan(1);

    for (const account of w.accounts) {
      const view = cmdbView(w.fourme, account);
      expect(duplicatesIn(view), account).to.deep.equal([]);
      expect(view.cis.length, account).to.be.greaterThan(0);
      // Every CI of ours is in the ledger, and the other way round.
      const ledger = await w.query<{ ci_id: string }>(
        "SELECT ci_id FROM device_ledger WHERE account = $1 AND NOT retired",
        [account],
      );
      const ours = w.fourme.inspect.cis(account).filter((c) => c.source === "Intune");
      expect(new Set(ledger.map((l) => l.ci_id)), account).to.deep.equal(new Set(ours.map((c) => c.id)));
    }
    // Field by field against one embedded connector, for a sample of accounts (each reference costs a sandbox).
    const sample = w.accounts.filter((_, i) => i % REFERENCE_EVERY === 0);
    const references = await inBatches(sample, 2, (a) => referenceView(w, a));
    for (const [i, account] of sample.entries())
      expect(cmdbView(w.fourme, account), account).to.deep.equal(references[i]);
  });

  it("a second round of form saves, on other replicas, syncs every account again, creates nothing and leaves the CMDB as it was", async () => {
    const w = world!;
    const before = w.accounts.map((a) => cmdbView(w.fourme, a));
    const runsBefore = await Promise.all(w.accounts.map(async (a) => (await w.runs(a)).length));
    await inBatches(w.accounts, 4, (a) => w.saveForm(a));
    await w.settle(60_000);
    for (const [i, account] of w.accounts.entries()) {
      const fresh = (await w.runs(account)).slice(runsBefore[i]);
      expect(fresh.length, account).to.be.within(1, 2);
      expect(await w.overlappingRuns(account), account).to.equal(0);
      for (const run of fresh) expect(run.status, account).to.equal("succeeded");
      const last = fresh[fresh.length - 1]!;
      expect(last.counts["created"] ?? 0, `${account} ${JSON.stringify(last.counts)}`).to.equal(0);
      expect(cmdbView(w.fourme, account), account).to.deep.equal(before[i]);
    }
  });
});
