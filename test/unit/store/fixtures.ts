// Values the store tests write.
import type { InstanceSettings } from "../../../src/app-instance/settings.js";

export function sampleSettings(): InstanceSettings {
  return {
    tenants: [
      { slot: 1, domain: "contoso.onmicrosoft.com", cloud: "global" },
      { slot: 3, domain: "fabrikam.us", cloud: "usgov" },
    ],
    filters: {
      active: true,
      windows: true,
      android: false,
      ios: true,
      macos: true,
      personal: false,
      onlyWithPrimaryUser: true,
      userDeleted: false,
    },
    ciStatus: "in_production",
    retireStatus: "archived",
    excludedAction: "retire",
    osCis: true,
    syncIntervalMinutes: 30,
    alerts: {
      enabled: true,
      category: "incident",
      impact: "medium",
      serviceInstanceId: "NG1-si",
      teamId: "NG1-team",
      duringGracePeriod: false,
      autoResolve: true,
      maxNewPerRun: 100,
    },
  };
}
