// One ordinary managed device as Graph returns it (v1.0 + beta properties, beta list order), drawn from its own
// random stream. Hard cases are applied on top by hard-cases.ts.
import { MODELS, type Kind, type Model } from "./catalog.js";
import { AS_OF, DAY, NEVER, NO_GRACE, enrolmentStamp, iso } from "./dates.js";
import type { SimUser, TenantContext } from "./people.js";
import { alnum, digits, guid, hex, int, mix, pick, type Rng } from "./prng.js";

const WIN_VERSIONS = ["10.0.22631.3593", "10.0.22631.4037", "10.0.22621.3880", "10.0.19045.4412", "10.0.26100.2033"];
const IOS_VERSIONS = ["17.5.1", "17.6.1", "18.0.1", "18.1", "16.7.10"];
const MAC_VERSIONS = ["14.5 (23F79)", "14.6.1 (23G93)", "15.1 (24B83)", "13.6.7 (22G720)"];
const ANDROID = [
  ["14", "2025-04-01"],
  ["13", "2024-11-01"],
  ["15", "2025-05-05"],
] as const;
const CARRIERS = ["KPN", "Vodafone NL", "Odido", "T-Mobile"];
const TOKEN: Record<Kind, string> = {
  winLaptop: "Windows",
  winDesktop: "Windows",
  iphone: "IPhone",
  ipad: "IPad",
  androidCompany: "AndroidEnterprise",
  androidPersonal: "AndroidForWork",
  mac: "MacMDM",
};

export function serialFor(rng: Rng, model: Model): string {
  switch (model.serial) {
    case "dell":
      return alnum(rng, 7);
    case "hp":
      return `5CG${alnum(rng, 7)}`;
    case "lenovo":
      return `PF${alnum(rng, 6)}`;
    case "surface":
      return digits(rng, 12);
    case "apple":
      return alnum(rng, 10);
    case "samsung":
      return `R5C${alnum(rng, 8)}`;
    case "pixel":
      return `${digits(rng, 5)}FDH${digits(rng, 4)}${alnum(rng, 2)}`;
  }
}

/** Device ids end in the device's index (xor a per-tenant mask), so a lazy tenant finds device i by its id. */
export function deviceId(ctx: TenantContext, rng: Rng, index: number): string {
  const mask = mix(ctx.seed, ctx.tenantIndex, "idmask");
  const tail = ((index ^ mask) >>> 0).toString(16).padStart(8, "0");
  return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${"89ab"[int(rng, 0, 3)]}${hex(rng, 3)}-${hex(rng, 4)}${tail}`;
}

export function indexOfDeviceId(ctx: TenantContext, id: string): number {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return -1;
  return (parseInt(id.slice(-8), 16) ^ mix(ctx.seed, ctx.tenantIndex, "idmask")) >>> 0;
}

// Shared and frozen: 100k devices need not carry 100k copies of the same empty list.
const EMPTY: readonly never[] = Object.freeze([]);
const SCOPE_TAGS: readonly string[] = Object.freeze(["0"]);

export interface DeviceOptions {
  kind: Kind;
  user: SimUser | null;
  /** Overrides the kind's usual ownership. */
  owner?: "company" | "personal";
}

function name(ctx: TenantContext, rng: Rng, kind: Kind, model: Model, user: SimUser | null, index: number): string {
  const n = String(index + 1).padStart(4, "0");
  switch (kind) {
    case "winLaptop":
      return `${ctx.prefix}-${model.serial === "surface" ? "SP" : "LT"}-${n}`;
    case "winDesktop":
      return `${ctx.prefix}-WS-${n}`;
    case "mac":
      return user && rng() < 0.3 ? `${user.possessive} ${model.model}` : `${ctx.prefix}-MBP-${n}`;
    case "iphone":
      return user && rng() < 0.7 ? `${user.possessive} iPhone` : "iPhone";
    case "ipad":
      return user && rng() < 0.5 ? `${user.possessive} iPad` : "iPad";
    default:
      return model.productName.replace(/^(Samsung|Google) /, "");
  }
}

export function buildDevice(ctx: TenantContext, rng: Rng, index: number, opts: DeviceOptions): Record<string, unknown> {
  const { kind, user } = opts;
  const model = pick(rng, MODELS[kind]);
  const windows = kind === "winLaptop" || kind === "winDesktop";
  const apple = kind === "iphone" || kind === "ipad" || kind === "mac";
  const android = kind === "androidCompany" || kind === "androidPersonal";
  const mobile = kind === "iphone" || kind === "ipad" || android;
  const owner =
    opts.owner ?? (kind === "androidPersonal" || (kind === "iphone" && rng() < 0.2) ? "personal" : "company");
  const personal = owner === "personal";
  const enrolled = AS_OF - int(rng, 20, 1400) * DAY - int(rng, 0, DAY / 1000) * 1000;
  const lastSync = rng() < 0.07 ? AS_OF - int(rng, 8, 120) * DAY : AS_OF - int(rng, 0, (2 * DAY) / 1000) * 1000;
  const years = Math.max(1, Math.ceil((lastSync - enrolled) / (365 * DAY)));
  const certExpiry = enrolled + years * 365 * DAY - 600_000;
  const total = pick(rng, model.storageGb) * 1e9 * 0.93;
  const free = Math.floor(total * (0.15 + rng() * 0.6));
  const [androidVersion, patch] = pick(rng, ANDROID);
  const hybrid = windows && rng() < 0.25;
  const autopilot = windows && !hybrid && rng() < 0.8;
  const cellular = kind === "iphone" || (kind === "androidCompany" && !personal) || (kind === "ipad" && rng() < 0.2);
  const enrollmentType = windows
    ? personal
      ? "userEnrollment"
      : hybrid
        ? "windowsAutoEnrollment"
        : "windowsAzureADJoin"
    : kind === "androidCompany"
      ? rng() < 0.6
        ? "androidEnterpriseCorporateWorkProfile"
        : "androidEnterpriseFullyManaged"
      : personal
        ? kind === "iphone"
          ? "appleUserEnrollment"
          : "userEnrollment"
        : "appleBulkWithUser";
  const upn = user?.upn ?? "";
  const aadId = guid(rng);
  const sku = windows
    ? rng() < 0.8
      ? (["Enterprise", 4] as const)
      : (["Professional", 48] as const)
    : (["", 0] as const);
  return {
    id: deviceId(ctx, rng, index),
    userId: user?.id ?? "",
    deviceName: name(ctx, rng, kind, model, user, index),
    managedDeviceOwnerType: owner,
    managementState: "managed",
    enrolledDateTime: iso(enrolled),
    lastSyncDateTime: iso(lastSync),
    operatingSystem: windows ? "Windows" : kind === "mac" ? "macOS" : android ? "Android" : "iOS",
    complianceState: "compliant",
    jailBroken: kind === "iphone" || kind === "ipad" || android ? "False" : "Unknown",
    managementAgent:
      kind === "androidCompany" && enrollmentType === "androidEnterpriseFullyManaged" && rng() < 0.5
        ? "googleCloudDevicePolicyController"
        : "mdm",
    osVersion: windows
      ? pick(rng, WIN_VERSIONS)
      : kind === "mac"
        ? pick(rng, MAC_VERSIONS)
        : android
          ? androidVersion
          : pick(rng, IOS_VERSIONS),
    easActivated: false,
    easDeviceId: "",
    easActivationDateTime: NEVER,
    azureADRegistered: true,
    deviceEnrollmentType: enrollmentType,
    activationLockBypassCode: null,
    emailAddress: user?.email ?? "",
    enrollmentProfileName: autopilot
      ? "Autopilot - User Driven"
      : !personal && apple
        ? `ADE ${kind === "mac" ? "macOS" : kind === "ipad" ? "iPad" : "iPhone"} - Corporate`
        : null,
    azureADDeviceId: aadId,
    deviceRegistrationState: "registered",
    deviceCategoryDisplayName: "Unknown",
    isSupervised: apple && !personal,
    exchangeLastSuccessfulSyncDateTime: NEVER,
    exchangeAccessState: "none",
    exchangeAccessStateReason: "none",
    remoteAssistanceSessionUrl: null,
    remoteAssistanceSessionErrorDetails: null,
    isEncrypted: rng() < 0.93,
    userPrincipalName: upn,
    model: model.model,
    manufacturer: model.manufacturer,
    imei: cellular ? `35${digits(rng, 13)}` : "",
    complianceGracePeriodExpirationDateTime: NO_GRACE,
    serialNumber: kind === "androidPersonal" ? "" : serialFor(rng, model),
    phoneNumber: cellular && rng() < 0.8 ? `+316${digits(rng, 8)}` : "",
    androidSecurityPatchLevel: android ? patch : "",
    userDisplayName: user?.displayName ?? "",
    configurationManagerClientEnabledFeatures: null,
    wiFiMacAddress:
      kind === "androidPersonal" || kind === "winDesktop" ? "" : windows ? hex(rng, 12).toUpperCase() : hex(rng, 12),
    deviceHealthAttestationState: null,
    subscriberCarrier: cellular ? pick(rng, CARRIERS) : "",
    meid: cellular && kind === "iphone" ? digits(rng, 14) : "",
    totalStorageSpaceInBytes: Math.floor(total),
    freeStorageSpaceInBytes: free,
    managedDeviceName: `${upn.split("@")[0] ?? ""}_${TOKEN[kind]}_${enrolmentStamp(enrolled)}`,
    partnerReportedThreatState: "unknown",
    requireUserEnrollmentApproval: windows ? null : false,
    managementCertificateExpirationDate: iso(certExpiry),
    iccid: null,
    udid: null,
    notes: null,
    ethernetMacAddress: null,
    physicalMemoryInBytes: 0,
    deviceActionResults: EMPTY,
    ownerType: owner,
    chassisType:
      kind === "winDesktop" || model.model === "iMac" || model.model === "Mac mini"
        ? "desktop"
        : windows || kind === "mac"
          ? "laptop"
          : kind === "ipad"
            ? "tablet"
            : "phone",
    deviceType: windows
      ? "windowsRT"
      : kind === "mac"
        ? "macMDM"
        : kind === "iphone"
          ? "iPhone"
          : kind === "ipad"
            ? "iPad"
            : personal
              ? "androidForWork"
              : "androidEnterprise",
    aadRegistered: true,
    lostModeState: "disabled",
    azureActiveDirectoryDeviceId: aadId,
    retireAfterDateTime: NEVER,
    usersLoggedOn: windows && user ? [{ userId: user.id, lastLogOnDateTime: iso(lastSync - 1_200_000) }] : EMPTY,
    preferMdmOverGroupPolicyAppliedDateTime: NEVER,
    autopilotEnrolled: autopilot,
    managementFeatures: "none",
    roleScopeTagIds: SCOPE_TAGS,
    windowsActiveMalwareCount: 0,
    windowsRemediatedMalwareCount: 0,
    processorArchitecture: windows ? "x64" : kind === "mac" ? "arM64" : "unknown",
    specificationVersion: windows ? "2.0" : null,
    joinType: windows
      ? personal
        ? "azureADRegistered"
        : hybrid
          ? "hybridAzureADJoined"
          : "azureADJoined"
      : mobile && !user
        ? "unknown"
        : "azureADRegistered",
    skuFamily: sku[0],
    skuNumber: sku[1],
    bootstrapTokenEscrowed: kind === "mac",
    deviceFirmwareConfigurationInterfaceManaged: false,
    chromeOSDeviceInfo: EMPTY,
    configurationManagerClientHealthState: null,
    configurationManagerClientInformation: null,
    enrolledByUserPrincipalName: upn,
    securityPatchLevel: android ? patch : null,
    cloudPcRemoteActionResults: EMPTY,
  };
}
