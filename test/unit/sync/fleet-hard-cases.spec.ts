// The pure core against every hard case the sandbox fleet generator produces (src/sandbox/fleet/hard-cases.ts):
// the raw Graph JSON goes through the reader's converter, the mapper, the planner and the alert planner.
import { expect } from "chai";
import { planAlerts, type AlertDevice } from "../../../src/alerts/plan-alerts.js";
import { toBetaFields, toIntuneDevice } from "../../../src/intune/device-json.js";
import type { DeviceCompliance, IntuneDevice } from "../../../src/intune/types.js";
import { contextOf, generateFleet, hardCaseAt, policyStatesOf } from "../../../src/sandbox/fleet/generate.js";
import { HARD_CASE_NAMES } from "../../../src/sandbox/fleet/hard-cases.js";
import type { SimTenant } from "../../../src/sandbox/fleet/types.js";
import type { LedgerEntry } from "../../../src/store/types.js";
import { DEFAULT_FILTERS } from "../../../src/sync/filters.js";
import { mapDevice, type MappedCi } from "../../../src/sync/map-device.js";
import { planSync } from "../../../src/sync/plan.js";
import { UI_FIELD_IDS, UNKNOWN } from "../../../src/ui-fields.js";

const NOW = new Date("2025-06-02T08:00:00Z");
const fleet = generateFleet({ seed: 7, size: 400, tenants: 2 });

function read(tenant: SimTenant): IntuneDevice[] {
  return tenant.devices.map((raw) => {
    const v1 = toIntuneDevice(raw, tenant.tenantId);
    const beta = toBetaFields(raw);
    if (!v1.ok || !beta.ok) throw new Error("fleet device did not convert");
    const { id: _id, ...betaFields } = beta.value;
    return { ...v1.value, ...betaFields };
  });
}

interface Case {
  tenant: SimTenant;
  device: IntuneDevice;
  hard?: string;
  ci: MappedCi;
  warnings: string[];
}

const cases: Case[] = fleet.tenants.flatMap((tenant) => {
  const ctx = contextOf(tenant);
  return read(tenant).map((device, i) => {
    const r = mapDevice(device, {
      adminCenterUrl: "https://intune.microsoft.com",
      now: NOW,
      qualifySourceId: true,
      ciStatus: "in_production",
    });
    if (!r.ok) throw new Error(`${device.id}: ${r.reason}`);
    return { tenant, device, hard: hardCaseAt(ctx, i), ci: r.ci, warnings: r.warnings };
  });
});
const of = (hard: string) => cases.filter((c) => c.hard === hard);
const field = (c: Case, id: string) => c.ci.customFields.find((f) => f.id === id)?.value;

describe("the pure core on the sandbox fleet's hard cases", () => {
  it("sees every hard case, in both tenants", () => {
    for (const name of HARD_CASE_NAMES) expect(of(name).length, name).to.be.at.least(2);
  });

  it("maps every device to a CI with every UI field and a sourceID that fits", () => {
    for (const c of cases) {
      expect(c.ci.customFields.map((f) => f.id)).to.deep.equal([...UI_FIELD_IDS]);
      expect(c.ci.name.length).to.be.within(1, 160);
      expect(c.ci.sourceID).to.equal(`${c.tenant.tenantId}/${c.device.id}`);
      if (c.ci.serialNr) expect(c.ci.serialNr.length).to.be.at.most(50);
    }
  });

  it("maps deleted-user devices without a user, apart from each other", () => {
    for (const c of [...of("userDeleted"), ...of("userDeletedWindows")]) {
      expect(c.ci.deviceClass.userState).to.equal("deleted");
      expect(c.ci.primaryUser).to.equal(undefined);
      expect(c.ci.name).to.match(/^User deleted for this device \(.+\)$/);
      expect(field(c, "intune_entra_device_id")).to.equal(UNKNOWN);
      expect(field(c, "intune_storage_total_gb")).to.equal(UNKNOWN);
    }
    const names = [...of("userDeleted"), ...of("userDeletedWindows")].map((c) => c.ci.name);
    expect(new Set(names).size).to.equal(names.length);
  });

  it("maps userless kiosks, scanners and Cloud PCs without a user", () => {
    for (const c of [...of("kioskWindows"), ...of("kioskAndroid"), ...of("cloudPcUserless")]) {
      expect(c.ci.deviceClass.userState, c.hard).to.equal("none");
      expect(c.ci.primaryUser, c.hard).to.equal(undefined);
      expect(field(c, "intune_primary_user"), c.hard).to.equal(null);
    }
    for (const c of of("cloudPcUserless")) expect(c.ci.product.category).to.equal("virtual_machine");
  });

  it("shows co-managed ConfigMgr devices as such", () => {
    for (const c of [...of("coManagedConfigMgr"), ...of("coManagedCompliant")]) {
      expect(field(c, "intune_management_agent")).to.equal("Configuration Manager and MDM (co-managed)");
      expect(field(c, "intune_join_type")).to.equal("HybridAzureADJoined");
    }
    for (const c of of("coManagedConfigMgr")) {
      expect(field(c, "intune_compliance")).to.equal("Managed by Configuration Manager");
    }
  });

  it("writes no placeholder or empty serial, and no white-box filler as brand or model", () => {
    for (const name of ["serialZero", "serialOem", "serialDefault", "serialSystem", "serialEmpty"]) {
      for (const c of of(name)) expect(c.ci, name).to.not.have.property("serialNr");
    }
    for (const name of ["serialOem", "serialDefault", "serialSystem"]) {
      for (const c of of(name))
        expect([c.ci.product.brand, c.ci.product.model], name).to.deep.equal(["Unknown", "Unknown"]);
    }
  });

  it("cuts long names and keeps non-ASCII names whole", () => {
    for (const c of of("longName")) {
      expect(c.ci.name.length).to.be.at.most(160);
      expect(c.ci.name.endsWith("…")).to.equal(true);
    }
    for (const c of [...of("nonAsciiName"), ...of("cjkName")]) expect(c.ci.name).to.equal(c.device.deviceName);
  });

  it("writes Unknown for all-zero Entra ids, zero storage and 0001-01-01 dates", () => {
    for (const c of of("zeroEntraId")) expect(field(c, "intune_entra_device_id")).to.equal(UNKNOWN);
    for (const c of of("zeroStorage")) {
      expect(field(c, "intune_storage_total_gb")).to.equal(UNKNOWN);
      expect(field(c, "intune_storage_free_gb")).to.equal(UNKNOWN);
    }
    for (const c of of("zeroDates")) {
      expect(c.ci).to.not.have.property("lastSeenAt");
      expect(c.ci).to.not.have.property("inUseSince");
      expect(field(c, "intune_enrolled_at")).to.equal(UNKNOWN);
    }
  });

  it("plans one CI per re-enrolled device, and nothing at all on an unchanged second run", () => {
    const filters = { ...DEFAULT_FILTERS, active: true, windows: true, android: true, ios: true, macos: true };
    const input = {
      filters,
      scanComplete: true,
      now: NOW,
      retireStatus: "removed" as const,
      excludedAction: "leave" as const,
    };
    const devices = cases.map((c) => c.ci);
    const first = planSync({ ...input, devices, ledger: [] });
    const dupes = first.skipped.filter((s) => s.reason === "duplicate_serial").map((s) => s.deviceId);
    expect(dupes.sort()).to.deep.equal(
      of("reEnrolDuplicate")
        .map((c) => c.device.id)
        .sort(),
    );
    expect(first.excluded.map((e) => e.reason)).to.include.members(["personal", "user_deleted"]);
    expect(first.batches.every((b) => b.length <= 100)).to.equal(true);

    const ledger: LedgerEntry[] = first.toWrite.map((w) => ({
      account: "widget",
      tenantId: w.ci.tenantId,
      deviceId: w.ci.deviceId,
      ciId: `ci-${w.ci.deviceId}`,
      fingerprint: w.fingerprint,
      lastSeenAt: NOW.toISOString(),
      retired: false,
      userId: w.ci.primaryUser ? "person" : undefined,
    }));
    const second = planSync({ ...input, devices: cases.map((c) => c.ci), ledger });
    expect(second.toWrite).to.deep.equal([]);
    expect(second.toRetire).to.deep.equal([]);
    expect(second.unchanged).to.equal(first.toWrite.length);
  });

  it("raises requests for the fleet's violations and nothing more on an unchanged second run", () => {
    const devices: AlertDevice[] = cases.map((c) => ({
      tenantId: c.ci.tenantId,
      deviceId: c.ci.deviceId,
      name: c.ci.name,
      ciId: `ci-${c.ci.deviceId}`,
      lastSyncAt: c.ci.lastSeenAt,
      graceExpiresAt: c.device.complianceGracePeriodExpirationDateTime,
      adminCenterUrl: "https://intune.microsoft.com",
      complianceState: c.device.complianceState,
    }));
    // As the compliance reader returns them: failing policies and settings of flagged devices.
    const compliance: DeviceCompliance[] = cases
      .filter((c) => ["noncompliant", "inGracePeriod", "error", "conflict"].includes(c.device.complianceState ?? ""))
      .map((c) => ({
        tenantId: c.ci.tenantId,
        deviceId: c.ci.deviceId,
        state: c.device.complianceState!,
        policies: policyStatesOf(
          c.tenant,
          c.tenant.devices.find((d) => d.id === c.device.id)!,
        )
          .filter((p) => ["nonCompliant", "error", "conflict"].includes(p.state))
          .map((p) => ({
            policyId: p.id,
            policyName: p.displayName,
            state: p.state,
            settings: p.settingStates
              .filter((s) => ["nonCompliant", "error", "conflict"].includes(s.state))
              .map((s) => ({ setting: s.setting, settingName: s.settingName || s.setting, state: s.state })),
          })),
      }));
    const settings = {
      enabled: true,
      category: "incident" as const,
      impact: "low" as const,
      duringGracePeriod: false,
      autoResolve: true,
      maxNewPerRun: 100,
    };
    const first = planAlerts({ account: "widget", compliance, devices, alertLedger: [], settings, gone: [], now: NOW });
    const creates = first.actions.filter((a) => a.kind === "create");
    const noncompliant = cases.filter((c) => c.device.complianceState === "noncompliant").length;
    expect(creates).to.have.length(noncompliant);
    for (const a of creates) if (a.kind === "create") expect(a.request.subject.length).to.be.at.most(255);
    const fw = creates.find(
      (a) => a.kind === "create" && of("ncFirewallAntivirus").some((c) => c.ci.deviceId === a.deviceId),
    );
    expect(fw?.kind === "create" && fw.request.subject).to.match(/is noncompliant \(Firewall, Antivirus\)$/);

    const ledger = creates.map((a, i) =>
      a.kind === "create" ? { ...a.entry, state: "open" as const, requestId: `r${i}` } : a.entry,
    );
    const second = planAlerts({
      account: "widget",
      compliance,
      devices,
      alertLedger: ledger,
      settings,
      gone: [],
      now: NOW,
    });
    expect(second.actions).to.deep.equal([]);
  });
});
