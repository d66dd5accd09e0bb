// Compliance fixtures shaped like test/fixtures/reference/graph-examples/deviceCompliancePolicyStates-beta.json and
// deviceCompliancePolicyState-settingStates-beta.json, as the compliance reader returns them (DeviceCompliance).
import type { AlertSettings } from "../../../src/app-instance/settings.js";
import type { DeviceCompliance, PolicyFailure } from "../../../src/intune/types.js";
import type { AlertDevice } from "../../../src/alerts/plan-alerts.js";

export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const DEVICE = "b3f7c2a1-5e4d-4c8b-9a6f-2d1e0c9b8a74";
export const NOW = new Date("2025-06-02T08:00:00Z");

const W = "Windows10CompliancePolicy.";
export const BASELINE = "5a7c9e1b-3d5f-4b6a-8c0e-2d4f6a8c0e13";
export const ENCRYPTION = "2f6b8d0a-4c1e-4a3f-b5d7-9e1a3c5f7b24";

// The reader puts the technical name in settingName, since Graph always sends null there.
const setting = (name: string, state = "nonCompliant", errorDescription: string | null = null) => ({
  setting: `${W}${name}`,
  settingName: `${W}${name}`,
  state,
  errorDescription,
});

export const firewallAntivirus: PolicyFailure = {
  policyId: BASELINE,
  policyName: "WIN - Baseline compliance",
  state: "nonCompliant",
  settings: [
    setting("ActiveFirewallRequired"),
    setting("AntivirusRequired"),
    setting("SecureBootEnabled", "compliant"),
  ],
};

export const bitLocker: PolicyFailure = {
  policyId: ENCRYPTION,
  policyName: "WIN - Encryption required",
  state: "nonCompliant",
  settings: [setting("BitLockerEnabled"), setting("StorageRequireEncryption", "compliant")],
};

export const compliantDefault: PolicyFailure = {
  policyId: "b1d3f5a7-9c0e-4b2d-8f4a-6c8e0a2c4e69",
  policyName: "Default Device Compliance Policy",
  state: "compliant",
  settings: [],
};

export function compliance(state: string, policies: PolicyFailure[] = [], deviceId = DEVICE): DeviceCompliance {
  return { tenantId: TENANT, deviceId, state, policies };
}

export function alertDevice(over: Partial<AlertDevice> = {}): AlertDevice {
  return {
    tenantId: TENANT,
    deviceId: DEVICE,
    name: "LAPTOP-123",
    ciId: "ci-1",
    personId: "person-1",
    serviceInstanceId: "si-ci",
    lastSyncAt: "2025-06-02T06:41:09Z",
    graceExpiresAt: "9999-12-31T23:59:59Z",
    adminCenterUrl: "https://intune.microsoft.com",
    ...over,
  };
}

export const SETTINGS: AlertSettings = {
  enabled: true,
  category: "incident",
  impact: "low",
  serviceInstanceId: "si-default",
  duringGracePeriod: false,
  autoResolve: true,
  maxNewPerRun: 100,
};
