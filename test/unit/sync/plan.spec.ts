import { expect } from "chai";
import type { IntuneDevice } from "../../../src/intune/types.js";
import type { LedgerEntry } from "../../../src/store/types.js";
import { DEFAULT_FILTERS, type ImportFilters } from "../../../src/sync/filters.js";
import { mapDevice, type MappedCi } from "../../../src/sync/map-device.js";
import {
  BULK_LIMIT,
  chunk,
  planSync,
  planUserChange,
  removedTenantIds,
  userWriteMode,
  type PlanSyncInput,
  type SyncPlan,
} from "../../../src/sync/plan.js";
import {
  ADMIN_CENTER,
  androidWorkProfile,
  device,
  deviceId,
  EXAMPLE_FLEET,
  iphone,
  NOW,
  TENANT,
  TENANT_2,
  userDeleted,
  windowsLaptop,
} from "./fixtures.js";

const ALL: ImportFilters = { ...DEFAULT_FILTERS, active: true, windows: true, android: true, ios: true, macos: true };

function map(d: IntuneDevice): MappedCi {
  const r = mapDevice(d, { adminCenterUrl: ADMIN_CENTER, now: NOW, qualifySourceId: false, ciStatus: "in_production" });
  if (!r.ok) throw new Error(r.reason);
  return r.ci;
}

/** n ordinary laptops with distinct ids and serials. */
function fleet(n: number, from = 0): MappedCi[] {
  return Array.from({ length: n }, (_, i) =>
    map(device({ id: deviceId(from + i), serialNumber: `SN${from + i}X`, deviceName: `LT-${from + i}` })),
  );
}

function plan(over: Partial<PlanSyncInput> & Pick<PlanSyncInput, "devices">): SyncPlan {
  return planSync({
    ledger: [],
    filters: ALL,
    scanComplete: true,
    now: NOW,
    retireStatus: "removed",
    excludedAction: "leave",
    ...over,
  });
}

/** What the orchestration stores after writing a plan successfully (CI ids made up from device ids). */
function written(p: SyncPlan, previous: readonly LedgerEntry[] = []): LedgerEntry[] {
  const byKey = new Map(previous.map((e) => [`${e.tenantId}/${e.deviceId}`, e]));
  for (const w of p.toWrite) {
    byKey.set(`${w.ci.tenantId}/${w.ci.deviceId}`, {
      account: "widget",
      tenantId: w.ci.tenantId,
      deviceId: w.ci.deviceId,
      ciId: w.ledger?.ciId ?? `ci-${w.ci.deviceId}`,
      fingerprint: w.fingerprint,
      lastSeenAt: NOW.toISOString(),
      retired: false,
    });
  }
  for (const r of p.toRetire)
    byKey.set(`${r.ledgerEntry.tenantId}/${r.ledgerEntry.deviceId}`, { ...r.ledgerEntry, retired: true });
  for (const s of p.superseded) byKey.set(`${s.tenantId}/${s.deviceId}`, s);
  return [...byKey.values()];
}

describe("planSync", () => {
  it("writes every in-scope device on the first run, in bulk calls of at most 100", () => {
    const devices = fleet(250);
    const p = plan({ devices });
    expect(p.toWrite).to.have.length(250);
    expect(p.toWrite.every((w) => w.reason === "new")).to.equal(true);
    expect(p.batches.map((b) => b.length)).to.deep.equal([100, 100, 50]);
    expect(p.batches.flat()).to.deep.equal(p.toWrite);
    expect(p.counts).to.deep.include({ seen: 250, in_scope: 250, to_create: 250, unchanged: 0 });
  });

  it("writes nothing on a second run when nothing changed in Intune, even days later", () => {
    const devices = fleet(250);
    const ledger = written(plan({ devices }));
    const again = plan({ devices: fleet(250), ledger, now: new Date(NOW.getTime() + 5 * 86_400_000) });
    expect(again.toWrite).to.deep.equal([]);
    expect(again.batches).to.deep.equal([]);
    expect(again.toRetire).to.deep.equal([]);
    expect(again.unchanged).to.equal(250);
    expect(again.counts).to.deep.include({ unchanged: 250 });
  });

  it("writes only the k changed devices, in ⌈k/100⌉ bulk calls", () => {
    const ledger = written(plan({ devices: fleet(300) }));
    const devices = fleet(300).map((ci, i) => (i < 150 ? { ...ci, name: `${ci.name}-renamed` } : ci));
    const p = plan({ devices, ledger });
    expect(p.toWrite).to.have.length(150);
    expect(p.toWrite.every((w) => w.reason === "changed" && w.ledger?.ciId === `ci-${w.ci.deviceId}`)).to.equal(true);
    expect(p.batches).to.have.length(2);
    expect(p.unchanged).to.equal(150);
    expect(p.counts).to.deep.include({ to_update: 150 });
  });

  it("honours a smaller chunk size", () => {
    expect(plan({ devices: fleet(5), chunkSize: 2 }).batches.map((b) => b.length)).to.deep.equal([2, 2, 1]);
  });

  describe("retirement", () => {
    const first = () => written(plan({ devices: fleet(3) }));

    it("retires a device gone from Intune in a complete scan, with a remark saying when and why", () => {
      const p = plan({ devices: fleet(2), ledger: first() });
      expect(p.toRetire).to.have.length(1);
      const r = p.toRetire[0];
      expect(r.ledgerEntry.deviceId).to.equal(deviceId(2));
      expect(r.status).to.equal("removed");
      expect(r.why).to.equal("gone");
      expect(r.remark).to.include("2025-06-02 08:00 UTC");
      expect(r.remark).to.include(deviceId(2));
      expect(r.remark).to.include("no longer in Intune");
      expect(p.counts).to.deep.include({ to_retire: 1 });
    });

    it("uses the configured retirement status, and retires nothing when set to leave", () => {
      expect(plan({ devices: fleet(2), ledger: first(), retireStatus: "archived" }).toRetire[0].status).to.equal(
        "archived",
      );
      expect(plan({ devices: fleet(2), ledger: first(), retireStatus: "leave" }).toRetire).to.deep.equal([]);
    });

    it("never retires anything after an incomplete scan", () => {
      expect(plan({ devices: [], ledger: first(), scanComplete: false }).toRetire).to.deep.equal([]);
    });

    it("retires only devices of tenants whose scan completed", () => {
      const other = map(device({ tenantId: TENANT_2, id: deviceId(90), serialNumber: "T2SERIAL" }));
      const ledger = written(plan({ devices: [...fleet(1), other] }));
      const p = plan({ devices: [], ledger, completeTenantIds: [TENANT] });
      expect(p.toRetire.map((r) => r.ledgerEntry.tenantId)).to.deep.equal([TENANT]);
    });

    it("does not retire a CI twice", () => {
      const ledger = written(plan({ devices: fleet(2), ledger: first() }), first());
      expect(plan({ devices: fleet(2), ledger }).toRetire).to.deep.equal([]);
    });

    it("reactivates a device that comes back", () => {
      const afterRemoval = written(plan({ devices: fleet(2), ledger: first() }), first());
      const p = plan({ devices: fleet(3), ledger: afterRemoval });
      expect(p.toWrite.map((w) => [w.ci.deviceId, w.reason])).to.deep.equal([[deviceId(2), "reactivated"]]);
      expect(p.toReactivate).to.deep.equal(p.toWrite);
      expect(p.toWrite[0].ci.status).to.equal("in_production");
      expect(p.toWrite[0].ledger?.ciId).to.equal(`ci-${deviceId(2)}`);
      expect(p.counts).to.deep.include({ to_reactivate: 1 });
    });

    it("never retires a device that is still in Intune but could not be mapped", () => {
      const ledger = first();
      const p = plan({
        devices: fleet(2),
        ledger,
        unmapped: [{ tenantId: TENANT, deviceId: deviceId(2), reason: "x" }],
      });
      expect(p.toRetire).to.deep.equal([]);
      expect(p.skipped).to.deep.equal([{ tenantId: TENANT, deviceId: deviceId(2), reason: "x" }]);
      expect(p.counts).to.deep.include({ seen: 3, "skipped:x": 1 });
    });
  });

  describe("filters", () => {
    const all = EXAMPLE_FLEET.map(map);

    it("imports nothing, and retires nothing, until the import is activated", () => {
      const ledger = written(plan({ devices: all }));
      const p = plan({ devices: all, ledger, filters: { ...ALL, active: false }, excludedAction: "retire" });
      expect(p.toWrite).to.deep.equal([]);
      expect(p.toRetire).to.deep.equal([]);
      expect(p.counts).to.deep.include({ seen: all.length, "excluded:inactive": all.length });
    });

    it("counts exclusions by reason", () => {
      const p = plan({ devices: all, filters: { ...ALL, android: false } });
      // userDeleted is excluded by default; the personal Android phone by its platform switch.
      expect(p.excluded.map((e) => e.reason).sort()).to.deep.equal(["platform", "user_deleted"]);
      expect(p.counts).to.deep.include({
        "excluded:platform": 1,
        "excluded:user_deleted": 1,
        in_scope: all.length - 2,
      });
      expect(p.toWrite.map((w) => w.ci.deviceId)).to.not.include(androidWorkProfile.id);
      expect(p.toWrite.map((w) => w.ci.deviceId)).to.not.include(userDeleted.id);
    });

    it("leaves an imported device that a filter change excludes alone by default", () => {
      const ledger = written(plan({ devices: all }));
      const p = plan({ devices: all, ledger, filters: { ...ALL, ios: false } });
      expect(p.toRetire).to.deep.equal([]);
      expect(p.toWrite).to.deep.equal([]);
    });

    it("retires an imported device that a filter change excludes when the form says so", () => {
      const ledger = written(plan({ devices: all }));
      const p = plan({ devices: all, ledger, filters: { ...ALL, ios: false }, excludedAction: "retire" });
      expect(p.toRetire.map((r) => [r.ledgerEntry.deviceId, r.why, r.status])).to.deep.equal([
        [iphone.id, "platform", "removed"],
      ]);
      expect(p.toRetire[0].remark).to.include("its platform is not imported");
      const evenWhenGoneAreLeft = plan({
        devices: all,
        ledger,
        filters: { ...ALL, ios: false },
        excludedAction: "retire",
        retireStatus: "leave",
      });
      expect(evenWhenGoneAreLeft.toRetire.map((r) => r.status)).to.deep.equal(["removed"]);
    });

    it("retires an excluded device even after an incomplete scan, since it was seen", () => {
      const ledger = written(plan({ devices: all }));
      const p = plan({
        devices: all,
        ledger,
        filters: { ...ALL, ios: false },
        excludedAction: "retire",
        scanComplete: false,
      });
      expect(p.toRetire).to.have.length(1);
    });
  });

  describe("a tenant removed from the form", () => {
    const ofTenant2 = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...fleet(1, 100 + i)[0]!, tenantId: TENANT_2 }));
    const ledger = () => written(plan({ devices: [...fleet(2), ...ofTenant2(2)] }));

    it("names only tenants that imported devices and are no longer in the form, and none while a tenant in the form has no known id", () => {
      expect(removedTenantIds(ledger(), [{ tenantId: TENANT }])).to.deep.equal([TENANT_2]);
      expect(removedTenantIds(ledger(), [{ tenantId: TENANT }, { tenantId: TENANT_2 }])).to.deep.equal([]);
      // A domain in the form that no longer resolves might be the other tenant: nothing counts as removed.
      expect(removedTenantIds(ledger(), [{ tenantId: TENANT }, { tenantId: undefined }])).to.deep.equal([]);
    });

    it("leaves its devices' CIs alone by default, and never takes them for devices gone from Intune", () => {
      const p = plan({
        devices: fleet(2),
        ledger: ledger(),
        completeTenantIds: [TENANT],
        removedTenantIds: [TENANT_2],
        retireStatus: "archived",
      });
      expect(p.toRetire).to.deep.equal([]);
      // Without completeTenantIds a complete scan may retire any tenant's missing devices: still not these.
      expect(plan({ devices: fleet(2), ledger: ledger(), removedTenantIds: [TENANT_2] }).toRetire).to.deep.equal([]);
    });

    it("retires its devices' CIs when the form says to retire what is left out, with a remark naming the tenant", () => {
      const p = plan({
        devices: fleet(2),
        ledger: ledger(),
        completeTenantIds: [TENANT],
        removedTenantIds: [TENANT_2],
        excludedAction: "retire",
        retireStatus: "leave",
      });
      expect(p.toRetire.map((r) => [r.ledgerEntry.tenantId, r.why, r.status])).to.deep.equal([
        [TENANT_2, "tenant_removed", "removed"],
        [TENANT_2, "tenant_removed", "removed"],
      ]);
      expect(p.toRetire[0]!.remark).to.include(`Intune tenant ${TENANT_2}`);
      expect(p.toRetire[0]!.remark).to.include("removed from the connector's configuration");
      expect(p.counts).to.deep.include({ to_retire: 2 });
    });
  });

  describe("duplicate serials", () => {
    const original = map(device({ id: deviceId(1), serialNumber: "DUP1", lastSyncDateTime: "2025-01-10T00:00:00Z" }));
    const reEnrolled = map(device({ id: deviceId(2), serialNumber: "DUP1", lastSyncDateTime: "2025-06-01T00:00:00Z" }));

    it("writes the most recently synced record and reports the other as a duplicate", () => {
      const p = plan({ devices: [original, reEnrolled] });
      expect(p.toWrite.map((w) => w.ci.deviceId)).to.deep.equal([deviceId(2)]);
      expect(p.skipped).to.deep.equal([
        { tenantId: TENANT, deviceId: deviceId(1), reason: "duplicate_serial", detail: deviceId(2) },
      ]);
      expect(p.counts).to.deep.include({ "skipped:duplicate_serial": 1 });
    });

    it("keeps the record already linked to a CI when both synced at the same time", () => {
      const a = map(device({ id: deviceId(3), serialNumber: "DUP2", lastSyncDateTime: "2025-06-01T00:00:00Z" }));
      const b = map(device({ id: deviceId(4), serialNumber: "DUP2", lastSyncDateTime: "2025-06-01T00:00:00Z" }));
      const ledger = written(plan({ devices: [b] }));
      const p = plan({ devices: [a, b], ledger });
      expect(p.skipped.map((s) => s.deviceId)).to.deep.equal([deviceId(3)]);
      expect(p.unchanged).to.equal(1);
    });

    it("does not retire the duplicate while it is still in Intune", () => {
      const ledger = written(plan({ devices: [original] }));
      const p = plan({ devices: [original, reEnrolled], ledger });
      expect(p.toRetire).to.deep.equal([]);
      expect(p.toWrite.map((w) => [w.ci.deviceId, w.reason])).to.deep.equal([[deviceId(2), "new"]]);
    });

    it("does not retire the CI the new record took over when the old record leaves Intune", () => {
      // Run 1: the original alone. Run 2: both; the new record takes the original's CI over by serial.
      const run1 = written(plan({ devices: [original] }));
      const run2plan = plan({ devices: [original, reEnrolled], ledger: run1 });
      const run2 = written(run2plan, run1).map((e) =>
        e.deviceId === deviceId(2) ? { ...e, ciId: `ci-${deviceId(1)}` } : e,
      );
      // Run 3: the original is gone.
      const p = plan({ devices: [reEnrolled], ledger: run2 });
      expect(p.toRetire).to.deep.equal([]);
      expect(p.superseded).to.deep.equal([{ ...run1[0], ciId: undefined, retired: true }]);
      expect(p.counts).to.deep.include({ superseded: 1 });
    });
  });

  it("treats a ledger entry without a CI (a write that never completed) as new", () => {
    const ledger: LedgerEntry[] = [
      {
        account: "widget",
        tenantId: TENANT,
        deviceId: windowsLaptop.id,
        lastSeenAt: NOW.toISOString(),
        retired: false,
      },
    ];
    const p = plan({ devices: [map(windowsLaptop)], ledger });
    expect(p.toWrite.map((w) => w.reason)).to.deep.equal(["new"]);
    expect(p.toWrite[0].ledger).to.equal(ledger[0]);
  });

  it("lists unchanged devices whose user is not linked yet for a user lookup, without writing them", () => {
    const devices = [map(windowsLaptop), map(userDeleted)];
    const ledger = written(plan({ devices, filters: { ...ALL, userDeleted: true } }));
    const p = plan({ devices, ledger, filters: { ...ALL, userDeleted: true } });
    expect(p.toWrite).to.deep.equal([]);
    expect(p.userRetry.map((w) => [w.ci.deviceId, w.reason])).to.deep.equal([[windowsLaptop.id, "user"]]);
    const linked = ledger.map((e) => ({ ...e, userId: "person-1" }));
    expect(plan({ devices, ledger: linked, filters: { ...ALL, userDeleted: true } }).userRetry).to.deep.equal([]);
  });
});

describe("chunk", () => {
  it("splits into consecutive chunks of at most the size", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).to.deep.equal([]);
    expect(chunk(Array.from({ length: 201 }, (_, i) => i)).map((c) => c.length)).to.deep.equal([100, 100, 1]);
    expect(BULK_LIMIT).to.equal(100);
  });

  it("rejects a size that is not a positive integer", () => {
    expect(() => chunk([1], 0)).to.throw(RangeError);
    expect(() => chunk([1], 1.5)).to.throw(RangeError);
  });
});

describe("planUserChange", () => {
  it("replaces only the user the connector set and keeps users others added", () => {
    expect(planUserChange(["ours", "theirs"], "ours", "new")).to.deep.equal({
      userIds: ["theirs", "new"],
      changed: true,
      ledgerUserId: "new",
    });
  });

  it("adds the user when the connector had set none", () => {
    expect(planUserChange(["theirs"], undefined, "new")).to.deep.equal({
      userIds: ["theirs", "new"],
      changed: true,
      ledgerUserId: "new",
    });
  });

  it("removes only our user when the device has no user any more", () => {
    expect(planUserChange(["ours", "theirs"], "ours", undefined)).to.deep.equal({ userIds: ["theirs"], changed: true });
    expect(planUserChange(["ours", "theirs"], "ours", undefined).ledgerUserId).to.equal(undefined);
  });

  it("changes nothing when the user is unchanged or already there", () => {
    expect(planUserChange(["ours", "theirs"], "ours", "ours")).to.deep.equal({
      userIds: ["ours", "theirs"],
      changed: false,
      ledgerUserId: "ours",
    });
    expect(planUserChange(["new"], undefined, "new").changed).to.equal(false);
  });

  it("says how a write can carry the user change", () => {
    expect(userWriteMode(undefined, undefined)).to.equal("none");
    expect(userWriteMode("a", "a")).to.equal("none");
    expect(userWriteMode(undefined, "a")).to.equal("append");
    expect(userWriteMode("a", "b")).to.equal("replace");
    expect(userWriteMode("a", undefined)).to.equal("replace");
  });

  it("records the beta fields an unchanged device's ledger entry lacks, also in its user retry, and nothing else", () => {
    const BETA = '["azureADJoined",null,4,"laptop",null]';
    const devices = [map(windowsLaptop), map(userDeleted)].map((ci) => ({ ...ci, beta: BETA }));
    const ledger = written(plan({ devices, filters: { ...ALL, userDeleted: true } }));
    const p = plan({ devices, ledger, filters: { ...ALL, userDeleted: true } });
    expect(p.toWrite).to.deep.equal([]);
    expect(p.betaToRecord).to.deep.equal(ledger.map((e) => ({ ...e, beta: BETA })));
    expect(p.userRetry[0].ledger).to.deep.equal({ ...ledger[0], beta: BETA });
    // Recorded already, or a device read without beta: nothing to record.
    const recorded = ledger.map((e) => ({ ...e, beta: BETA }));
    expect(plan({ devices, ledger: recorded, filters: { ...ALL, userDeleted: true } }).betaToRecord).to.deep.equal([]);
    const withoutBeta = devices.map(({ beta: _b, ...ci }) => ci);
    expect(plan({ devices: withoutBeta, ledger, filters: { ...ALL, userDeleted: true } }).betaToRecord).to.deep.equal(
      [],
    );
  });
});
