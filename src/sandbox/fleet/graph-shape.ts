// The managedDevice property sets of Graph v1.0 and beta (graph-examples/*-list-*-page.json carry exactly these,
// in this order), and the beta values v1.0 cannot show. Kept in the repo: /work/shared is not there at run time.

export const V1_PROPS = [
  "id",
  "userId",
  "deviceName",
  "managedDeviceOwnerType",
  "managementState",
  "enrolledDateTime",
  "lastSyncDateTime",
  "operatingSystem",
  "complianceState",
  "jailBroken",
  "managementAgent",
  "osVersion",
  "easActivated",
  "easDeviceId",
  "easActivationDateTime",
  "azureADRegistered",
  "deviceEnrollmentType",
  "activationLockBypassCode",
  "emailAddress",
  "enrollmentProfileName",
  "azureADDeviceId",
  "deviceRegistrationState",
  "deviceCategoryDisplayName",
  "isSupervised",
  "exchangeLastSuccessfulSyncDateTime",
  "exchangeAccessState",
  "exchangeAccessStateReason",
  "remoteAssistanceSessionUrl",
  "remoteAssistanceSessionErrorDetails",
  "isEncrypted",
  "userPrincipalName",
  "model",
  "manufacturer",
  "imei",
  "complianceGracePeriodExpirationDateTime",
  "serialNumber",
  "phoneNumber",
  "androidSecurityPatchLevel",
  "userDisplayName",
  "configurationManagerClientEnabledFeatures",
  "wiFiMacAddress",
  "deviceHealthAttestationState",
  "subscriberCarrier",
  "meid",
  "totalStorageSpaceInBytes",
  "freeStorageSpaceInBytes",
  "managedDeviceName",
  "partnerReportedThreatState",
  "requireUserEnrollmentApproval",
  "managementCertificateExpirationDate",
  "iccid",
  "udid",
  "notes",
  "ethernetMacAddress",
  "physicalMemoryInBytes",
  "deviceActionResults",
] as const;

export const BETA_ONLY_PROPS = [
  "hardwareInformation",
  "ownerType",
  "chassisType",
  "deviceType",
  "aadRegistered",
  "lostModeState",
  "azureActiveDirectoryDeviceId",
  "retireAfterDateTime",
  "usersLoggedOn",
  "preferMdmOverGroupPolicyAppliedDateTime",
  "autopilotEnrolled",
  "managementFeatures",
  "roleScopeTagIds",
  "windowsActiveMalwareCount",
  "windowsRemediatedMalwareCount",
  "processorArchitecture",
  "specificationVersion",
  "joinType",
  "skuFamily",
  "skuNumber",
  "bootstrapTokenEscrowed",
  "deviceFirmwareConfigurationInterfaceManaged",
  "chromeOSDeviceInfo",
  "configurationManagerClientHealthState",
  "configurationManagerClientInformation",
  "enrolledByUserPrincipalName",
  "securityPatchLevel",
  "cloudPcRemoteActionResults",
] as const;

export const BETA_PROPS: readonly string[] = [...V1_PROPS, ...BETA_ONLY_PROPS];
const V1_SET: ReadonlySet<string> = new Set(V1_PROPS);
const BETA_SET: ReadonlySet<string> = new Set(BETA_PROPS);

export function isProperty(version: "v1.0" | "beta", name: string): boolean {
  return (version === "v1.0" ? V1_SET : BETA_SET).has(name);
}

/** Null / 0 in a LIST; filled only by GET …/managedDevices/{id}?$select=<prop> (CSDL v1.0 descriptions). */
export const GET_BY_ID_ONLY = [
  "activationLockBypassCode",
  "ethernetMacAddress",
  "iccid",
  "notes",
  "physicalMemoryInBytes",
  "remoteAssistanceSessionUrl",
  "udid",
] as const;

/** deviceEnrollmentType members that exist in beta only; v1.0 (an evolvable enum) shows `unknownFutureValue`. */
export const BETA_ONLY_ENROLLMENT_TYPES: ReadonlySet<string> = new Set([
  "azureAdJoinUsingAzureVmExtension",
  "androidEnterpriseDedicatedDevice",
  "androidEnterpriseFullyManaged",
  "androidEnterpriseCorporateWorkProfile",
]);

/** configurationManagerClientEnabledFeatures has 6 flags in v1.0; beta adds these two. */
export const BETA_ONLY_CM_FEATURES = ["endpointProtection", "officeApps"] as const;

/** The LIST stub of beta hardwareInformation (mostly empty), derived from the device when served. */
export function hardwareStub(d: Record<string, unknown>): Record<string, unknown> {
  const windows = d["operatingSystem"] === "Windows";
  return {
    "@odata.type": "microsoft.graph.hardwareInformation",
    batteryChargeCycles: 0,
    batteryHealthPercentage: 0,
    batteryLevelPercentage: null,
    batterySerialNumber: null,
    cellularTechnology: null,
    deviceFullQualifiedDomainName: null,
    deviceGuardLocalSystemAuthorityCredentialGuardState: windows ? "running" : "notConfigured",
    deviceGuardVirtualizationBasedSecurityHardwareRequirementState: "meetHardwareRequirements",
    deviceGuardVirtualizationBasedSecurityState: windows ? "running" : "notConfigured",
    deviceLicensingLastErrorCode: 0,
    deviceLicensingLastErrorDescription: null,
    deviceLicensingStatus: "unknown",
    esimIdentifier: null,
    freeStorageSpace: 0,
    imei: d["imei"] ? d["imei"] : null,
    ipAddressV4: null,
    isEncrypted: false,
    isSharedDevice: false,
    isSupervised: false,
    manufacturer: d["manufacturer"] ?? null,
    meid: null,
    model: d["model"] ?? null,
    operatingSystemEdition: null,
    operatingSystemLanguage: null,
    operatingSystemProductType: 0,
    osBuildNumber: null,
    phoneNumber: null,
    productName: null,
    residentUsersCount: null,
    serialNumber: d["serialNumber"] ? d["serialNumber"] : null,
    sharedDeviceCachedUsers: [],
    subnetAddress: null,
    subscriberCarrier: null,
    systemManagementBIOSVersion: null,
    totalStorageSpace: 0,
    tpmManufacturer: null,
    tpmSpecificationVersion: null,
    tpmVersion: null,
    wifiMac: null,
    wiredIPv4Addresses: [],
  };
}

/** hardwareInformation as GET-by-id with $select returns it: the stub filled from what the device reports. */
export function hardwareFull(d: Record<string, unknown>): Record<string, unknown> {
  const windows = d["operatingSystem"] === "Windows";
  return {
    ...hardwareStub(d),
    batteryHealthPercentage: 91,
    deviceFullQualifiedDomainName: windows ? d["deviceName"] : null,
    freeStorageSpace: d["freeStorageSpaceInBytes"] ?? 0,
    isEncrypted: d["isEncrypted"] ?? false,
    isSupervised: d["isSupervised"] ?? false,
    operatingSystemEdition: windows ? d["skuFamily"] : null,
    operatingSystemProductType: windows ? (d["skuNumber"] ?? 0) : 0,
    phoneNumber: d["phoneNumber"] ? d["phoneNumber"] : null,
    subscriberCarrier: d["subscriberCarrier"] ? d["subscriberCarrier"] : null,
    totalStorageSpace: d["totalStorageSpaceInBytes"] ?? 0,
    wifiMac: d["wiFiMacAddress"] ? d["wiFiMacAddress"] : null,
  };
}
