// The hard cases every fleet of 200 or more devices contains. Each owns one slot in every block of 200 device
// indices, so any 200 consecutive devices hold them all. A case returns the device and its compliance story.
import type { Kind } from "./catalog.js";
import { FAILURES } from "./compliance.js";
import { AS_OF, DAY, NEVER, enrolmentStamp, iso } from "./dates.js";
import { buildDevice } from "./device.js";
import { userAt, userWithoutPerson, type SimUser, type TenantContext } from "./people.js";
import { alnum, digits, guid, int, type Rng } from "./prng.js";
import type { SimComplianceStatus } from "./types.js";

export interface Drawn {
  device: Record<string, unknown>;
  state: string;
  failing: readonly string[];
  failState?: SimComplianceStatus;
}

export type Draw = (ctx: TenantContext, rng: Rng, index: number, user: SimUser) => Drawn;

export const USER_DELETED = "User deleted for this device";
const ZERO_ID = "00000000-0000-0000-0000-000000000000";
const ok = (device: Record<string, unknown>): Drawn => ({ device, state: "compliant", failing: [] });
const make =
  (kind: Kind, user: SimUser | null, owner?: "company" | "personal") => (ctx: TenantContext, rng: Rng, index: number) =>
    buildDevice(ctx, rng, index, { kind, user, owner });
const bad = (device: Record<string, unknown>, failing: readonly string[], state = "noncompliant"): Drawn => ({
  device,
  state,
  failing,
});

function orphan(d: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(d, {
    deviceName: USER_DELETED,
    managedDeviceName: USER_DELETED,
    azureADDeviceId: ZERO_ID,
    azureActiveDirectoryDeviceId: ZERO_ID,
    azureADRegistered: false,
    aadRegistered: false,
    deviceRegistrationState: "notRegistered",
    joinType: "unknown",
    totalStorageSpaceInBytes: 0,
    freeStorageSpaceInBytes: 0,
    imei: "",
    meid: "",
    phoneNumber: "",
    subscriberCarrier: "",
    wiFiMacAddress: "",
    lastSyncDateTime: iso(AS_OF - 75 * DAY),
    enrollmentProfileName: null,
  });
}

function userless(d: Record<string, unknown>, token: string): Record<string, unknown> {
  const stamp = String(d["managedDeviceName"]).split("_").slice(2).join("_");
  return Object.assign(d, { managedDeviceName: `_${token}_${stamp}`, usersLoggedOn: [] });
}

function whitebox(manufacturer: string, model: string, serial: string): Draw {
  return (ctx, rng, index) =>
    ok(
      Object.assign(make("winDesktop", null)(ctx, rng, index), {
        manufacturer,
        model,
        serialNumber: serial,
      }),
    );
}

const CM_FEATURES = (compliance: boolean) => ({
  inventory: true,
  modernApps: false,
  resourceAccess: false,
  deviceConfiguration: false,
  compliancePolicy: compliance,
  windowsUpdateForBusiness: true,
  endpointProtection: false,
  officeApps: false,
});

function coManaged(kind: Kind, compliance: boolean): Draw {
  return (ctx, rng, index, user) => {
    const d = buildDevice(ctx, rng, index, { kind, user });
    Object.assign(d, {
      managementAgent: "configurationManagerClientMdm",
      deviceEnrollmentType: "windowsCoManagement",
      enrollmentProfileName: null,
      autopilotEnrolled: false,
      joinType: "hybridAzureADJoined",
      configurationManagerClientEnabledFeatures: CM_FEATURES(compliance),
      configurationManagerClientHealthState: {
        state: "healthy",
        errorCode: 0,
        lastSyncDateTime: d["lastSyncDateTime"],
      },
      configurationManagerClientInformation: {
        clientIdentifier: `GUID:${guid(rng).toUpperCase()}`,
        isBlocked: false,
        clientVersion: "5.00.9128.1007",
      },
    });
    return compliance ? ok(d) : { device: d, state: "configManager", failing: [] };
  };
}

/** The re-enrolled device's older record: same hardware and user, its own id, stale since re-enrolment. */
export function staleTwin(original: Record<string, unknown>, rng: Rng, id: string): Drawn {
  const enrolled = Date.parse(String(original["enrolledDateTime"])) - int(rng, 200, 600) * DAY;
  const aad = guid(rng);
  const upn = String(original["userPrincipalName"]);
  const device = {
    ...original,
    id,
    enrolledDateTime: iso(enrolled),
    lastSyncDateTime: iso(Date.parse(String(original["enrolledDateTime"])) - DAY),
    azureADDeviceId: aad,
    azureActiveDirectoryDeviceId: aad,
    usersLoggedOn: [],
    managedDeviceName: `${upn.split("@")[0]}_Windows_${enrolmentStamp(enrolled)}`,
  };
  return bad(device, ["DefaultDeviceCompliancePolicy.RequireRemainContact"]);
}

const LONG_TAIL =
  " 15 Pro Max (work phone – if found please return it to the IT service desk, Amsterdam Zuidas office, " +
  "3rd floor east wing; reward offered; call +31 20 123 4567 or write to the service desk)";

export const HARD_CASES: Record<string, Draw> = {
  userDeleted: (ctx, rng, i) => bad(orphan(make("iphone", null, "personal")(ctx, rng, i)), [FAILURES.osVersion[0]]),
  userDeletedWindows: (ctx, rng, i) => ({
    device: orphan(make("winLaptop", null)(ctx, rng, i)),
    state: "unknown",
    failing: [],
  }),
  kioskWindows: (ctx, rng, i) =>
    ok(
      userless(
        Object.assign(make("winDesktop", null)(ctx, rng, i), {
          deviceName: `${ctx.prefix}-KIOSK-${String(i + 1).padStart(4, "0")}`,
          deviceEnrollmentType: "windowsAzureADJoinUsingDeviceAuth",
          enrollmentProfileName: "Autopilot - Self-Deploying Kiosk",
          autopilotEnrolled: true,
        }),
        "Windows",
      ),
    ),
  kioskAndroid: (ctx, rng, i) =>
    ok(
      userless(
        Object.assign(make("androidCompany", null)(ctx, rng, i), {
          deviceName: `${ctx.prefix}-SCAN-${String(i + 1).padStart(4, "0")}`,
          deviceEnrollmentType: "androidEnterpriseDedicatedDevice",
          enrollmentProfileName: "Warehouse scanners",
          azureADRegistered: false,
          aadRegistered: false,
          joinType: "unknown",
        }),
        "AndroidEnterprise",
      ),
    ),
  cloudPcUserless: (ctx, rng, i) =>
    ok(
      userless(
        Object.assign(make("winDesktop", null)(ctx, rng, i), {
          deviceName: `CPC-kiosk-${alnum(rng, 5)}`,
          manufacturer: "Microsoft Corporation",
          model: "Cloud PC Enterprise 2vCPU/8GB/128GB",
          serialNumber: `0000-${digits(rng, 4)}-${digits(rng, 4)}-${digits(rng, 4)}-${digits(rng, 4)}-${digits(rng, 4)}-${digits(rng, 2)}`,
          deviceType: "cloudPC",
          wiFiMacAddress: "",
          totalStorageSpaceInBytes: 135996112896,
          freeStorageSpaceInBytes: 84412334080,
        }),
        "Windows",
      ),
    ),
  coManagedConfigMgr: coManaged("winDesktop", false),
  coManagedCompliant: coManaged("winLaptop", true),
  serialZero: (ctx, rng, i) =>
    ok(
      Object.assign(make("winDesktop", null)(ctx, rng, i), {
        deviceName: `${ctx.prefix}-VM-${String(i + 1).padStart(4, "0")}`,
        manufacturer: "Microsoft Corporation",
        model: "Virtual Machine",
        serialNumber: "0",
        chassisType: "desktop",
      }),
    ),
  serialOem: whitebox("To Be Filled By O.E.M.", "To Be Filled By O.E.M.", "To be filled by O.E.M."),
  serialDefault: whitebox("Default string", "Default string", "Default string"),
  serialSystem: whitebox("System manufacturer", "System Product Name", "System Serial Number"),
  serialEmpty: (ctx, rng, i, u) => ok(Object.assign(make("winLaptop", u)(ctx, rng, i), { serialNumber: "" })),
  reEnrolOriginal: (ctx, rng, i, u) => ok(make("winLaptop", u)(ctx, rng, i)),
  reEnrolDuplicate: () => {
    throw new Error("reEnrolDuplicate is drawn by generate.ts from its original");
  },
  longName: (ctx, rng, i, u) =>
    ok(Object.assign(make("iphone", u)(ctx, rng, i), { deviceName: `${u.possessive} iPhone${LONG_TAIL}` })),
  nonAsciiName: (ctx, rng, i) => {
    const u = userAt(ctx, 5); // Zoë Müller
    return ok(Object.assign(make("iphone", u)(ctx, rng, i), { deviceName: `${u.possessive} iPhone` }));
  },
  cjkName: (ctx, rng, i) => {
    const u = userAt(ctx, 5 + 23 * 4); // 王芳
    return ok(Object.assign(make("ipad", u)(ctx, rng, i), { deviceName: `${u.possessive}iPad` }));
  },
  zeroEntraId: (ctx, rng, i, u) =>
    ok(
      Object.assign(make("mac", u)(ctx, rng, i), {
        azureADDeviceId: ZERO_ID,
        azureActiveDirectoryDeviceId: ZERO_ID,
        azureADRegistered: false,
        aadRegistered: false,
        deviceRegistrationState: "notRegistered",
        joinType: "unknown",
      }),
    ),
  zeroDates: (ctx, rng, i, u) => ({
    device: Object.assign(make("winLaptop", u)(ctx, rng, i), {
      enrolledDateTime: NEVER,
      lastSyncDateTime: NEVER,
      usersLoggedOn: [],
    }),
    state: "unknown",
    failing: [],
  }),
  zeroStorage: (ctx, rng, i, u) =>
    ok(
      Object.assign(make("winLaptop", u)(ctx, rng, i), {
        totalStorageSpaceInBytes: 0,
        freeStorageSpaceInBytes: 0,
      }),
    ),
  noPerson: (ctx, rng, i) => ok(make("winLaptop", userWithoutPerson(ctx, Math.floor(i / 200)))(ctx, rng, i)),
  ncFirewallAntivirus: (ctx, rng, i, u) => bad(make("winLaptop", u)(ctx, rng, i), FAILURES.firewallAntivirus),
  ncBitLocker: (ctx, rng, i, u) =>
    bad(Object.assign(make("winLaptop", u)(ctx, rng, i), { isEncrypted: false }), FAILURES.bitlocker),
  ncOsVersion: (ctx, rng, i, u) =>
    bad(Object.assign(make("iphone", u)(ctx, rng, i), { osVersion: "16.7.10" }), [FAILURES.osVersion[0]]),
  ncPassword: (ctx, rng, i, u) => bad(make("androidPersonal", u)(ctx, rng, i), [FAILURES.password[0]]),
  graceMac: (ctx, rng, i, u) => ({
    ...bad(make("mac", u)(ctx, rng, i), ["MacOSCompliancePolicy.FirewallEnabled"], "inGracePeriod"),
  }),
  errorState: (ctx, rng, i, u) => ({
    device: make("winLaptop", u)(ctx, rng, i),
    state: "error",
    failing: ["Windows10CompliancePolicy.SecureBootEnabled"],
    failState: "error",
  }),
  conflictState: (ctx, rng, i, u) => ({
    device: make("iphone", u)(ctx, rng, i),
    state: "conflict",
    failing: ["IosCompliancePolicy.PasscodeRequired"],
    failState: "conflict",
  }),
  jailbroken: (ctx, rng, i, u) =>
    bad(Object.assign(make("iphone", u)(ctx, rng, i), { jailBroken: "True" }), FAILURES.jailbreak),
  retirePending: (ctx, rng, i, u) =>
    ok(Object.assign(make("winLaptop", u)(ctx, rng, i), { managementState: "retirePending" })),
  personalWindows: (ctx, rng, i, u) => ok(make("winLaptop", u, "personal")(ctx, rng, i)),
  /** An ordinary laptop whose serial is on two 4me CIs (one active, one archived): see fourme-seed.ts. */
  twoFourMeCis: (ctx, rng, i, u) => ok(make("winLaptop", u)(ctx, rng, i)),
};

export const HARD_CASE_NAMES = Object.keys(HARD_CASES);
export const BLOCK = 200;
