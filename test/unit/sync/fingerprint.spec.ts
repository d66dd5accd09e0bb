import { expect } from "chai";
import type { IntuneDevice } from "../../../src/intune/types.js";
import { fingerprintCi, FINGERPRINT_VERSION } from "../../../src/sync/fingerprint.js";
import { mapDevice, type MappedCi } from "../../../src/sync/map-device.js";
import { ADMIN_CENTER, device, EXAMPLE_FLEET, NOW } from "./fixtures.js";

function ci(d: IntuneDevice, status = "in_production"): MappedCi {
  const r = mapDevice(d, { adminCenterUrl: ADMIN_CENTER, now: NOW, qualifySourceId: false, ciStatus: status });
  if (!r.ok) throw new Error(r.reason);
  return r.ci;
}

describe("fingerprintCi", () => {
  it("is stable for the same device and versioned", () => {
    const a = fingerprintCi(ci(device()));
    expect(a).to.equal(fingerprintCi(ci(device())));
    expect(a.startsWith(`v${FINGERPRINT_VERSION}:`)).to.equal(true);
  });

  it("does not depend on the order of custom fields", () => {
    const c = ci(device());
    expect(fingerprintCi({ ...c, customFields: [...c.customFields].reverse() })).to.equal(fingerprintCi(c));
  });

  it("differs between the devices of the example fleet", () => {
    const prints = EXAMPLE_FLEET.map((d) => fingerprintCi(ci(d)));
    expect(new Set(prints).size).to.equal(prints.length);
  });

  it("changes when anything we write changes", () => {
    const base = fingerprintCi(ci(device()));
    const changes: Partial<IntuneDevice>[] = [
      { deviceName: "CON-LT-0143" },
      { serialNumber: "7HQ2KX4" },
      { osVersion: "10.0.22631.3600" },
      { complianceState: "compliant" },
      { isEncrypted: true },
      { freeStorageSpaceInBytes: 100 * 2 ** 30 },
      { userPrincipalName: "adele.vance@contoso.com", emailAddress: "adele.vance@contoso.com" },
      { model: "Latitude 7440" },
      { physicalMemoryInBytes: 16 * 2 ** 30 },
      { enrolledDateTime: "2024-03-12T08:14:22Z" },
      { lastSyncDateTime: "2025-06-03T06:41:09Z" },
    ];
    for (const c of changes) expect(fingerprintCi(ci(device(c))), JSON.stringify(c)).to.not.equal(base);
    expect(fingerprintCi(ci(device(), "installed"))).to.not.equal(base);
  });

  it("ignores a check-in later the same day, so a device that keeps checking in is rewritten at most daily", () => {
    const morning = fingerprintCi(ci(device({ lastSyncDateTime: "2025-06-02T06:41:09Z" })));
    const noon = fingerprintCi(ci(device({ lastSyncDateTime: "2025-06-02T12:03:00Z" })));
    const nextDay = fingerprintCi(ci(device({ lastSyncDateTime: "2025-06-03T00:00:01Z" })));
    expect(noon).to.equal(morning);
    expect(nextDay).to.not.equal(morning);
  });
});
