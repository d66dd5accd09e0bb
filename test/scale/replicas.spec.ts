// Three connector replicas (child processes) on one PostgreSQL schema with pg-boss, 20 sandbox accounts whose
// webhooks go round-robin to the replicas. Loopback only; skips with a notice when PostgreSQL is down (fails in CI).
import { isSoftwareCi } from "../../src/sync/software-ci.js";
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { requirePostgres } from "../helpers/pg.js";
import { buildStorm, sendStorm } from "./storm.js";
import { World, cmdbView, duplicatesIn, inBatches, logLines, referenceView } from "./world.js";

const ACCOUNTS = 20;
const STORM = 2000;
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
      // Every device CI of ours is in the ledger, and the other way round (operating-system CIs are not devices).
      const ledger = await w.query<{ ci_id: string }>(
        "SELECT ci_id FROM device_ledger WHERE account = $1 AND NOT retired",
        [account],
      );
      const ours = w.fourme.inspect.cis(account).filter((c) => c.source === "Intune" && !isSoftwareCi(c));
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
    // A save syncs only when it changes a setting (a save that changes nothing is like 4me's echo of our own writes).
    await inBatches(w.accounts, 4, (a) => w.saveForm(a, [{ id: Field.syncIntervalMinutes, value: 90 }]));
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

  it(`answers a storm of ${STORM} signed webhooks (10% duplicates, 10% forged) spread over the replicas: every valid one processed once, forged ones rejected, no 5xx`, async () => {
    const w = world!;
    let n = 0;
    // Real deliveries: the simulator signs form saves of the accounts (each save sends app_instance.update).
    const storm = await buildStorm(w.fourme, () => w.fourme.saveForm(w.accounts[n++ % ACCOUNTS]!, []), STORM);
    const results = await sendStorm(
      storm,
      w.replicas.map((r) => r.url),
    );
    expect(
      results.filter((r) => r.status === 0 || r.status >= 500).map((r) => `${r.status} ${r.message}`),
    ).to.deep.equal([]);
    const forged = results.filter((r) => r.delivery.kind === "forged");
    expect(forged).to.have.length(STORM / 10);
    expect(forged.filter((r) => r.status !== 401).map((r) => `${r.status} ${r.message}`)).to.deep.equal([]);
    // Per delivery id (an original and its copies, in any order, on any replica): processed exactly once.
    const byId = new Map<string, typeof results>();
    for (const r of results.filter((x) => x.delivery.kind !== "forged")) {
      byId.set(r.delivery.deliveryId, [...(byId.get(r.delivery.deliveryId) ?? []), r]);
    }
    expect(byId.size).to.equal(STORM - STORM / 5);
    const wrong: string[] = [];
    for (const [id, answers] of byId) {
      const processed = answers.filter((a) => a.status === 200 && !a.message.startsWith("duplicate"));
      const duplicates = answers.filter((a) => a.status === 200 && a.message.startsWith("duplicate"));
      if (processed.length !== 1 || duplicates.length !== answers.length - 1) {
        wrong.push(`${id}: ${answers.map((a) => `${a.status} ${a.message}`).join(" | ")}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    await w.settle(90_000);
  });

  it("leaves no plaintext secret in the PostgreSQL tables or in the replicas' logs", async () => {
    const w = world!;
    const tables = await w.query<{ schema: string; name: string }>(
      "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ($1, $2)",
      [w.schema.schema, `${w.schema.schema}_boss`],
    );
    expect(tables.length).to.be.greaterThan(5);
    let dump = "";
    for (const t of tables) {
      const rows = await w.query(`SELECT row_to_json(x)::text AS j FROM "${t.schema}"."${t.name}" x`);
      dump += rows.map((r) => String(r["j"])).join("\n");
    }
    const logs = w.logText();
    expect(logs.length).to.be.greaterThan(1000);
    expect(w.secrets.length).to.be.greaterThan(ACCOUNTS);
    for (const secret of w.secrets) {
      expect(dump.includes(secret), "a secret in PostgreSQL").to.equal(false);
      expect(logs.includes(secret), "a secret in the logs").to.equal(false);
    }
    // Nor the webhooks' signed tokens.
    expect(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/.test(logs), "a JWT in the logs").to.equal(false);
  });
});
