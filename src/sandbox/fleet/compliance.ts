// Compliance policies of a simulated tenant and per-device policy states with their setting states, shaped as
// graph-examples/deviceCompliancePolicyStates-beta.json and …settingStates-beta.json.
import { guid, pick, rngFor, type Rng } from "./prng.js";
import type { SimComplianceStatus, SimPolicyState, SimSettingState } from "./types.js";

export type PolicyPlatform = "windows" | "ios" | "android" | "androidForWork" | "macos";

interface PolicyDef {
  key: string;
  displayName: string;
  version: number;
  platformType: string;
  settings: readonly string[];
}

const W = "Windows10CompliancePolicy.";
const POLICIES: Record<PolicyPlatform, readonly PolicyDef[]> = {
  windows: [
    {
      key: "win-baseline",
      displayName: "WIN - Baseline compliance",
      version: 7,
      platformType: "windows10AndLater",
      settings: [
        `${W}ActiveFirewallRequired`,
        `${W}AntivirusRequired`,
        `${W}AntiSpywareRequired`,
        `${W}OsMinimumVersion`,
        `${W}PasswordRequired`,
        `${W}SecureBootEnabled`,
      ],
    },
    {
      key: "win-encryption",
      displayName: "WIN - Encryption required",
      version: 3,
      platformType: "windows10AndLater",
      settings: [`${W}BitLockerEnabled`, `${W}StorageRequireEncryption`],
    },
  ],
  ios: [
    {
      key: "ios-baseline",
      displayName: "iOS - Baseline compliance",
      version: 4,
      platformType: "iOS",
      settings: [
        "IosCompliancePolicy.PasscodeRequired",
        "IosCompliancePolicy.OsMinimumVersion",
        "IosCompliancePolicy.SecurityBlockJailbrokenDevices",
      ],
    },
  ],
  android: [
    {
      key: "android-corporate",
      displayName: "AND - Corporate devices",
      version: 2,
      platformType: "android",
      settings: [
        "AndroidCompliancePolicy.PasswordRequired",
        "AndroidCompliancePolicy.OsMinimumVersion",
        "AndroidCompliancePolicy.SecurityBlockJailbrokenDevices",
        "AndroidCompliancePolicy.StorageRequireEncryption",
      ],
    },
  ],
  androidForWork: [
    {
      key: "android-work-profile",
      displayName: "AND - Personal work profile",
      version: 5,
      platformType: "androidForWork",
      settings: [
        "AndroidWorkProfileCompliancePolicy.PasswordRequired",
        "AndroidWorkProfileCompliancePolicy.OsMinimumVersion",
        "AndroidWorkProfileCompliancePolicy.SecurityBlockJailbrokenDevices",
      ],
    },
  ],
  macos: [
    {
      key: "mac-baseline",
      displayName: "MAC - Baseline compliance",
      version: 2,
      platformType: "macOS",
      settings: [
        "MacOSCompliancePolicy.PasswordRequired",
        "MacOSCompliancePolicy.StorageRequireEncryption",
        "MacOSCompliancePolicy.FirewallEnabled",
        "MacOSCompliancePolicy.OsMinimumVersion",
      ],
    },
  ],
};

const DEFAULT_POLICY: PolicyDef = {
  key: "default",
  displayName: "Default Device Compliance Policy",
  version: 1,
  platformType: "all",
  settings: [
    "DefaultDeviceCompliancePolicy.RequireRemainContact",
    "DefaultDeviceCompliancePolicy.RequireUserExistence",
    "DefaultDeviceCompliancePolicy.RequireDeviceCompliancePolicyAssigned",
  ],
};

/** Policy ids are stable per tenant, so the same policy has one id on every device, as in Intune. */
function policyId(seed: number, tenantIndex: number, key: string): string {
  return guid(rngFor(seed, tenantIndex, "policy", key));
}

export interface DeviceUserRef {
  userId: string;
  userDisplayName: string;
  userPrincipalName: string;
  emailAddress: string;
}

/** Which settings fail, by the kind of problem; used by hard cases and by evolve. */
export const FAILURES = {
  firewallAntivirus: [`${W}ActiveFirewallRequired`, `${W}AntivirusRequired`],
  bitlocker: [`${W}BitLockerEnabled`],
  osVersion: [
    "IosCompliancePolicy.OsMinimumVersion",
    `${W}OsMinimumVersion`,
    "MacOSCompliancePolicy.OsMinimumVersion",
    "AndroidCompliancePolicy.OsMinimumVersion",
    "AndroidWorkProfileCompliancePolicy.OsMinimumVersion",
  ],
  password: [
    "AndroidWorkProfileCompliancePolicy.PasswordRequired",
    "AndroidCompliancePolicy.PasswordRequired",
    "IosCompliancePolicy.PasscodeRequired",
    "MacOSCompliancePolicy.PasswordRequired",
    `${W}PasswordRequired`,
  ],
  jailbreak: ["IosCompliancePolicy.SecurityBlockJailbrokenDevices"],
} as const;

/** Picks one or two failing settings of the platform's policies at random. */
export function randomFailures(rng: Rng, platform: PolicyPlatform): string[] {
  const all = POLICIES[platform].flatMap((p) => p.settings);
  const first = pick(rng, all);
  const second = rng() < 0.35 ? pick(rng, all) : first;
  return first === second ? [first] : [first, second];
}

/**
 * Policy states of a device. `failing` settings get `state` (nonCompliant, error or conflict); every other
 * setting is compliant. A policy is as bad as its worst setting.
 */
export function policyStatesFor(
  seed: number,
  tenantIndex: number,
  platform: PolicyPlatform,
  user: DeviceUserRef,
  failing: readonly string[] = [],
  failState: SimComplianceStatus = "nonCompliant",
): SimPolicyState[] {
  const userless = user.userId === "";
  return [...POLICIES[platform], DEFAULT_POLICY].map((p) => {
    const id = policyId(seed, tenantIndex, p.key);
    const settingStates: SimSettingState[] = p.settings.map((setting) => {
      const bad = failing.includes(setting);
      return {
        setting,
        settingName: null,
        instanceDisplayName: null,
        state: bad ? failState : "compliant",
        errorCode: bad && failState === "error" ? -2016281112 : 0,
        errorDescription: bad && failState === "error" ? "Remediation failed" : null,
        userId: userless ? null : user.userId,
        userName: userless ? "System Account" : user.userDisplayName,
        userEmail: userless ? null : user.emailAddress,
        userPrincipalName: userless ? "System Account" : user.userPrincipalName,
        sources: [{ id: `${id}_${p.version}`, displayName: p.displayName, sourceType: "deviceConfiguration" }],
        currentValue: null,
        settingInstanceId: null,
      };
    });
    const worst = settingStates.find((s) => s.state !== "compliant")?.state ?? "compliant";
    return {
      id,
      displayName: p.displayName,
      version: p.version,
      platformType: p.platformType,
      state: worst,
      settingCount: settingStates.length,
      userId: userless ? null : user.userId,
      userPrincipalName: userless ? null : user.userPrincipalName,
      settingStates,
    };
  });
}

/** The policy platform of a raw Graph device. */
export function policyPlatformOf(device: Record<string, unknown>): PolicyPlatform {
  const os = String(device["operatingSystem"] ?? "").toLowerCase();
  if (os === "windows") return "windows";
  if (os === "ios" || os === "ipados") return "ios";
  if (os === "macos") return "macos";
  return device["managedDeviceOwnerType"] === "personal" ? "androidForWork" : "android";
}

/** Which failing settings apply to a platform, from a list that names several platforms' settings. */
export function failuresFor(platform: PolicyPlatform, wanted: readonly string[]): string[] {
  const own = new Set(POLICIES[platform].flatMap((p) => p.settings));
  return wanted.filter((s) => own.has(s));
}
