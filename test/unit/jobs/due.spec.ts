import { expect } from "chai";
import { dueAccounts, isRunnable } from "../../../src/jobs/due.js";
import type { InstanceRecord, SyncRun } from "../../../src/store/types.js";
import { parseSettings } from "../../../src/app-instance/settings.js";

const limits = { defaultIntervalMinutes: 60, minIntervalMinutes: 15 };
const instance = (account: string, fields: { id: string; value: unknown }[], flags: Partial<InstanceRecord> = {}) =>
  ({
    account,
    offeringReference: "microsoft_intune",
    disabled: false,
    suspended: false,
    enabledByCustomer: true,
    settings: parseSettings(fields, limits),
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...flags,
  }) as InstanceRecord;
const run = (account: string, startedAt: string, status: SyncRun["status"] = "succeeded"): SyncRun => ({
  id: "r",
  account,
  trigger: "schedule",
  status,
  startedAt,
  counts: {},
  errors: [],
});

describe("dueAccounts", () => {
  const now = new Date("2026-11-26T12:00:00Z");
  const active = [{ id: "import_active", value: true }];

  it("runs an active instance that never ran", () => {
    expect(
      dueAccounts({ instances: [instance("a", active)], lastRuns: new Map(), now, defaultIntervalMinutes: 60 }),
    ).to.deep.equal(["a"]);
  });

  it("waits for the instance's own interval, measured from the last start", () => {
    const i = instance("a", [...active, { id: "sync_interval_minutes", value: "30" }]);
    const at = (iso: string) =>
      dueAccounts({ instances: [i], lastRuns: new Map([["a", run("a", iso)]]), now, defaultIntervalMinutes: 60 });
    expect(at("2026-11-26T11:45:00Z")).to.deep.equal([]);
    expect(at("2026-11-26T11:30:00Z")).to.deep.equal(["a"]);
  });

  it("keeps fractional configured limits (a 12 s period in tests) while the form's value stays whole minutes", () => {
    const fast = { defaultIntervalMinutes: 0.2, minIntervalMinutes: 0.2 };
    const i = (fields: { id: string; value: unknown }[]) => ({
      ...instance("a", fields),
      settings: parseSettings(fields, fast),
    });
    const due = (inst: InstanceRecord, secondsAgo: number) =>
      dueAccounts({
        instances: [inst],
        lastRuns: new Map([["a", run("a", new Date(now.getTime() - secondsAgo * 1000).toISOString())]]),
        now,
        defaultIntervalMinutes: 0.2,
      });
    expect(due(i(active), 11)).to.deep.equal([]);
    expect(due(i(active), 12)).to.deep.equal(["a"]);
    // The form says 0.4: rounded to whole minutes (0), then raised to the configured minimum.
    const formSays = i([...active, { id: "sync_interval_minutes", value: "0.4" }]);
    expect(formSays.settings?.syncIntervalMinutes).to.equal(0.2);
    expect(i([...active, { id: "sync_interval_minutes", value: "2" }]).settings?.syncIntervalMinutes).to.equal(2);
  });

  it("never queues an instance that is running, inactive, disabled, suspended or not enabled by the customer", () => {
    // Running for 3 hours and alive: its last heartbeat was a minute ago.
    const lastRuns = new Map([
      ["running", { ...run("running", "2026-11-26T09:00:00Z", "running"), heartbeatAt: "2026-11-26T11:59:00Z" }],
    ]);
    const instances = [
      instance("running", active),
      instance("inactive", []),
      instance("disabled", active, { disabled: true }),
      instance("suspended", active, { suspended: true }),
      instance("not-enabled", active, { enabledByCustomer: false }),
    ];
    expect(dueAccounts({ instances, lastRuns, now, defaultIntervalMinutes: 60 })).to.deep.equal([]);
    expect(instances.filter(isRunnable).map((i) => i.account)).to.deep.equal(["running", "inactive"]);
  });

  it("queues an instance whose run was left running by a crash (no heartbeat for the stale window)", () => {
    const i = instance("a", active);
    const due = (last: SyncRun) =>
      dueAccounts({ instances: [i], lastRuns: new Map([["a", last]]), now, defaultIntervalMinutes: 60 });
    const crashed = run("a", "2026-11-26T11:40:00Z", "running");
    expect(due({ ...crashed, heartbeatAt: "2026-11-26T11:50:00.001Z" }), "beat under 10 min ago").to.deep.equal([]);
    expect(due({ ...crashed, heartbeatAt: "2026-11-26T11:50:00Z" }), "silent for 10 min").to.deep.equal(["a"]);
    // Never beat: measured from its start.
    expect(due(run("a", "2026-11-26T11:55:00Z", "running"))).to.deep.equal([]);
    expect(due(crashed)).to.deep.equal(["a"]);
  });

  it("runs an instance with alerts on even when the import is not active", () => {
    const i = instance("a", [{ id: "alerts_enabled", value: "true" }]);
    expect(dueAccounts({ instances: [i], lastRuns: new Map(), now, defaultIntervalMinutes: 60 })).to.deep.equal(["a"]);
  });
});
