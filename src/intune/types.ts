// Our own types for what the Intune reader returns. Raw Graph JSON stops inside src/intune/.

export type ComplianceState =
  "unknown" | "compliant" | "noncompliant" | "conflict" | "error" | "inGracePeriod" | "configManager";

export type OwnerType = "company" | "personal" | "unknown";

/**
 * One Intune managed device as read from Graph (v1.0 plus the optional beta fields), with property names kept
 * as Graph spells them so the README's field table can name its source. Values are as Graph sent them:
 * cleaning sentinels (0001-01-01, zero storage, all-zero ids) is the mapper's job, not the reader's.
 */
export interface IntuneDevice {
  /** Entra tenant id (GUID) the device was read from. */
  tenantId: string;
  id: string;
  deviceName: string | null;
  managedDeviceName?: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  model: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  managedDeviceOwnerType: OwnerType | string | null;
  enrolledDateTime: string | null;
  lastSyncDateTime: string | null;
  complianceState: ComplianceState | string | null;
  complianceGracePeriodExpirationDateTime?: string | null;
  azureADRegistered: boolean | null;
  azureADDeviceId: string | null;
  deviceEnrollmentType?: string | null;
  deviceRegistrationState?: string | null;
  managementAgent: string | null;
  isEncrypted: boolean | null;
  /** A string in Graph ("True" / "False" / "Unknown" / ""). */
  jailBroken: string | null;
  totalStorageSpaceInBytes: number | null;
  freeStorageSpaceInBytes: number | null;
  physicalMemoryInBytes: number | null;
  userId: string | null;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  emailAddress: string | null;
  imei: string | null;
  meid?: string | null;
  phoneNumber: string | null;
  wiFiMacAddress?: string | null;
  /** Beta only; absent when the beta read failed or the cloud has no beta. */
  joinType?: string | null;
  skuFamily?: string | null;
  skuNumber?: number | null;
  chassisType?: string | null;
  deviceType?: string | null;
}

/** A failing compliance policy with its failing settings, read for noncompliant devices. */
export interface PolicyFailure {
  policyId: string;
  policyName: string;
  state: string;
  settings: { setting: string; settingName: string; state: string; errorDescription?: string | null }[];
}

export interface DeviceCompliance {
  tenantId: string;
  deviceId: string;
  state: ComplianceState | string;
  policies: PolicyFailure[];
}
