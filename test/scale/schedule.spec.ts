// Schedules over several periods (issue 9): 3 replicas with the scheduler on, a 10 s sync interval and a 2 s tick,
// and no webhook once the accounts are set up. Every account must sync exactly once per period, whichever replica
// ticks, and the tick itself must fire once per tick period across the replicas, not once per replica.
// Loopback only; skips with a notice when PostgreSQL is down (fails in CI).
import { expect } from "chai";
import { requirePostgres } from "../helpers/pg.js";
import { waitFor } from "./helpers.js";
import { World, cmdbView, duplicatesIn, inBatches, logLines } from "./world.js";

const ACCOUNTS = 10;
const DEVICES = 20;
/** SYNC_DEFAULT_INTERVAL_MINUTES = 1/6: one sync per 10 s. */
const PERIOD_MS = 10_000;
const TICK_SECONDS = 2;
const PERIODS = 4;
/**
 * A due account waits for the next tick (at most a tick period, plus up to half a period until a replica offers
 * that slot's tick job and a poll until a replica takes it), then for a sync worker (a poll, and other accounts'
 * runs ahead of it). Measured on a 2-core machine: gaps of 10.4–12.1 s.
 */
const PICKUP_SLACK_MS = 3_000;
const MAX_GAP_MS = PERIOD_MS + TICK_SECONDS * 1000 + PICKUP_SLACK_MS;

describe("scale: schedules over several periods on 3 replicas (child processes)", function () {
  this.timeout(120_000);
  let world: World | undefined;

  before(async function () {
    await requirePostgres(this);
    world = await World.start({
      accounts: ACCOUNTS,
      devices: DEVICES,
      replicas: 3,
      alerts: false,
      env: {
        REPLICA_SCHEDULER: "on",
        SYNC_DEFAULT_INTERVAL_MINUTES: String(PERIOD_MS / 60_000),
        SYNC_MIN_INTERVAL_MINUTES: String(PERIOD_MS / 60_000),
        SCHEDULER_TICK_SECONDS: String(TICK_SECONDS),
      },
    });
  });
  after(async () => world?.close());

  it(`syncs each of ${ACCOUNTS} accounts exactly once per ${PERIOD_MS / 1000} s period for ${PERIODS} periods without webhooks: spacing within [period, period + tick + slack], never two runs at once, spread over the replicas, one tick per tick period, no duplicates`, async () => {
    const w = world!;
    await inBatches(w.accounts, 5, (a) => w.setupAccount(a));
    const setupDone = Date.now();
    // From here on the schedule alone starts runs, until every account had its periods (or too long has passed).
    const scheduledRuns = async (account: string) => {
      const runs = await w.runs(account);
      return runs.length - 1 - runs.findLastIndex((r) => r.run_trigger !== "schedule");
    };
    await waitFor(
      async () => (await Promise.all(w.accounts.map(scheduledRuns))).every((n) => n >= PERIODS),
      (PERIODS + 1) * MAX_GAP_MS,
      `${PERIODS} scheduled runs of every account`,
      500,
    );
    const end = Date.now();

    const scheduled: { account: string; start: number }[] = [];
    const allGaps: number[] = [];
    for (const account of w.accounts) {
      const runs = await w.runs(account);
      expect(await w.overlappingRuns(account), `${account}: overlapping runs`).to.equal(0);
      expect(runs.filter((r) => r.status !== "succeeded" && r.status !== "running").length, account).to.equal(0);
      // The webhooks' runs (install, consent, form save) come first; every run after the last of them is the
      // schedule's, and the schedule measures its first interval from that run.
      const lastWebhookRun = runs.findLastIndex((r) => r.run_trigger !== "schedule");
      expect(lastWebhookRun, `${account}: a webhook-triggered run`).to.be.at.least(0);
      // (Its job may start a moment after the form save's delivery was answered, but not a period later.)
      expect(runs[lastWebhookRun]!.started_at.getTime(), account).to.be.below(setupDone + PERIOD_MS);
      const starts = runs.slice(lastWebhookRun).map((r) => r.started_at.getTime());
      const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
      // Once per period: never sooner than the interval, never later than one tick and a pickup after it. (A due
      // account waits for the next tick, so with a period a multiple of the tick the gaps are about period + tick.)
      for (const gap of gaps) expect(gap, `${account} gaps ${gaps.join(", ")} ms`).to.be.within(PERIOD_MS, MAX_GAP_MS);
      expect(gaps.length, `${account} gaps ${gaps.join(", ")} ms`).to.be.at.least(PERIODS);
      // Hence the count: as many scheduled runs as periods of at most MAX_GAP_MS fit since the webhook's run.
      const since = end - starts[0]!;
      expect(gaps.length, account).to.be.within(Math.floor(since / MAX_GAP_MS), Math.ceil(since / PERIOD_MS));
      for (const start of starts.slice(1)) scheduled.push({ account, start });
      allGaps.push(...gaps);
    }

    // The tick ran once per tick period across the three replicas, one at a time (each replica offers two per
    // period: ticking on its own, or without the shared slot, there would be up to six).
    const ticks = await w.query<{ started_on: Date; completed_on: Date | null }>(
      `SELECT started_on, completed_on FROM "${w.schema.schema}_boss".job
       WHERE name = 'scheduler-tick' AND started_on >= $1 AND started_on < $2 ORDER BY started_on`,
      [new Date(setupDone), new Date(end)],
    );
    const slot = (ms: number) => Math.floor(ms / (TICK_SECONDS * 1000));
    const slots = slot(end) - slot(setupDone) + 1;
    expect(ticks.length, "ticks in the window").to.be.within(slots - 2, slots);
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `      ${scheduled.length} scheduled runs, gaps ${seconds(Math.min(...allGaps))}–${seconds(Math.max(...allGaps))} s; ${ticks.length} ticks in ${slots} tick periods`,
    );
    for (let i = 1; i < ticks.length; i++) {
      expect(ticks[i]!.started_on.getTime(), "a tick began before the one before it ended").to.be.at.least(
        ticks[i - 1]!.completed_on!.getTime(),
      );
    }

    // Any replica runs a scheduled sync, not only the one whose tick queued it.
    const started = logLines(w.logText(), "sync started").filter((l) => l["trigger"] === "schedule");
    expect(started.length).to.be.at.least(scheduled.length);
    expect(new Set(started.map((l) => l["replica"])).size, "replicas that ran scheduled syncs").to.be.greaterThan(1);

    for (const account of w.accounts) {
      const view = cmdbView(w.fourme, account);
      expect(duplicatesIn(view), account).to.deep.equal([]);
      expect(view.cis.length, account).to.be.greaterThan(0);
    }
  });
});
