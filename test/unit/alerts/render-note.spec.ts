import { expect } from "chai";
import {
  alertSubject,
  changeNote,
  complianceUrl,
  compliantAgainNote,
  detailHashOf,
  deviceGoneNote,
  MAX_SUBJECT,
  normaliseFailures,
  resolvedNote,
  settingLabel,
  stateLabel,
  violationNote,
  type NoteDevice,
} from "../../../src/alerts/render-note.js";
import { cloudEndpoints } from "../../../src/intune/clouds.js";
import { bitLocker, compliantDefault, DEVICE, ENCRYPTION, firewallAntivirus, NOW, TENANT } from "./fixtures.js";

const device: NoteDevice = {
  name: "LAPTOP-123",
  lastSyncAt: "2025-06-02T06:41:09Z",
  complianceUrl: complianceUrl("https://intune.microsoft.com", DEVICE),
};

describe("render-note", () => {
  describe("normaliseFailures", () => {
    it("keeps failing policies with their failing settings only, in a stable order", () => {
      const detail = normaliseFailures([compliantDefault, firewallAntivirus, bitLocker]);
      expect(detail).to.deep.equal([
        {
          policyId: firewallAntivirus.policyId,
          policyName: "WIN - Baseline compliance",
          state: "nonCompliant",
          settings: [
            { setting: "Windows10CompliancePolicy.ActiveFirewallRequired", name: "Firewall", state: "nonCompliant" },
            { setting: "Windows10CompliancePolicy.AntivirusRequired", name: "Antivirus", state: "nonCompliant" },
          ],
        },
        {
          policyId: ENCRYPTION,
          policyName: "WIN - Encryption required",
          state: "nonCompliant",
          settings: [
            { setting: "Windows10CompliancePolicy.BitLockerEnabled", name: "BitLocker", state: "nonCompliant" },
          ],
        },
      ]);
      expect(normaliseFailures([bitLocker, firewallAntivirus])).to.deep.equal(detail);
    });

    it("keeps an error's description and a failing policy that lists no settings", () => {
      const d = normaliseFailures([
        {
          policyId: "p",
          policyName: " ",
          state: "error",
          settings: [
            {
              setting: "X.SecureBootEnabled",
              settingName: "X.SecureBootEnabled",
              state: "error",
              errorDescription: "Remediation failed",
            },
          ],
        },
        { policyId: "q", policyName: "Q", state: "nonCompliant", settings: [] },
      ]);
      expect(d.map((p) => p.policyName)).to.deep.equal(["Q", "p"]);
      expect(d[1].settings[0]).to.deep.equal({
        setting: "X.SecureBootEnabled",
        name: "Secure Boot",
        state: "error",
        errorDescription: "Remediation failed",
      });
    });
  });

  describe("detailHashOf", () => {
    const detail = normaliseFailures([firewallAntivirus]);

    it("is the same for the same failures and ignores policy renames", () => {
      expect(detailHashOf(detail)).to.equal(detailHashOf(normaliseFailures([firewallAntivirus])));
      const renamed = normaliseFailures([{ ...firewallAntivirus, policyName: "Renamed" }]);
      expect(detailHashOf(renamed)).to.equal(detailHashOf(detail));
    });

    it("changes when a setting starts or stops failing or changes state", () => {
      const h = detailHashOf(detail);
      expect(detailHashOf(normaliseFailures([firewallAntivirus, bitLocker]))).to.not.equal(h);
      const oneLess = { ...firewallAntivirus, settings: firewallAntivirus.settings.slice(1) };
      expect(detailHashOf(normaliseFailures([oneLess]))).to.not.equal(h);
      const error = {
        ...firewallAntivirus,
        settings: firewallAntivirus.settings.map((s, i) => (i === 0 ? { ...s, state: "error" } : s)),
      };
      expect(detailHashOf(normaliseFailures([error]))).to.not.equal(h);
      expect(detailHashOf([])).to.not.equal(h);
    });
  });

  it("labels settings readably, preferring a name Intune gives", () => {
    expect(settingLabel("Windows10CompliancePolicy.ActiveFirewallRequired")).to.equal("Firewall");
    expect(settingLabel("MacOSCompliancePolicy.FirewallEnabled")).to.equal("Firewall");
    expect(settingLabel("IosCompliancePolicy.SecurityBlockJailbrokenDevices")).to.equal("Jailbroken or rooted device");
    expect(settingLabel("X.Whatever", "Custom label")).to.equal("Custom label");
    expect(
      settingLabel("Windows10CompliancePolicy.AntivirusRequired", "Windows10CompliancePolicy.AntivirusRequired"),
    ).to.equal("Antivirus");
    expect(settingLabel("Windows10CompliancePolicy.BitLockerEnabled", "Other.Technical.Name")).to.equal("BitLocker");
    expect(settingLabel("Windows10CompliancePolicy.SomeNewSetting")).to.equal("Some new setting");
    expect(settingLabel("")).to.equal("Unknown setting");
    expect(stateLabel("nonCompliant")).to.equal("Not compliant");
    expect(stateLabel("weird")).to.equal("weird");
  });

  describe("alertSubject", () => {
    it("names the device and the failing settings", () => {
      expect(alertSubject("LAPTOP-123", normaliseFailures([firewallAntivirus]))).to.equal(
        "Intune compliance: LAPTOP-123 is noncompliant (Firewall, Antivirus)",
      );
      expect(alertSubject("LAPTOP-123", normaliseFailures([firewallAntivirus]), "grace")).to.equal(
        "Intune compliance: LAPTOP-123 is noncompliant, in its grace period (Firewall, Antivirus)",
      );
    });

    it("names the policy when no setting is known, and nothing when nothing is", () => {
      const d = normaliseFailures([{ policyId: "q", policyName: "Q policy", state: "nonCompliant", settings: [] }]);
      expect(alertSubject("PC", d)).to.equal("Intune compliance: PC is noncompliant (Q policy)");
      expect(alertSubject("PC", [])).to.equal("Intune compliance: PC is noncompliant");
    });

    it("stays within 4me's subject limit, counting what it leaves out", () => {
      const many = normaliseFailures([
        {
          policyId: "p",
          policyName: "P",
          state: "nonCompliant",
          settings: Array.from({ length: 40 }, (_, i) => ({
            setting: `X.Setting${String(i).padStart(2, "0")}WithALongName`,
            settingName: "",
            state: "nonCompliant",
          })),
        },
      ]);
      const s = alertSubject("N".repeat(160), many);
      expect(s.length).to.be.at.most(MAX_SUBJECT);
      expect(s).to.match(/, \+\d+ more\)$/);
    });
  });

  describe("notes", () => {
    it("lists each failing policy with its failing settings and state, the last check-in and the deep link", () => {
      const note = violationNote(device, normaliseFailures([firewallAntivirus, bitLocker]));
      expect(note.split("\n")).to.deep.equal([
        "Intune reports LAPTOP-123 as noncompliant.",
        "",
        "Failing compliance policies:",
        "- WIN - Baseline compliance (Not compliant)",
        "  - Firewall: Not compliant",
        "  - Antivirus: Not compliant",
        "- WIN - Encryption required (Not compliant)",
        "  - BitLocker: Not compliant",
        "",
        "Last check-in with Intune: 2025-06-02 06:41 UTC",
        `Compliance details in the Intune admin center: https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/compliance/mdmDeviceId/${DEVICE}`,
      ]);
    });

    it("mentions the grace period, the previous request and an unknown check-in", () => {
      const note = violationNote({ ...device, lastSyncAt: undefined }, [], {
        graceUntil: "2025-06-04T19:12:05Z",
        previousRequest: "#70454",
        again: true,
      });
      expect(note).to.include("as noncompliant again.");
      expect(note).to.include("grace period ends 2025-06-04 19:12 UTC");
      expect(note).to.include("see request #70454");
      expect(note).to.include("Intune did not report which policy settings fail.");
      expect(note).to.include("Last check-in with Intune: unknown");
    });

    it("links to the compliance page of the tenant's cloud, tenant-scoped when asked", () => {
      expect(complianceUrl(cloudEndpoints("usgov").adminCenterUrl, DEVICE, TENANT)).to.equal(
        `https://intune.microsoft.us/${TENANT}/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/compliance/mdmDeviceId/${DEVICE}`,
      );
    });

    it("says what changed: settings now failing, no longer failing, and changed state", () => {
      const before = normaliseFailures([firewallAntivirus]);
      const after = normaliseFailures([
        {
          ...firewallAntivirus,
          settings: [
            {
              setting: "Windows10CompliancePolicy.AntivirusRequired",
              settingName: "Windows10CompliancePolicy.AntivirusRequired",
              state: "error",
            },
          ],
        },
        bitLocker,
      ]);
      const note = changeNote(device, before, after);
      expect(note).to.include("The compliance problems Intune reports for LAPTOP-123 changed.");
      expect(note).to.include("Now failing:\n- WIN - Encryption required: BitLocker (Not compliant)");
      expect(note).to.include("No longer failing:\n- WIN - Baseline compliance: Firewall");
      expect(note).to.include("Changed state:\n- WIN - Baseline compliance: Antivirus (Not compliant → Error)");
      expect(note).to.include("Failing compliance policies:");
      expect(note).to.include(device.complianceUrl);
    });

    it("closes, notes compliance without closing, and notes a device that left", () => {
      expect(resolvedNote(device)).to.match(
        /^Intune reports LAPTOP-123 as compliant again\. The Intune connector completes/,
      );
      expect(compliantAgainNote(device)).to.include("Automatic resolution is off, so this request stays open.");
      const gone = deviceGoneNote(device, "removed", NOW);
      expect(gone).to.include("LAPTOP-123 is no longer in Intune (checked 2025-06-02 08:00 UTC)");
      expect(gone).to.include("will not complete this request");
      expect(deviceGoneNote(device, "filtered", NOW)).to.include("The import filters now exclude LAPTOP-123");
      expect(deviceGoneNote(device, "tenant_removed", NOW)).to.include(
        "The Intune tenant of LAPTOP-123 was removed from the connector's configuration (checked 2025-06-02 08:00 UTC)",
      );
    });
  });
});
