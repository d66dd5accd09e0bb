import { expect } from "chai";
import { parseSettings } from "../../../src/app-instance/settings.js";
import { scheduledSyncStillDue } from "../../../src/jobs/scheduler.js";
import type { InstanceRecord, InstanceStore, SyncRun } from "../../../src/store/types.js";

const now = new Date("2026-11-26T12:00:00Z");
const instance = (intervalMinutes?: string) =>
  ({
    account: "a",
    settings: parseSettings(
      [
        { id: "import_active", value: true },
        ...(intervalMinutes ? [{ id: "sync_interval_minutes", value: intervalMinutes }] : []),
      ],
      { defaultIntervalMinutes: 60, minIntervalMinutes: 15 },
    ),
  }) as InstanceRecord;
const startedAgo = (minutes: number, status: SyncRun["status"] = "succeeded") =>
  ({ account: "a", status, startedAt: new Date(now.getTime() - minutes * 60_000).toISOString() }) as SyncRun;
const store = (i: InstanceRecord | undefined, runs: SyncRun[]) =>
  ({ getInstance: async () => i, listRuns: async () => runs }) as unknown as InstanceStore;
const stillDue = (s: InstanceStore) =>
  scheduledSyncStillDue({ store: s, defaultIntervalMinutes: 60, now: () => now }, "a");

describe("scheduledSyncStillDue", () => {
  it("runs a scheduled job whose account has no run, or whose last run started an interval ago or more", async () => {
    expect(await stillDue(store(instance(), []))).to.equal(true);
    expect(await stillDue(store(instance(), [startedAgo(60)]))).to.equal(true);
    expect(await stillDue(store(instance("30"), [startedAgo(31)]))).to.equal(true);
  });

  it("skips it when a run started within the interval after the tick read the runs (two runs in one period)", async () => {
    expect(await stillDue(store(instance(), [startedAgo(0.1)]))).to.equal(false);
    expect(await stillDue(store(instance("30"), [startedAgo(29, "running")]))).to.equal(false);
  });
});
