// Installed software of a simulated device, as Intune's detected apps show it: a pure function of the fleet seed,
// the tenant and the device id (so lazy 100k fleets need no storage), and of the device's platform and owner.
// Intune reports unmanaged apps only for corporate devices ("detectedApp resource type", Microsoft Learn,
// https://learn.microsoft.com/en-us/graph/api/resources/intune-devices-detectedapp), so personal devices have none.
// One detectedApp is one (name, version) pair: two versions of Visio are two entries with their own ids.
import { mix } from "./prng.js";

/** detectedAppPlatformType values the fleet uses. */
export type AppPlatform = "windows" | "macOS" | "ios" | "androidWorkProfile" | "androidDedicatedAndFullyManaged";

export interface SoftwareTitle {
  displayName: string;
  publisher: string;
  platform: AppPlatform;
  /** Share of the platform's software-bearing devices that have it. */
  share: number;
  /** Versions with weights; each is its own detectedApp. */
  versions: readonly (readonly [string, number])[];
  /** Typical size in bytes (each version varies a little). */
  size: number;
}

const W = "windows";
const M = "macOS";

/** Well-known titles, several versions each: what an administrator would track. */
export const SOFTWARE_TITLES: readonly SoftwareTitle[] = [
  {
    displayName: "Microsoft Visio Professional 2019",
    publisher: "Microsoft Corporation",
    platform: W,
    share: 0.06,
    versions: [
      ["16.0.10417.20012", 2],
      ["16.0.10416.20047", 1],
    ],
    size: 1_950_000_000,
  },
  {
    displayName: "Microsoft Visio Professional 2021",
    publisher: "Microsoft Corporation",
    platform: W,
    share: 0.08,
    versions: [
      ["16.0.14332.20812", 3],
      ["16.0.14332.20763", 1],
    ],
    size: 2_100_000_000,
  },
  {
    displayName: "Microsoft Visio Standard 2021",
    publisher: "Microsoft Corporation",
    platform: W,
    share: 0.03,
    versions: [["16.0.14332.20812", 1]],
    size: 1_900_000_000,
  },
  {
    displayName: "Microsoft Project Professional 2021",
    publisher: "Microsoft Corporation",
    platform: W,
    share: 0.05,
    versions: [
      ["16.0.14332.20812", 2],
      ["16.0.14332.20763", 1],
    ],
    size: 2_000_000_000,
  },
  {
    displayName: "Adobe Acrobat DC (64-bit)",
    publisher: "Adobe",
    platform: W,
    share: 0.22,
    versions: [
      ["24.004.20220", 5],
      ["24.003.20180", 3],
      ["23.008.20470", 2],
      ["22.003.20322", 1],
    ],
    size: 1_100_000_000,
  },
  {
    displayName: "Adobe Acrobat Reader DC",
    publisher: "Adobe",
    platform: W,
    share: 0.3,
    versions: [
      ["24.004.20220", 4],
      ["24.002.20933", 2],
      ["23.006.20380", 1],
    ],
    size: 650_000_000,
  },
  {
    displayName: "Adobe Acrobat",
    publisher: "Adobe Inc.",
    platform: M,
    share: 0.2,
    versions: [
      ["24.004.20220", 3],
      ["24.002.20933", 1],
    ],
    size: 1_400_000_000,
  },
  {
    displayName: "Google Chrome",
    publisher: "Google LLC",
    platform: W,
    share: 0.45,
    versions: [
      ["131.0.6778.86", 6],
      ["131.0.6778.70", 3],
      ["130.0.6723.117", 2],
      ["129.0.6668.101", 1],
    ],
    size: 430_000_000,
  },
  {
    displayName: "Google Chrome",
    publisher: "Google LLC",
    platform: M,
    share: 0.5,
    versions: [
      ["131.0.6778.86", 4],
      ["130.0.6723.117", 1],
    ],
    size: 1_250_000_000,
  },
  {
    displayName: "Zoom Workplace (64-bit)",
    publisher: "Zoom Video Communications, Inc.",
    platform: W,
    share: 0.25,
    versions: [
      ["6.2.11.49350", 4],
      ["6.2.7.47420", 2],
      ["6.1.12.45389", 1],
    ],
    size: 380_000_000,
  },
  {
    displayName: "zoom.us",
    publisher: "Zoom Video Communications, Inc.",
    platform: M,
    share: 0.3,
    versions: [
      ["6.2.11 (49350)", 3],
      ["6.1.12 (45389)", 1],
    ],
    size: 520_000_000,
  },
  {
    displayName: "Mozilla Firefox (x64 en-US)",
    publisher: "Mozilla",
    platform: W,
    share: 0.15,
    versions: [
      ["133.0", 3],
      ["132.0.2", 2],
      ["128.5.0", 1],
    ],
    size: 260_000_000,
  },
  {
    displayName: "7-Zip 24.08 (x64)",
    publisher: "Igor Pavlov",
    platform: W,
    share: 0.18,
    versions: [["24.08", 1]],
    size: 5_800_000,
  },
  {
    displayName: "7-Zip 23.01 (x64)",
    publisher: "Igor Pavlov",
    platform: W,
    share: 0.07,
    versions: [["23.01", 1]],
    size: 5_600_000,
  },
  {
    displayName: "Notepad++ (64-bit x64)",
    publisher: "Notepad++ Team",
    platform: W,
    share: 0.12,
    versions: [
      ["8.7.1", 2],
      ["8.6.9", 1],
    ],
    size: 15_000_000,
  },
  {
    displayName: "Cisco Secure Client - AnyConnect VPN",
    publisher: "Cisco Systems, Inc.",
    platform: W,
    share: 0.2,
    versions: [
      ["5.1.5.65", 3],
      ["5.1.2.42", 1],
    ],
    size: 48_000_000,
  },
  {
    displayName: "Slack",
    publisher: "Slack Technologies Inc.",
    platform: M,
    share: 0.25,
    versions: [
      ["4.41.105", 2],
      ["4.40.128", 1],
    ],
    size: 480_000_000,
  },
  {
    displayName: "Slack (Machine - MSI)",
    publisher: "Slack Technologies Inc.",
    platform: W,
    share: 0.1,
    versions: [["4.41.105", 1]],
    size: 350_000_000,
  },
  {
    displayName: "Microsoft Visual Studio Code",
    publisher: "Microsoft Corporation",
    platform: W,
    share: 0.12,
    versions: [
      ["1.95.3", 3],
      ["1.94.2", 1],
    ],
    size: 390_000_000,
  },
  {
    displayName: "Visual Studio Code",
    publisher: "Microsoft Corporation",
    platform: M,
    share: 0.2,
    versions: [
      ["1.95.3", 2],
      ["1.94.2", 1],
    ],
    size: 560_000_000,
  },
  {
    displayName: "AutoCAD LT 2024 - English",
    publisher: "Autodesk, Inc.",
    platform: W,
    share: 0.02,
    versions: [["24.3.61.0", 1]],
    size: 3_200_000_000,
  },
  {
    displayName: "AutoCAD LT 2025 - English",
    publisher: "Autodesk, Inc.",
    platform: W,
    share: 0.02,
    versions: [["25.0.58.0", 1]],
    size: 3_400_000_000,
  },
  {
    displayName: "Tableau Desktop 2024.2",
    publisher: "Tableau Software",
    platform: W,
    share: 0.02,
    versions: [["24.2.1273", 1]],
    size: 1_100_000_000,
  },
  {
    displayName: "SAP GUI for Windows 8.00 (Patchlevel 11)",
    publisher: "SAP SE",
    platform: W,
    share: 0.04,
    versions: [["8.00.11", 1]],
    size: 900_000_000,
  },
  {
    displayName: "Microsoft Outlook",
    publisher: "Microsoft Corporation",
    platform: "ios",
    share: 0.7,
    versions: [
      ["4.2447.0", 3],
      ["4.2443.1", 1],
    ],
    size: 310_000_000,
  },
  {
    displayName: "Microsoft Teams",
    publisher: "Microsoft Corporation",
    platform: "ios",
    share: 0.6,
    versions: [
      ["6.23.1", 2],
      ["6.21.0", 1],
    ],
    size: 280_000_000,
  },
  {
    displayName: "Microsoft Outlook",
    publisher: "Microsoft Corporation",
    platform: "androidWorkProfile",
    share: 0.7,
    versions: [["4.2447.1", 1]],
    size: 240_000_000,
  },
  {
    displayName: "Microsoft Teams",
    publisher: "Microsoft Corporation",
    platform: "androidDedicatedAndFullyManaged",
    share: 0.6,
    versions: [["1416/1.0.0.2024223702", 1]],
    size: 210_000_000,
  },
];

/** A long tail of in-house and niche titles on a few devices each: a real catalogue is mostly this. */
export const TAIL_TITLES = 400;

/** Of the corporate devices of a platform, the share that reports any software at all (tuned to ≈ 30 % of a fleet). */
const BEARING: Record<AppPlatform, number> = {
  windows: 0.46,
  macOS: 0.46,
  ios: 0.18,
  androidWorkProfile: 0.18,
  androidDedicatedAndFullyManaged: 0.18,
};

export interface InstalledApp {
  displayName: string;
  version: string;
  publisher: string;
  platform: AppPlatform;
  sizeInByte: number;
}

/** The detectedAppPlatformType of a device, or null when Intune lists no apps for it. */
export function appPlatformOf(d: Record<string, unknown>): AppPlatform | null {
  if (d["managedDeviceOwnerType"] !== "company") return null;
  switch (d["operatingSystem"]) {
    case "Windows":
      return "windows";
    case "macOS":
      return "macOS";
    case "iOS":
    case "iPadOS":
      return "ios";
    case "Android":
      return d["deviceEnrollmentType"] === "androidEnterpriseFullyManaged"
        ? "androidDedicatedAndFullyManaged"
        : "androidWorkProfile";
    default:
      return null;
  }
}

const unit = (...parts: (number | string)[]) => mix(...parts) / 4294967296;

function pickVersion(title: SoftwareTitle, r: number): string {
  const total = title.versions.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [v, w] of title.versions) {
    x -= w;
    if (x < 0) return v;
  }
  return title.versions[title.versions.length - 1]![0];
}

/** The software Intune detects on a device: pure in (seed, tenant, device id, platform, owner). */
export function installedAppsOf(seed: number, tenantIndex: number, d: Record<string, unknown>): InstalledApp[] {
  const platform = appPlatformOf(d);
  if (!platform) return [];
  const id = String(d["id"]);
  if (unit(seed, tenantIndex, "sw", id) >= BEARING[platform]) return [];
  const out: InstalledApp[] = [];
  for (let t = 0; t < SOFTWARE_TITLES.length; t++) {
    const title = SOFTWARE_TITLES[t]!;
    if (title.platform !== platform || unit(seed, "title", t, id) >= title.share) continue;
    const version = pickVersion(title, unit(seed, "ver", t, id));
    const sizeInByte = title.size + (mix(title.displayName, version) % 10_000_000);
    out.push({ displayName: title.displayName, version, publisher: title.publisher, platform, sizeInByte });
  }
  if (platform === "windows" && unit(seed, "tail", id) < 0.3) {
    const n = mix(seed, "tailn", id) % TAIL_TITLES;
    out.push({
      displayName: `Contoso Line-of-Business Tool ${n + 1}`,
      version: `${1 + (n % 4)}.${n % 10}.0`,
      publisher: "Contoso Ltd.",
      platform,
      sizeInByte: 20_000_000 + n * 1000,
    });
  }
  return out;
}

/** Intune's id of a detected app: 64 hex digits, stable per (platform, name, version). */
export function detectedAppId(app: Pick<InstalledApp, "displayName" | "version" | "platform">): string {
  let s = "";
  for (let k = 0; s.length < 64; k++)
    s += mix(app.platform, app.displayName, app.version, k).toString(16).padStart(8, "0");
  return s;
}
