import { expect } from "chai";
import {
  planSummary,
  queueCreates,
  SUMMARY_KEY,
  SUMMARY_SOURCE_ID,
  takeTurns,
  waitingEntries,
  type Candidate,
  type WaitingDevice,
} from "../../../src/alerts/alert-queue.js";
import type { AlertAction } from "../../../src/alerts/plan-alerts.js";
import type { AlertEntry } from "../../../src/store/types.js";
import { NOW, SETTINGS, TENANT } from "./fixtures.js";

const ACCOUNT = "widget-data";
const candidate = (i: number, graceExpiresAt?: string): Candidate => ({
  tenantId: TENANT,
  deviceId: `d${i}`,
  name: `PC-${i}`,
  ...(graceExpiresAt ? { graceExpiresAt } : {}),
});
const entry = (deviceId: string, over: Partial<AlertEntry>): AlertEntry => ({
  account: ACCOUNT,
  tenantId: TENANT,
  deviceId,
  state: "resolved",
  detailHash: "",
  detail: "[]",
  updatedAt: NOW.toISOString(),
  ...over,
});
const byKey = (...entries: AlertEntry[]) => new Map(entries.map((e) => [`${e.tenantId}\u0000${e.deviceId}`, e]));

describe("alert queue (issue 15)", () => {
  it("takes the oldest violations first: waiting since a run before, then by the end of their grace period", () => {
    const ledger = byKey(entry("d3", { state: "waiting", updatedAt: "2025-05-01T00:00:00.000Z" }));
    const turns = takeTurns(
      [candidate(1), candidate(2, "2025-05-20T00:00:00Z"), candidate(3), candidate(4, "2025-05-10T00:00:00Z")],
      ledger,
      { maxNewPerRun: 2 },
      NOW,
    );
    expect(turns.now.map((c) => c.deviceId)).to.deep.equal(["d3", "d4"]);
    expect(turns.later.map((w) => [w.deviceId, w.since])).to.deep.equal([
      ["d2", "2025-05-20T00:00:00.000Z"],
      ["d1", NOW.toISOString()],
    ]);
  });

  it("records a device as waiting once, keeping the request before it to refer to", () => {
    const later: WaitingDevice[] = [
      { tenantId: TENANT, deviceId: "d1", name: "PC-1", since: "2025-05-20T00:00:00.000Z" },
      { tenantId: TENANT, deviceId: "d2", name: "PC-2", since: "2025-05-21T00:00:00.000Z" },
    ];
    const ledger = byKey(
      entry("d1", { state: "waiting", updatedAt: "2025-05-20T00:00:00.000Z" }),
      entry("d2", { state: "resolved", requestId: "req-9" }),
    );
    expect(waitingEntries(ACCOUNT, later, ledger)).to.deep.equal([
      entry("d2", { state: "waiting", previousRequestId: "req-9", updatedAt: "2025-05-21T00:00:00.000Z" }),
    ]);
  });

  it("cuts the planned creates to the limit, a create retried after a crash first", () => {
    const create = (i: number, findExistingFirst = false) =>
      ({
        tenantId: TENANT,
        deviceId: `d${i}`,
        kind: "create",
        findExistingFirst,
        entry: entry(`d${i}`, { state: "pending" }),
        request: {},
      }) as unknown as AlertAction;
    const note = { tenantId: TENANT, deviceId: "d9", kind: "addNote" } as unknown as AlertAction;
    const q = queueCreates(
      [create(1), note, create(2), create(3, true)],
      new Map(),
      new Map(),
      { maxNewPerRun: 1 },
      NOW,
    );
    expect(q.actions.map((a) => `${a.kind}:${a.deviceId}`)).to.deep.equal(["addNote:d9", "create:d3"]);
    expect(q.waiting.map((w) => w.deviceId)).to.deep.equal(["d1", "d2"]);
    expect(q.newlyWaiting.map((e) => [e.deviceId, e.state])).to.deep.equal([
      ["d1", "waiting"],
      ["d2", "waiting"],
    ]);
  });

  describe("the one summary request", () => {
    const waiting = (n: number): WaitingDevice[] =>
      Array.from({ length: n }, (_, i) => ({
        tenantId: TENANT,
        deviceId: `d${i}`,
        name: `PC-${i}`,
        since: "2025-05-20T00:00:00.000Z",
      }));
    const base = { account: ACCOUNT, closedInFourMe: false, settings: SETTINGS, now: NOW };

    it("is created when devices start waiting, listing them, with our source and its own sourceID", () => {
      const a = planSummary({ ...base, waiting: waiting(150) });
      expect(a?.kind).to.equal("create");
      if (a?.kind !== "create") return;
      expect(a.request.source).to.equal("Intune");
      expect(a.request.sourceID).to.equal(SUMMARY_SOURCE_ID);
      expect(a.request.subject).to.equal("Intune compliance: 150 devices wait for their own request");
      expect(a.request.serviceInstanceId).to.equal("si-default");
      expect(a.request.note).to.include("- PC-0 (failing since 2025-05-20)");
      expect(a.request.note).to.include("… and 50 more");
      expect(a.entry).to.include({ ...SUMMARY_KEY, state: "pending" });
      expect(a.findExistingFirst).to.equal(false);
    });

    it("gets a note only when the list changes, and is completed when none is left", () => {
      const created = planSummary({ ...base, waiting: waiting(3) });
      const open = { ...created!.entry, state: "open" as const, requestId: "req-S" };
      expect(planSummary({ ...base, waiting: waiting(3), entry: open })).to.equal(undefined);
      const noted = planSummary({ ...base, waiting: waiting(2), entry: open });
      expect(noted?.kind).to.equal("addNote");
      expect(noted?.kind === "addNote" && noted.note).to.match(/^2 devices fail a compliance policy/);
      const done = planSummary({ ...base, waiting: [], entry: open });
      expect(done?.kind).to.equal("resolve");
      expect(done?.entry.state).to.equal("resolved");
      expect(planSummary({ ...base, waiting: [], entry: done!.entry })).to.equal(undefined);
    });

    it("looks for a create that may have reached 4me before a crash, and starts anew when a person closed it", () => {
      const pending = planSummary({ ...base, waiting: waiting(3) })!.entry;
      const retried = planSummary({ ...base, waiting: waiting(3), entry: pending });
      expect(retried?.kind === "create" && retried.findExistingFirst).to.equal(true);
      const open = { ...pending, state: "open" as const, requestId: "req-S" };
      const anew = planSummary({ ...base, waiting: waiting(3), entry: open, closedInFourMe: true });
      expect(anew?.kind).to.equal("create");
      expect(anew?.entry.previousRequestId).to.equal("req-S");
    });
  });
});
