// readFleet holds every mapped CI of a run: equal values are shared between devices (and within one), and what it
// holds is exactly what mapDevice made.
import { expect } from "chai";
import type { IntuneClient } from "../../../src/intune/intune-client.js";
import type { IntuneDevice } from "../../../src/intune/types.js";
import { silentLogger } from "../../../src/logger.js";
import type { LedgerEntry, TenantRecord } from "../../../src/store/types.js";
import { fingerprintCi } from "../../../src/sync/fingerprint.js";
import { betaSnapshotOf } from "../../../src/sync/beta-snapshot.js";
import type { FleetDevice } from "../../../src/sync/fleet-device.js";
import { mapDevice, type MappedCi } from "../../../src/sync/map-device.js";
import { LedgerIndex } from "../../../src/sync/ledger-index.js";
import { mayBeWritten, readFleet, type ReadFleetDeps } from "../../../src/sync/read-fleet.js";
import { planSync } from "../../../src/sync/plan.js";
import { DEFAULT_FILTERS } from "../../../src/sync/filters.js";
import { NOW, TENANT, device } from "./fixtures.js";

const tenant: TenantRecord = {
  account: "widget-data",
  slot: 1,
  domain: "contoso.com",
  cloud: "global",
  tenantId: TENANT,
  status: "connected",
  updatedAt: NOW.toISOString(),
};

/** Devices as the reader yields them: each parsed from JSON on its own, so no two share a string. */
const fresh = (d: IntuneDevice) => JSON.parse(JSON.stringify(d)) as IntuneDevice;

/** A client whose one page has its beta fields merged, or (beta: false) lost them to a failed beta read. */
function clientOf(devices: IntuneDevice[], beta = true): IntuneClient {
  const withoutBeta = (d: IntuneDevice) => {
    const v1 = { ...d };
    for (const k of ["joinType", "skuFamily", "skuNumber", "chassisType", "deviceType"] as const) delete v1[k];
    return v1;
  };
  return {
    tenant: { tenantId: TENANT, cloud: "global" },
    async *readDevices() {
      yield { devices: devices.map((d) => fresh(beta ? d : withoutBeta(d))), skipped: [], beta };
    },
    readCompliance: async () => [],
  } as unknown as IntuneClient;
}

describe("readFleet: the mapped CIs a run holds", () => {
  it("holds what mapDevice makes, with equal values shared between devices and within a device", async () => {
    const devices = Array.from({ length: 3 }, (_, i) =>
      device({
        id: `00000000-0000-4000-8000-00000000000${i}`,
        serialNumber: `SN-${i}`,
        deviceName: `LT-${i}`,
        userPrincipalName: `user${i}@contoso.com`,
        emailAddress: `user${i}@contoso.com`,
      }),
    );
    const fleet = await readFleet({
      tenants: [tenant],
      clientFor: () => clientOf(devices),
      microsoft: {},
      ciStatus: "in_production",
      now: NOW,
      logger: silentLogger,
    });

    const ctx = {
      adminCenterUrl: "https://intune.microsoft.com",
      now: NOW,
      qualifySourceId: false,
      ciStatus: "in_production",
    };
    const cis = devices.map((d) => (mapDevice(fresh(d), ctx) as { ci: MappedCi }).ci);
    // The full CIs are in the store, exactly as mapped; the run holds a compact record of each.
    expect(fleet.cis.load(fleet.mapped.map((d) => d.row))).to.deep.equal(cis);
    expect(fleet.mapped).to.deep.equal(
      cis.map((ci, row) => ({
        tenantId: ci.tenantId,
        deviceId: ci.deviceId,
        deviceClass: ci.deviceClass,
        name: ci.name,
        sourceID: ci.sourceID,
        product: ci.product,
        fingerprint: fingerprintCi(ci),
        row,
        serialNr: ci.serialNr,
        lastSeenAt: ci.lastSeenAt,
        primaryUser: ci.primaryUser,
        compliance: ci.customFields.find((f) => f.id === "intune_compliance")!.value,
        beta: betaSnapshotOf(devices[row]),
      })),
    );
    const [a, b] = fleet.cis.load([0, 1]);
    expect(a.product).to.equal(b.product);
    expect(a.deviceClass).to.equal(b.deviceClass);
    expect(fleet.mapped[0].product).to.equal(fleet.mapped[1].product);
    const field = (ci: typeof a, id: string) => ci.customFields.find((f) => f.id === id)!;
    expect(field(a, "intune_os_version")).to.equal(field(b, "intune_os_version"));
    expect(field(a, "intune_device_id")).to.not.equal(field(b, "intune_device_id"));
    expect(field(a, "intune_device_id").value).to.equal(a.deviceId);
  });

  it("keeps only the CIs the ledger does not hold unchanged (mayBeWritten), marking the others row -1", async () => {
    const devices = Array.from({ length: 4 }, (_, i) =>
      device({ id: `00000000-0000-4000-8000-00000000001${i}`, serialNumber: `SN-1${i}`, deviceName: `PC-${i}` }),
    );
    const read = (keepCi?: ReadFleetDeps["keepCi"]) =>
      readFleet({
        tenants: [tenant],
        clientFor: () => clientOf(devices),
        microsoft: {},
        ciStatus: "in_production",
        now: NOW,
        logger: silentLogger,
        ...(keepCi ? { keepCi } : {}),
      });
    const first = await read();
    const [same, changed, retired, unlinked] = first.mapped;
    const entry = (d: FleetDevice, over: Partial<LedgerEntry>): LedgerEntry => ({
      account: "widget-data",
      tenantId: d.tenantId,
      deviceId: d.deviceId,
      ciId: `ci-${d.deviceId}`,
      fingerprint: d.fingerprint,
      lastSeenAt: NOW.toISOString(),
      retired: false,
      ...over,
    });
    const ledger = [
      entry(same, {}),
      entry(changed, { fingerprint: "older" }),
      entry(retired, { retired: true }),
      entry(unlinked, { ciId: undefined }),
    ];
    const second = await read(mayBeWritten(ledger));
    expect(second.mapped.map((d) => d.row)).to.deep.equal([-1, 0, 1, 2]);
    expect(second.cis.load([0, 1, 2]).map((c) => c.deviceId)).to.deep.equal(
      [changed, retired, unlinked].map((d) => d.deviceId),
    );
    // What planSync writes is exactly what was kept.
    const plan = planSync({
      devices: second.mapped,
      ledger,
      filters: { ...DEFAULT_FILTERS, active: true, windows: true, android: true, ios: true, macos: true },
      scanComplete: true,
      now: NOW,
      retireStatus: "removed",
      excludedAction: "leave",
    });
    expect(plan.toWrite.map((w) => w.ci.row)).to.deep.equal([0, 1, 2]);
  });

  it("maps a device read without its beta fields with the ones its ledger entry recorded, and counts both kinds", async () => {
    const devices = Array.from({ length: 3 }, (_, i) =>
      device({
        id: `00000000-0000-4000-8000-00000000002${i}`,
        serialNumber: `SN-2${i}`,
        joinType: "hybridAzureADJoined",
        skuNumber: 125,
        chassisType: "desktop",
      }),
    );
    const read = (beta: boolean, ledger?: LedgerEntry[]) =>
      readFleet({
        tenants: [tenant],
        clientFor: () => clientOf(devices, beta),
        microsoft: {},
        ciStatus: "in_production",
        now: NOW,
        logger: silentLogger,
        ...(ledger ? { ledger: new LedgerIndex(ledger) } : {}),
      });
    const first = await read(true);
    // The first two were written with their beta fields; the third has no snapshot (written before they were kept).
    const ledger = first.mapped.map((d, i): LedgerEntry => ({
      account: tenant.account,
      tenantId: d.tenantId,
      deviceId: d.deviceId,
      ciId: `ci-${i}`,
      fingerprint: d.fingerprint,
      lastSeenAt: NOW.toISOString(),
      retired: false,
      ...(i < 2 ? { beta: d.beta } : {}),
    }));
    const outage = await read(false, ledger);
    expect(outage.counts).to.deep.equal({ beta_fields_kept: 2, beta_fields_missing: 1 });
    expect(outage.mapped.map((d) => d.fingerprint)).to.deep.equal([
      first.mapped[0].fingerprint,
      first.mapped[1].fingerprint,
      outage.mapped[2].fingerprint,
    ]);
    expect(outage.mapped[2].fingerprint).to.not.equal(first.mapped[2].fingerprint);
    const [kept, , missing] = outage.cis.load([0, 1, 2]);
    const field = (ci: MappedCi, id: string) => ci.customFields.find((f) => f.id === id)!.value;
    expect(field(kept, "intune_join_type")).to.equal("HybridAzureADJoined");
    expect(kept.product).to.deep.equal(first.cis.load([0])[0].product);
    expect(field(missing, "intune_join_type")).to.equal("Unknown");
    // What the run records for the written devices: the restored fields, none for the one without a snapshot.
    expect(outage.mapped.map((d) => d.beta)).to.deep.equal([ledger[0].beta, ledger[1].beta, undefined]);
  });
});
