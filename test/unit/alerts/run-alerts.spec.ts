// runAlerts against a real (in-memory SQLite) store and an in-memory 4me: the orchestration branches the sandbox
// cannot reach on purpose (a 4me write failing half-way, a pending entry left by a crash) and what it reads per pass.
import { expect } from "chai";
import { runAlerts, type RunAlertsDeps } from "../../../src/alerts/run-alerts.js";
import { alertSourceId } from "../../../src/alerts/plan-alerts.js";
import type { CustomerApi } from "../../../src/fourme/customer-api.js";
import type { Ci, Request, RequestCreate } from "../../../src/fourme/types.js";
import type { IntuneClient } from "../../../src/intune/intune-client.js";
import type { DeviceCompliance } from "../../../src/intune/types.js";
import { silentLogger } from "../../../src/logger.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import type { AlertEntry, InstanceStore } from "../../../src/store/types.js";
import { DEFAULT_FILTERS } from "../../../src/sync/filters.js";
import { MemoryCiStore } from "../../../src/sync/ci-store.js";
import type { FleetDevice } from "../../../src/sync/fleet-device.js";
import type { FleetRead } from "../../../src/sync/read-fleet.js";
import { bitLocker, firewallAntivirus, NOW, SETTINGS, TENANT } from "./fixtures.js";

const ACCOUNT = "widget";
const DEVICE = "dev-1";
const SOURCE_ID = alertSourceId(TENANT, DEVICE);

type Call = { op: string; arg?: unknown };

/** The part of 4me the alerts use, in memory, with one-shot failures and a log of calls. */
class FakeFourMe {
  requests: (Request & { notes: string[] })[] = [];
  calls: Call[] = [];
  failNext = new Set<string>();
  /** What 4me answers when asked how many of our active CIs have no service instance. */
  unlinkedCis = 0;
  private n = 0;

  private call(op: string, arg?: unknown) {
    this.calls.push({ op, arg });
    if (this.failNext.delete(op)) throw new Error(`${op} answered 502`);
  }
  writes = () => this.calls.filter((c) => ["createRequest", "addNote", "completeRequest"].includes(c.op)).length;

  /** What budgetNearlySpent says (undefined: plenty left). */
  budget: string | undefined = undefined;

  api(): CustomerApi {
    const api = {
      budgetNearlySpent: () => this.budget,
      countCisWithoutServiceInstance: async (): Promise<number> => {
        this.call("countCisWithoutServiceInstance");
        return this.unlinkedCis;
      },
      findCisByIds: async (ids: string[]): Promise<Ci[]> => {
        this.call("findCisByIds", ids);
        return ids.map((id) => ({ id, name: `CI ${id}`, serviceInstanceIds: [] }) as unknown as Ci);
      },
      findPeopleByEmails: async (emails: string[]) => {
        this.call("findPeopleByEmails", [...emails]);
        return new Map([...emails].map((e) => [e, `person-${e}`]));
      },
      findRequestsBySource: async (sourceIDs: string[]) => {
        this.call("findRequestsBySource", sourceIDs);
        return this.requests.filter((r) => sourceIDs.includes(r.sourceID ?? ""));
      },
      findOpenRequestsBySource: async (sourceIDs: string[]) => {
        this.call("findOpenRequestsBySource", sourceIDs);
        return this.requests.filter((r) => sourceIDs.includes(r.sourceID ?? "") && r.status !== "completed");
      },
      createRequest: async (input: Omit<RequestCreate, "source">) => {
        this.call("createRequest", input);
        const r = {
          id: `req-${++this.n}`,
          requestId: String(70000 + this.n),
          status: "assigned" as const,
          sourceID: input.sourceID,
          createdAt: new Date(Date.UTC(2025, 5, 2, 0, this.n)).toISOString(),
          ciIds: input.configurationItemIds ?? [],
          notes: input.note ? [input.note] : [],
        };
        this.requests.push(r);
        return r;
      },
      addNote: async (id: string, text: string) => {
        this.call("addNote", id);
        this.byId(id).notes.push(text);
        return { id: `note-${this.n}` };
      },
      completeRequest: async (id: string, note: string) => {
        this.call("completeRequest", id);
        const r = this.byId(id);
        r.notes.push(note);
        r.status = "completed";
        return r;
      },
    };
    return api as unknown as CustomerApi;
  }
  private byId(id: string) {
    const r = this.requests.find((x) => x.id === id);
    if (!r) throw new Error(`no request ${id}`);
    return r;
  }
}

function mapped(deviceId: string, row: number): FleetDevice {
  return {
    tenantId: TENANT,
    deviceId,
    deviceClass: { platform: "windows", ownership: "company", userState: "user" },
    name: `LAPTOP-${deviceId}`,
    sourceID: deviceId,
    lastSeenAt: "2025-06-02T06:41:09Z",
    product: {} as FleetDevice["product"],
    primaryUser: { email: `user.${deviceId}@contoso.com` },
    compliance: "Compliant",
    fingerprint: "",
    row,
  };
}

describe("runAlerts", () => {
  let store: InstanceStore;
  let fourme: FakeFourMe;
  /** What Intune says, by device: a state and its failing policies. */
  let intune: Map<string, DeviceCompliance>;
  let unlinkedWrites: number[];

  const fleet = (deviceIds: string[]): FleetRead => ({
    mapped: deviceIds.map(mapped),
    cis: new MemoryCiStore(),
    unmapped: [],
    completeTenantIds: [TENANT],
    scanComplete: true,
    breakdown: { v: 1, total: deviceIds.length, rows: [] },
    troubled: deviceIds
      .filter((id) => intune.get(id) && intune.get(id)!.state !== "compliant")
      .map((id) => ({
        tenantId: TENANT,
        id,
        deviceName: `LAPTOP-${id}`,
        complianceState: intune.get(id)!.state as never,
        lastSyncDateTime: "2025-06-02T06:41:09Z",
        complianceGracePeriodExpirationDateTime: "9999-12-31T23:59:59Z",
      })),
    counts: {},
    errors: [],
    refused: [],
  });
  const intuneClient = (): IntuneClient =>
    ({
      readCompliance: async (devices: { id: string }[]) =>
        devices.map((d) => intune.get(d.id)).filter((c): c is DeviceCompliance => c !== undefined),
    }) as unknown as IntuneClient;
  const deps = (over: Partial<RunAlertsDeps> = {}): RunAlertsDeps => ({
    store,
    intuneClient,
    logger: silentLogger,
    now: () => NOW,
    settings: SETTINGS,
    filters: { ...DEFAULT_FILTERS, active: true, windows: true },
    microsoft: {},
    writeUnlinkedCis: async (n) => void unlinkedWrites.push(n),
    ...over,
  });
  const pass = (deviceIds = [DEVICE], over: Partial<RunAlertsDeps> = {}) =>
    runAlerts(ACCOUNT, fleet(deviceIds), fourme.api(), deps(over));
  const run = async (deviceIds = [DEVICE], over: Partial<RunAlertsDeps> = {}) => (await pass(deviceIds, over)).counts;
  const alertOf = async (deviceId = DEVICE) => (await store.getAlerts(ACCOUNT)).find((a) => a.deviceId === deviceId);
  const failing = (deviceId: string, policies = [firewallAntivirus]) =>
    intune.set(deviceId, { tenantId: TENANT, deviceId, state: "noncompliant", policies });
  const compliant = (deviceId: string) =>
    intune.set(deviceId, { tenantId: TENANT, deviceId, state: "compliant", policies: [] });

  async function imported(deviceIds: string[]) {
    await store.putLedger(
      deviceIds.map((deviceId) => ({
        account: ACCOUNT,
        tenantId: TENANT,
        deviceId,
        ciId: `ci-${deviceId}`,
        lastSeenAt: NOW.toISOString(),
        retired: false,
      })),
    );
  }

  beforeEach(async () => {
    store = new SqliteStore({ path: ":memory:", keys: { current: { id: "t", key: Buffer.alloc(32) }, previous: [] } });
    await store.migrate();
    await store.upsertInstance({ account: ACCOUNT, offeringReference: "microsoft_intune" });
    await store.upsertTenant({
      account: ACCOUNT,
      slot: 1,
      domain: "contoso.com",
      cloud: "global",
      tenantId: TENANT,
      status: "connected",
    });
    await imported([DEVICE]);
    fourme = new FakeFourMe();
    intune = new Map();
    unlinkedWrites = [];
  });
  afterEach(async () => store.close());

  it("counts a failed request create as alerts_failed, keeps it pending, and creates it once on the next run", async () => {
    failing(DEVICE);
    fourme.failNext.add("createRequest");
    const { counts: first, errors } = await pass();
    expect(first["alerts_failed"]).to.equal(1);
    // The administrator reads why, not only how many.
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(new RegExp(`^alerts: create for device ${DEVICE}: .+ \\(tried again next run\\)$`));
    expect(first["alerts_created"] ?? 0).to.equal(0);
    expect((await alertOf())?.state).to.equal("pending");
    expect(fourme.requests).to.have.length(0);

    const second = await run();
    expect(second["alerts_created"]).to.equal(1);
    expect(second["alerts_failed"] ?? 0).to.equal(0);
    const create = fourme.calls.find((c) => c.op === "createRequest")!;
    expect(create.arg).to.include({ requestedForId: `person-user.${DEVICE}@contoso.com` });
    // The pending entry is looked up by source/sourceID before creating: the first create may have reached 4me.
    expect(fourme.calls.filter((c) => c.op === "findOpenRequestsBySource").map((c) => c.arg)).to.deep.equal([
      [SOURCE_ID],
    ]);
    expect(fourme.requests).to.have.length(1);
    expect(await alertOf()).to.include({ state: "open", requestId: fourme.requests[0]!.id });
  });

  it("counts a failed note as alerts_failed and adds exactly that note on the next run", async () => {
    failing(DEVICE);
    await run();
    failing(DEVICE, [bitLocker]);
    fourme.failNext.add("addNote");
    const failed = await run();
    expect(failed["alerts_failed"]).to.equal(1);
    expect(fourme.requests[0]!.notes).to.have.length(1);

    const retried = await run();
    expect(retried["alerts_noted"]).to.equal(1);
    expect(fourme.requests[0]!.notes).to.have.length(2);
    expect(fourme.requests[0]!.notes[1]).to.contain("BitLocker");
    const again = await run();
    expect(again["alerts_noted"] ?? 0).to.equal(0);
    expect(fourme.requests[0]!.notes).to.have.length(2);
  });

  it("counts a failed completion as alerts_failed, leaves the alert open, and completes it on the next run", async () => {
    failing(DEVICE);
    await run();
    compliant(DEVICE);
    fourme.failNext.add("completeRequest");
    const failed = await run();
    expect(failed["alerts_failed"]).to.equal(1);
    expect((await alertOf())?.state).to.equal("open");
    expect(fourme.requests[0]!.status).to.equal("assigned");

    const retried = await run();
    expect(retried["alerts_resolved"]).to.equal(1);
    expect((await alertOf())?.state).to.equal("resolved");
    expect(fourme.requests[0]!.status).to.equal("completed");
  });

  it("settles a pending entry of a compliant device as open when the request reached 4me, then resolves it", async () => {
    failing(DEVICE);
    fourme.failNext.add("createRequest");
    await run();
    // The create did reach 4me before the crash, but the ledger never heard of it.
    await fourme.api().createRequest({ subject: "x", category: "incident", sourceID: SOURCE_ID, note: "first" });
    fourme.calls = [];
    compliant(DEVICE);

    const settled = await run();
    expect(settled["alerts_recovered"]).to.equal(1);
    expect(await alertOf()).to.include({ state: "open", requestId: fourme.requests[0]!.id });
    expect(fourme.writes()).to.equal(0);
    const next = await run();
    expect(next["alerts_resolved"]).to.equal(1);
    expect(fourme.requests[0]!.status).to.equal("completed");
  });

  it("settles a pending entry of a compliant device as resolved when no request reached 4me, writing nothing", async () => {
    failing(DEVICE);
    fourme.failNext.add("createRequest");
    await run();
    compliant(DEVICE);
    fourme.calls = [];

    const settled = await run();
    expect(settled["alerts_settled"]).to.equal(1);
    expect((await alertOf())?.state).to.equal("resolved");
    expect(fourme.writes()).to.equal(0);
    expect(fourme.requests).to.have.length(0);
    const next = await run();
    expect(Object.keys(next).filter((k) => !k.startsWith("alerts_unchanged"))).to.deep.equal([]);
  });

  it("reads only the requests of open alerts, however many were resolved before", async () => {
    const many = Array.from({ length: 40 }, (_, i) => `dev-${i + 2}`);
    await imported(many);
    const history: AlertEntry[] = many.map((deviceId, i) => ({
      account: ACCOUNT,
      tenantId: TENANT,
      deviceId,
      requestId: `old-${i}`,
      state: i % 2 ? "resolved" : "closed_by_person",
      detailHash: "compliant",
      detail: "[]",
      updatedAt: NOW.toISOString(),
    }));
    for (const e of history) await store.putAlert(e);
    for (const id of many) compliant(id);
    failing(DEVICE);
    await run([DEVICE, ...many]);
    fourme.calls = [];

    const counts = await run([DEVICE, ...many]);
    expect(counts["alerts_unchanged"]).to.equal(1);
    const reads = fourme.calls.filter((c) => c.op === "findRequestsBySource").map((c) => c.arg);
    expect(reads).to.deep.equal([[SOURCE_ID]]);
    // People are looked up only for new requests.
    expect(fourme.calls.filter((c) => c.op === "findPeopleByEmails")).to.deep.equal([]);
    expect(fourme.writes()).to.equal(0);
  });

  it("reads the previous request of a device failing again, once, to refer to it by number", async () => {
    failing(DEVICE);
    await run();
    compliant(DEVICE);
    await run();
    const previous = fourme.requests[0]!;
    failing(DEVICE, [bitLocker]);
    fourme.calls = [];

    const counts = await run();
    expect(counts["alerts_created"]).to.equal(1);
    // No open alert: the only read is the previous request, for its number.
    expect(fourme.calls.filter((c) => c.op === "findRequestsBySource").map((c) => c.arg)).to.deep.equal([[SOURCE_ID]]);
    expect(fourme.requests[1]!.notes[0]).to.contain(`see request #${previous.requestId}`);
  });

  it("names a device removed from Intune in the note on its request, reading its CI once", async () => {
    failing(DEVICE);
    await run();
    fourme.calls = [];
    const removed = await run([]);
    expect(removed["alerts_gone_noted"]).to.equal(1);
    expect(fourme.calls.filter((c) => c.op === "findCisByIds").map((c) => c.arg)).to.deep.equal([[`ci-${DEVICE}`]]);
    expect(fourme.requests[0]!.notes.at(-1)).to.contain(`CI ci-${DEVICE} is no longer in Intune`);
    expect(fourme.requests[0]!.status).to.equal("assigned");

    fourme.calls = [];
    const later = await run([]);
    expect(later["alerts_gone_noted"] ?? 0).to.equal(0);
    expect(
      fourme.calls.filter((c) => c.op !== "findRequestsBySource" && c.op !== "countCisWithoutServiceInstance"),
    ).to.deep.equal([]);
  });

  it("goes on when the unlinked CI count cannot be written", async () => {
    failing(DEVICE);
    const counts = await run([DEVICE], {
      writeUnlinkedCis: async () => {
        throw new Error("provider token refused");
      },
    });
    expect(counts["alerts_created"]).to.equal(1);
  });

  it("writes the count of our CIs without a service instance as 4me counts it, in one request", async () => {
    await imported(["dev-2", "dev-3"]);
    fourme.unlinkedCis = 3;
    await run([DEVICE, "dev-2", "dev-3"]);
    expect(unlinkedWrites).to.deep.equal([3]);
    // No device alerts, so no CI is read: the count is one request whatever the fleet size.
    expect(fourme.calls.map((c) => c.op)).to.deep.equal(["countCisWithoutServiceInstance"]);

    fourme.unlinkedCis = 2;
    fourme.failNext.add("countCisWithoutServiceInstance");
    await run([DEVICE, "dev-2", "dev-3"]);
    await run([DEVICE, "dev-2", "dev-3"]);
    expect(unlinkedWrites, "nothing is written when the count fails").to.deep.equal([3, 2]);
  });

  it("reads the service instance of the CIs that get a new request only", async () => {
    await imported(["dev-2", "dev-3"]);
    failing("dev-2");
    await run([DEVICE, "dev-2", "dev-3"]);
    expect(fourme.calls.filter((c) => c.op === "findCisByIds").map((c) => c.arg)).to.deep.equal([["ci-dev-2"]]);
    expect(fourme.writes()).to.equal(1);
  });
});
