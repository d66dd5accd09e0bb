import { expect } from "chai";
import {
  planSoftware,
  softwareSourceId,
  versionLine,
  type RecordedSoftwareCi,
  type TenantApps,
} from "../../../src/sync/plan-software.js";

const T1 = "tenant-1";
const T2 = "tenant-2";
const PATTERNS = ["Microsoft Visio*", "Google Chrome"];
// Device "d<n>" of a tenant has CI "<tenant>:ci<n>"; d9 has none (left out by the filters).
const ciOfDevice = (tenantId: string, deviceId: string) =>
  deviceId === "d9" ? undefined : `${tenantId}:ci${deviceId.slice(1)}`;

const app = (displayName: string, version: string, deviceIds: string[], publisher = "Microsoft Corporation") => ({
  displayName,
  version,
  publisher,
  deviceIds,
});

const READS: TenantApps[] = [
  {
    tenantId: T1,
    apps: [
      app("Microsoft Visio Professional 2021", "16.0.14332.20812", ["d1", "d2"]),
      app("Microsoft Visio Professional 2021", "16.0.14332.20763", ["d3", "d9"]),
      app("Google Chrome", "131.0.6778.86", ["d1"], "Google LLC"),
      app("Google Chrome", "130.0.6723.117", ["d2"], "Google LLC"),
      app("Zoom Workplace (64-bit)", "6.2.11.49350", ["d1"]),
    ],
  },
  { tenantId: T2, apps: [app("google chrome", "131.0.6778.70", ["d1"], "Google LLC")] },
];

describe("planSoftware", () => {
  it("takes the major version as the line and a stable sourceID", () => {
    expect(["16.0.14332.20812", "24.004.20220", "6.2.11 (49350)", "v2", "", "beta"].map(versionLine)).to.deep.equal([
      "16",
      "24",
      "6",
      "2",
      "",
      "",
    ]);
    expect(softwareSourceId("  Microsoft  Visio Professional 2021 ", "16")).to.equal(
      "app:microsoft visio professional 2021:16",
    );
  });

  it("plans one CI per application and version line across tenants, related to the device CIs", () => {
    const plan = planSoftware({ patterns: PATTERNS, reads: READS, ciOfDevice, recorded: [] });
    expect(plan.changes.map((c) => [c.sourceID, c.name, c.deviceCiIds])).to.deep.equal([
      ["app:google chrome:130", "Google Chrome 130.x", ["tenant-1:ci2"]],
      ["app:google chrome:131", "Google Chrome 131.x", ["tenant-1:ci1", "tenant-2:ci1"]],
      [
        "app:microsoft visio professional 2021:16",
        "Microsoft Visio Professional 2021 16.x",
        ["tenant-1:ci1", "tenant-1:ci2", "tenant-1:ci3"],
      ],
    ]);
    const visio = plan.changes[2]!;
    expect(visio).to.include({ write: true, publisher: "Microsoft Corporation", versionLine: "16" });
    expect(visio.ciId).to.equal(undefined);
    expect(visio.versions).to.deep.equal(["16.0.14332.20763", "16.0.14332.20812"]);
    expect(visio.relate).to.deep.equal(visio.deviceCiIds);
    expect(plan).to.include({ unchanged: 0, untracked: 0, withoutDeviceCi: 1 });
  });

  it("plans nothing when the record already says it all", () => {
    const first = planSoftware({ patterns: PATTERNS, reads: READS, ciOfDevice, recorded: [] });
    const recorded: RecordedSoftwareCi[] = first.changes.map((c, i) => ({
      sourceID: c.sourceID,
      ciId: `sw${i}`,
      name: c.name,
      appName: c.appName,
      deviceCiIds: [...c.deviceCiIds].reverse(),
    }));
    const again = planSoftware({ patterns: PATTERNS, reads: READS, ciOfDevice, recorded });
    expect(again.changes).to.deep.equal([]);
    expect(again.unchanged).to.equal(3);
  });

  it("relates and unrelates only the devices that changed, and keeps the CI's fields unwritten", () => {
    const recorded: RecordedSoftwareCi[] = [
      {
        sourceID: "app:google chrome:131",
        ciId: "sw1",
        name: "Google Chrome 131.x",
        appName: "Google Chrome",
        deviceCiIds: ["tenant-1:ci1", "tenant-1:ci7"],
      },
    ];
    const plan = planSoftware({ patterns: PATTERNS, reads: READS, ciOfDevice, recorded });
    const chrome = plan.changes.find((c) => c.sourceID === "app:google chrome:131")!;
    expect(chrome).to.include({ ciId: "sw1", write: false });
    expect(chrome.relate).to.deep.equal(["tenant-2:ci1"]);
    expect(chrome.unrelate).to.deep.equal(["tenant-1:ci7"]);
  });

  it("unrelates a tracked app installed nowhere now, and leaves one no pattern matches alone", () => {
    const recorded: RecordedSoftwareCi[] = [
      {
        sourceID: "app:microsoft visio standard 2019:16",
        ciId: "sw2",
        name: "Microsoft Visio Standard 2019 16.x",
        appName: "Microsoft Visio Standard 2019",
        deviceCiIds: ["tenant-1:ci4"],
      },
      {
        sourceID: "app:zoom workplace (64-bit):6",
        ciId: "sw3",
        name: "Zoom Workplace (64-bit) 6.x",
        appName: "Zoom Workplace (64-bit)",
        deviceCiIds: ["tenant-1:ci1"],
      },
    ];
    const plan = planSoftware({ patterns: PATTERNS, reads: READS, ciOfDevice, recorded });
    const gone = plan.changes.find((c) => c.ciId === "sw2")!;
    expect(gone).to.include({ write: false });
    expect(gone.unrelate).to.deep.equal(["tenant-1:ci4"]);
    expect(plan.changes.some((c) => c.ciId === "sw3")).to.equal(false);
    expect(plan.untracked).to.equal(1);
  });

  it("creates no CI for an app installed only on devices without a CI, and ignores untracked reads", () => {
    const plan = planSoftware({
      patterns: PATTERNS,
      reads: [
        { tenantId: T1, apps: [app("Microsoft Visio Standard 2021", "16.0", ["d9"]), app("Slack", "4", ["d1"])] },
      ],
      ciOfDevice,
      recorded: [],
    });
    expect(plan.changes).to.deep.equal([]);
    expect(plan.withoutDeviceCi).to.equal(1);
  });

  it("renames a CI whose recorded name differs", () => {
    const plan = planSoftware({
      patterns: PATTERNS,
      reads: [{ tenantId: T1, apps: [app("Google Chrome", "130.0", ["d2"])] }],
      ciOfDevice,
      recorded: [
        {
          sourceID: "app:google chrome:130",
          ciId: "sw4",
          name: "Chrome",
          appName: "Google Chrome",
          deviceCiIds: ["tenant-1:ci2"],
        },
      ],
    });
    expect(plan.changes.map((c) => [c.ciId, c.name, c.write, c.relate, c.unrelate])).to.deep.equal([
      ["sw4", "Google Chrome 130.x", true, [], []],
    ]);
  });
});
