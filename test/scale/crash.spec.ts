// kill -9 of the replica running a sync, at a random point of it, in several trials: another replica retries the
// job after its expiry and resumes from the ledger. Afterwards no duplicate CIs, requests or notes, and every
// account's CMDB equals what one embedded connector makes of it. Loopback only; PostgreSQL only.
import { expect } from "chai";
import { requirePostgres } from "../helpers/pg.js";
import { waitFor } from "./helpers.js";
import { World, cmdbView, duplicatesIn, inBatches, referenceView } from "./world.js";
import { mulberry32 } from "../../src/sandbox/fleet/prng.js";

const TRIALS = 10;
const DEVICES = 150;
// The kill points are random but reproducible from SCALE_CRASH_SEED.
const SEED = Number(process.env.SCALE_CRASH_SEED ?? 7);

describe(`scale: kill -9 a replica mid-sync (${TRIALS} trials, PostgreSQL, child processes)`, function () {
  this.timeout(240_000);
  let world: World | undefined;
  const random = mulberry32(SEED);
  const trials: { account: string; replica: number; delayMs: number; cisAtKill: number; cisAtEnd: number }[] = [];

  before(async function () {
    await requirePostgres(this);
    world = await World.start({
      accounts: TRIALS,
      devices: DEVICES,
      replicas: 3,
      seed: SEED,
      env: { REPLICA_EXPIRE_SECONDS: "2" },
    });
    // Installed and consented; the form save that switches the import on comes in each trial.
    await inBatches(world.accounts, 4, (a) => world!.setupAccount(a, { save: false }));
    await world.settle(30_000);
  });
  after(async () => world?.close());

  /** The replica holding the account's job lock (its session's application_name), once its sync runs. */
  const runningOn = async (w: World, account: string): Promise<number | undefined> => {
    const running = await w.query("SELECT 1 FROM sync_runs WHERE account = $1 AND status = 'running'", [account]);
    if (running.length === 0) return undefined;
    const holders = await w.query<{ name: string }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'replica-%'
         AND l.objid::int = hashtext($1)`,
      [`${w.schema.schema}_boss:${account}`],
    );
    return holders[0] ? Number(holders[0].name.replace("replica-", "")) : undefined;
  };

  it("every killed sync is retried elsewhere and ends without duplicates, as one embedded connector would", async () => {
    const w = world!;
    let restarting: Promise<void> = Promise.resolve();
    for (const [i, account] of w.accounts.entries()) {
      await restarting;
      await w.saveForm(account);
      let replica: number | undefined;
      await waitFor(
        async () => (replica = await runningOn(w, account)) !== undefined,
        20_000,
        `${account} to sync`,
        20,
      );
      // Odd trials: a random moment of the run (reading, planning, writing, alerts, summary). Even trials: in the
      // middle of the writes, once a random share of the CIs is written (batches of 100).
      const mode = i % 2 === 0 ? "writes" : "time";
      const started = Date.now();
      const target = Math.floor(random() * DEVICES * 0.9);
      const delayMs = Math.floor(random() * 1500);
      const written = () => w.fourme.inspect.cis(account).filter((c) => c.source === "Intune").length;
      if (mode === "writes") await waitFor(() => written() >= target, 20_000, `${target} CIs of ${account}`, 5);
      else await new Promise((r) => setTimeout(r, delayMs));
      const cisAtKill = written();
      await w.stopReplica(replica!, "SIGKILL");
      trials.push({ account, replica: replica!, delayMs: Date.now() - started, cisAtKill, cisAtEnd: 0 });
      // The replica comes back while the others retry its job.
      restarting = w.startReplica(replica!);
      await w.settle(60_000);
    }
    await restarting;
    const references = await inBatches(w.accounts, 2, (a) => referenceView(w, a));
    for (const [i, account] of w.accounts.entries()) {
      const view = cmdbView(w.fourme, account);
      trials[i]!.cisAtEnd = view.cis.length;
      expect(duplicatesIn(view), account).to.deep.equal([]);
      expect(view, account).to.deep.equal(references[i]);
      const runs = await w.runs(account);
      expect(runs[runs.length - 1]!.status, account).to.equal("succeeded");
      expect(await w.overlappingRuns(account), account).to.equal(0);
    }
    console.log(
      `      crash trials (seed ${SEED}): ${JSON.stringify(trials.map((t) => [t.delayMs, t.cisAtKill, t.cisAtEnd]))}`,
    );
    // The kills hit different points: some before any write, some in the middle of the writes.
    expect(trials.some((t) => t.cisAtKill > 0 && t.cisAtKill < t.cisAtEnd)).to.equal(true);
  });
});
