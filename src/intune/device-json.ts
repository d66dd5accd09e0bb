// Raw managedDevice JSON → IntuneDevice, defensively: a value of the wrong type becomes null, a record without an
// id is skipped with a reason, nothing throws for one bad record. The $select lists name exactly what we map.
import type { IntuneDevice } from "./types.js";

/**
 * v1.0 properties we map (the recommended import $select of graph-examples/managedDevices-list-v1.0-select.json,
 * minus deviceCategoryDisplayName which we do not map, plus physicalMemoryInBytes which IntuneDevice carries;
 * it is 0 in lists and the mapper treats 0 as unknown).
 */
export const V1_DEVICE_SELECT = [
  "id",
  "deviceName",
  "managedDeviceName",
  "operatingSystem",
  "osVersion",
  "complianceState",
  "complianceGracePeriodExpirationDateTime",
  "managementAgent",
  "managedDeviceOwnerType",
  "deviceEnrollmentType",
  "deviceRegistrationState",
  "enrolledDateTime",
  "lastSyncDateTime",
  "azureADDeviceId",
  "azureADRegistered",
  "isEncrypted",
  "jailBroken",
  "userId",
  "userPrincipalName",
  "userDisplayName",
  "emailAddress",
  "serialNumber",
  "manufacturer",
  "model",
  "imei",
  "meid",
  "phoneNumber",
  "wiFiMacAddress",
  "totalStorageSpaceInBytes",
  "freeStorageSpaceInBytes",
  "physicalMemoryInBytes",
] as const;

/** Beta-only properties, read from /beta with their own $select and merged by id. */
export const BETA_DEVICE_SELECT = ["id", "joinType", "skuFamily", "skuNumber", "chassisType", "deviceType"] as const;

export type BetaFields = Pick<IntuneDevice, "joinType" | "skuFamily" | "skuNumber" | "chassisType" | "deviceType">;

export interface SkippedRecord {
  /** The record's id when it had a usable one. */
  id?: string;
  reason: string;
}

export type Converted<T> = { ok: true; value: T } | { ok: false; skipped: SkippedRecord };

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === "boolean" ? v : null);

/** Int64 arrives as a number, or as a string when the client asks for IEEE754Compatible JSON. */
const num = (v: unknown): number | null => {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) {
    const n = Number(v);
    return Number.isSafeInteger(Math.trunc(n)) ? n : null;
  }
  return null;
};

function idOf(raw: unknown): Converted<Record<string, unknown>> & { id?: string } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, skipped: { reason: "not a JSON object" } };
  }
  const rec = raw as Record<string, unknown>;
  const id = typeof rec.id === "string" ? rec.id.trim() : "";
  if (id === "") return { ok: false, skipped: { reason: "missing device id" } };
  if (id.length > 128) return { ok: false, skipped: { reason: "device id longer than 128 characters" } };
  return { ok: true, value: rec, id };
}

export function toIntuneDevice(raw: unknown, tenantId: string): Converted<IntuneDevice> {
  const checked = idOf(raw);
  if (!checked.ok) return checked;
  const r = checked.value;
  return {
    ok: true,
    value: {
      tenantId,
      id: checked.id!,
      deviceName: str(r.deviceName),
      managedDeviceName: str(r.managedDeviceName),
      serialNumber: str(r.serialNumber),
      manufacturer: str(r.manufacturer),
      model: str(r.model),
      operatingSystem: str(r.operatingSystem),
      osVersion: str(r.osVersion),
      managedDeviceOwnerType: str(r.managedDeviceOwnerType),
      enrolledDateTime: str(r.enrolledDateTime),
      lastSyncDateTime: str(r.lastSyncDateTime),
      complianceState: str(r.complianceState),
      complianceGracePeriodExpirationDateTime: str(r.complianceGracePeriodExpirationDateTime),
      azureADRegistered: bool(r.azureADRegistered),
      azureADDeviceId: str(r.azureADDeviceId),
      deviceEnrollmentType: str(r.deviceEnrollmentType),
      deviceRegistrationState: str(r.deviceRegistrationState),
      managementAgent: str(r.managementAgent),
      isEncrypted: bool(r.isEncrypted),
      jailBroken: str(r.jailBroken),
      totalStorageSpaceInBytes: num(r.totalStorageSpaceInBytes),
      freeStorageSpaceInBytes: num(r.freeStorageSpaceInBytes),
      physicalMemoryInBytes: num(r.physicalMemoryInBytes),
      userId: str(r.userId),
      userPrincipalName: str(r.userPrincipalName),
      userDisplayName: str(r.userDisplayName),
      emailAddress: str(r.emailAddress),
      imei: str(r.imei),
      meid: str(r.meid),
      phoneNumber: str(r.phoneNumber),
      wiFiMacAddress: str(r.wiFiMacAddress),
    },
  };
}

export function toBetaFields(raw: unknown): Converted<BetaFields & { id: string }> {
  const checked = idOf(raw);
  if (!checked.ok) return checked;
  const r = checked.value;
  const sku = num(r.skuNumber);
  return {
    ok: true,
    value: {
      id: checked.id!,
      joinType: str(r.joinType),
      skuFamily: str(r.skuFamily),
      skuNumber: sku !== null && Number.isInteger(sku) ? sku : null,
      chassisType: str(r.chassisType),
      deviceType: str(r.deviceType),
    },
  };
}
