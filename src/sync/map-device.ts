// One Intune device → the CI values we write to 4me. Pure: no clock (ctx.now), no I/O, no logger.
// Field-by-field sources are listed in docs/field-mapping.md. Rule: a fact Intune does not know (0001-01-01 dates,
// zero storage, all-zero ids, "unknown" enums) is written as UNKNOWN; a fact that does not apply (IMEI of a laptop,
// primary user of a kiosk) is written as null. Never a made-up value.
import type { IntuneDevice } from "../intune/types.js";
import { UI_FIELD_IDS, UNKNOWN } from "../ui-fields.js";
import { classify, USER_DELETED_NAME, type DeviceClass } from "./device-class.js";
import { osFamilyOf, osSkuText, type OsFamily } from "./os-family.js";
import { productKeyOf, type ProductKey } from "./products.js";
import { usableSerial } from "./serial.js";

export const CI_SOURCE = "Intune";
/** 4me limits (4me-platform.md §8.1). */
export const MAX_CI_NAME = 160;
export const MAX_SOURCE_ID = 128;

export interface MapContext {
  /** Intune admin-center base URL of the device's cloud (`cloudEndpoints(cloud).adminCenterUrl`). */
  adminCenterUrl: string;
  /** Sync time: dates after it (plus a day of clock skew) are implausible. */
  now: Date;
  /** True when the account has several tenants: sourceID and deep links then name the tenant. */
  qualifySourceId: boolean;
  /** CI status for devices present in Intune (settings.ciStatus). */
  ciStatus: string;
  /** Operating-system CIs on (settings.osCis): each CI carries its OS family, pointed at by operatingSystemId. */
  osCis?: boolean;
}

export type CustomFieldValue = string | number | boolean | null;
export interface CiCustomField {
  id: string;
  value: CustomFieldValue;
}

/** Who to look up in 4me (people by primaryEmail, then authenticationID). Lower-cased. */
export interface PrimaryUser {
  email?: string;
  upn?: string;
}

export interface MappedCi {
  tenantId: string;
  deviceId: string;
  deviceClass: DeviceClass;
  // Standard CI fields.
  name: string;
  serialNr?: string;
  systemID: string;
  source: string;
  sourceID: string;
  status: string;
  /** Intune's lastSyncDateTime (when Intune last heard from the device), ISO without milliseconds. */
  lastSeenAt?: string;
  /** Enrolment date, YYYY-MM-DD. */
  inUseSince?: string;
  /** GB (GiB), one decimal. */
  ramAmount?: number;
  product: ProductKey;
  /** The operating-system family whose software CI this CI points at (operating-system CIs on, OS known). */
  os?: OsFamily;
  primaryUser?: PrimaryUser;
  /** One entry per id in UI_FIELD_IDS, in that order. */
  customFields: CiCustomField[];
}

export type MapWarning =
  | "name_missing"
  | "name_cut"
  | "serial_placeholder"
  | "serial_too_long"
  | "storage_negative"
  | "storage_absurd"
  | "storage_free_exceeds_total"
  | "memory_absurd"
  | "date_unparseable"
  | "date_implausible"
  | "date_in_future";

export type MapSkipReason = "no_device_id" | "no_tenant_id" | "device_id_too_long";

export type MapResult =
  | { ok: true; ci: MappedCi; warnings: MapWarning[] }
  | { ok: false; reason: MapSkipReason; tenantId: string; deviceId: string };

const ZERO_GUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

export function mapDevice(input: IntuneDevice, ctx: MapContext): MapResult {
  const device = sanitise(input);
  const tenantId = clean(device.tenantId);
  const deviceId = clean(device.id);
  if (!deviceId || ZERO_GUID.test(deviceId)) return { ok: false, reason: "no_device_id", tenantId, deviceId };
  if (!tenantId || ZERO_GUID.test(tenantId)) return { ok: false, reason: "no_tenant_id", tenantId, deviceId };
  const sourceID = sourceIdOf(tenantId, deviceId, ctx.qualifySourceId);
  if (sourceID.length > MAX_SOURCE_ID) return { ok: false, reason: "device_id_too_long", tenantId, deviceId };

  const warnings = new Set<MapWarning>();
  const warn = (w: MapWarning | undefined) => w && warnings.add(w);
  const deviceClass = classify(device);
  const product = productKeyOf(device);
  const mobile = deviceClass.platform === "android" || deviceClass.platform === "ios";

  const serial = usableSerial(device.serialNumber);
  if ("rejected" in serial && serial.rejected !== "empty") warn(`serial_${serial.rejected}`);
  const serialNr = "serial" in serial ? serial.serial : undefined;

  const date = (v: string | null | undefined) => {
    const r = parseGraphDate(v, ctx.now);
    warn(r.warning);
    return r.date;
  };
  const lastSync = date(device.lastSyncDateTime);
  const enrolled = date(device.enrolledDateTime);

  const name = ciName(device, product, serialNr ?? deviceId.slice(0, 8));
  name.warnings.forEach(warn);

  const storage = storageGb(device.totalStorageSpaceInBytes, device.freeStorageSpaceInBytes);
  storage.warnings.forEach(warn);
  const ram = ramGb(device.physicalMemoryInBytes);
  warn(ram.warning);

  const upn = lowerOrUndefined(device.userPrincipalName);
  const email = lowerOrUndefined(device.emailAddress) ?? (upn?.includes("@") ? upn : undefined);
  const hasUser = deviceClass.userState === "user";
  const primaryUserText = hasUser ? clean(device.userPrincipalName) || clean(device.emailAddress) || null : null;

  const systemID = intuneDeviceUrl(
    ctx.adminCenterUrl,
    deviceId,
    "overview",
    ctx.qualifySourceId ? tenantId : undefined,
  );
  const os = ctx.osCis ? osFamilyOf(device) : undefined;
  const values: Record<string, CustomFieldValue> = {
    intune_os: clean(device.operatingSystem) || UNKNOWN,
    intune_os_version: clean(device.osVersion) || UNKNOWN,
    intune_os_sku: osSkuText(device, deviceClass.platform, UNKNOWN),
    intune_os_ci: os?.name ?? null,
    intune_storage_total_gb: storage.total,
    intune_storage_free_gb: storage.free,
    intune_enrolled_at: enrolled ? dateOnly(enrolled) : UNKNOWN,
    intune_last_contact_at: lastSync ? isoSeconds(lastSync) : UNKNOWN,
    intune_azure_ad_registered: typeof device.azureADRegistered === "boolean" ? device.azureADRegistered : UNKNOWN,
    intune_join_type: label(JOIN_TYPES, device.joinType),
    intune_ownership: label(OWNERSHIP, device.managedDeviceOwnerType),
    intune_compliance: label(COMPLIANCE, device.complianceState),
    intune_encrypted: typeof device.isEncrypted === "boolean" ? device.isEncrypted : UNKNOWN,
    intune_jailbroken: label(JAILBROKEN, device.jailBroken),
    intune_device_link: systemID,
    intune_management_agent: label(MANAGEMENT_AGENTS, device.managementAgent),
    intune_manufacturer: clean(device.manufacturer) || UNKNOWN,
    intune_model: clean(device.model) || UNKNOWN,
    intune_entra_device_id: entraId(device.azureADDeviceId),
    intune_device_id: deviceId,
    intune_imei: clean(device.imei).replace(/\s+/g, "") || (mobile ? UNKNOWN : null),
    intune_phone_number: clean(device.phoneNumber) || (mobile ? UNKNOWN : null),
    intune_primary_user: primaryUserText,
  };

  const ci: MappedCi = {
    tenantId,
    deviceId,
    deviceClass,
    name: name.value,
    ...(serialNr ? { serialNr } : {}),
    systemID,
    source: CI_SOURCE,
    sourceID,
    status: ctx.ciStatus,
    ...(lastSync ? { lastSeenAt: isoSeconds(lastSync) } : {}),
    ...(enrolled ? { inUseSince: dateOnly(enrolled) } : {}),
    ...(ram.value !== undefined ? { ramAmount: ram.value } : {}),
    product,
    ...(os ? { os } : {}),
    ...(hasUser && (email || upn) ? { primaryUser: { ...(email ? { email } : {}), ...(upn ? { upn } : {}) } } : {}),
    customFields: UI_FIELD_IDS.map((id) => ({ id, value: id in values ? values[id] : null })),
  };
  return { ok: true, ci, warnings: [...warnings] };
}

/**
 * The reader promises these types, but a device is external data: a value of the wrong type becomes null here,
 * so one odd record can never throw out of the mapper and stop a run.
 */
function sanitise(d: IntuneDevice): IntuneDevice {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d ?? {})) {
    const want = typeof (TYPE_PROBE as unknown as Record<string, unknown>)[k];
    out[k] = want === "undefined" || typeof v === want || v === null || v === undefined ? v : null;
  }
  return out as unknown as IntuneDevice;
}

// One value of the right type per known property; properties not listed here pass through untouched.
const TYPE_PROBE: Record<keyof IntuneDevice, string | number | boolean> = {
  tenantId: "",
  id: "",
  deviceName: "",
  managedDeviceName: "",
  serialNumber: "",
  manufacturer: "",
  model: "",
  operatingSystem: "",
  osVersion: "",
  managedDeviceOwnerType: "",
  enrolledDateTime: "",
  lastSyncDateTime: "",
  complianceState: "",
  complianceGracePeriodExpirationDateTime: "",
  azureADRegistered: false,
  azureADDeviceId: "",
  deviceEnrollmentType: "",
  deviceRegistrationState: "",
  managementAgent: "",
  isEncrypted: false,
  jailBroken: "",
  totalStorageSpaceInBytes: 0,
  freeStorageSpaceInBytes: 0,
  physicalMemoryInBytes: 0,
  userId: "",
  userPrincipalName: "",
  userDisplayName: "",
  emailAddress: "",
  imei: "",
  meid: "",
  phoneNumber: "",
  wiFiMacAddress: "",
  joinType: "",
  skuFamily: "",
  skuNumber: 0,
  chassisType: "",
  deviceType: "",
};

/** The CI's external key: the device id, prefixed with the tenant id when the account has several tenants. */
export function sourceIdOf(tenantId: string, deviceId: string, qualify: boolean): string {
  return qualify ? `${tenantId}/${deviceId}` : deviceId;
}

/** Both forms a device's sourceID may have been written in, so adding a second tenant never orphans a CI. */
export function sourceIdCandidates(tenantId: string, deviceId: string): string[] {
  return [`${tenantId}/${deviceId}`, deviceId];
}

/**
 * Deep link to a device page in the Intune admin center (microsoft-graph-intune.md §5). With a tenant id the link
 * is tenant-scoped, so an administrator of several tenants lands in the right directory.
 */
export function intuneDeviceUrl(
  adminCenterUrl: string,
  deviceId: string,
  page: "overview" | "compliance",
  tenantId?: string,
): string {
  const base = adminCenterUrl.replace(/\/+$/, "") + (tenantId ? `/${encodeURIComponent(tenantId)}` : "");
  return `${base}/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/${page}/mdmDeviceId/${encodeURIComponent(deviceId)}`;
}

// ---- names -----------------------------------------------------------------------------------------------------

function ciName(
  d: IntuneDevice,
  product: ProductKey,
  disambiguator: string,
): { value: string; warnings: MapWarning[] } {
  const warnings: MapWarning[] = [];
  let name = clean(d.deviceName);
  // Every orphaned device carries Intune's same placeholder name; add its serial (or id) so the CIs can be told apart.
  if (name.toLowerCase() === USER_DELETED_NAME.toLowerCase()) name = `${USER_DELETED_NAME} (${disambiguator})`;
  if (!name) {
    warnings.push("name_missing");
    name =
      clean(d.managedDeviceName) ||
      (product.model !== "Unknown"
        ? `${product.brand} ${product.model} ${disambiguator}`
        : `Intune device ${disambiguator}`);
  }
  const cut = cutText(name, MAX_CI_NAME);
  if (cut !== name) warnings.push("name_cut");
  return { value: cut, warnings };
}

const segmenter = new Intl.Segmenter("und", { granularity: "grapheme" });

/**
 * Cuts to at most `max` UTF-16 units (so also ≤ max characters however 4me counts), never inside a grapheme,
 * preferring a word boundary near the end, and marks the cut with "…".
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  const space = out.lastIndexOf(" ");
  if (space > 0 && space >= max - 20) out = out.slice(0, space);
  return out.trimEnd() + "…";
}

// ---- values ----------------------------------------------------------------------------------------------------

/** NFC, control and format characters as spaces, whitespace collapsed, trimmed. */
export function clean(s: string | null | undefined): string {
  if (typeof s !== "string") return "";
  return s
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function lowerOrUndefined(s: string | null | undefined): string | undefined {
  const v = clean(s).toLowerCase();
  return v && !ZERO_GUID.test(v) ? v : undefined;
}

function entraId(id: string | null | undefined): string {
  const v = clean(id).toLowerCase();
  return v && !ZERO_GUID.test(v) ? v : UNKNOWN;
}

/** Graph's DateTimeOffset, or why it is not a usable date. 0001-01-01 and 9999-12-31 are "not set" sentinels. */
export function parseGraphDate(value: string | null | undefined, now: Date): { date?: Date; warning?: MapWarning } {
  const v = clean(value);
  if (!v) return {};
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return { warning: "date_unparseable" };
  const year = new Date(ms).getUTCFullYear();
  if (year <= 1 || year >= 9999) return {};
  // Intune dates before 2000 are firmware clock resets, not history.
  if (year < 2000) return { warning: "date_implausible" };
  if (ms > now.getTime() + 86_400_000) return { warning: "date_in_future" };
  return { date: new Date(ms) };
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const GIB = 2 ** 30;
const MAX_STORAGE_BYTES = 2 ** 50; // 1 PiB: no managed endpoint has more
const MAX_MEMORY_BYTES = 2 ** 46; // 64 TiB

/** GB as Windows and the Intune admin center show them (GiB): one decimal below 10, whole above. */
export function bytesToGb(bytes: number): number {
  const gb = bytes / GIB;
  return gb < 10 ? Math.round(gb * 10) / 10 : Math.round(gb);
}

function storageGb(
  total: number | null | undefined,
  free: number | null | undefined,
): { total: number | string; free: number | string; warnings: MapWarning[] } {
  const warnings: MapWarning[] = [];
  const one = (b: number | null | undefined): number | undefined => {
    if (typeof b !== "number" || !Number.isFinite(b) || b === 0) return undefined;
    if (b < 0) warnings.push("storage_negative");
    else if (b > MAX_STORAGE_BYTES) warnings.push("storage_absurd");
    else return b;
    return undefined;
  };
  const t = one(total);
  let f = one(free);
  if (t !== undefined && f !== undefined && f > t) {
    warnings.push("storage_free_exceeds_total");
    f = undefined;
  }
  return {
    total: t !== undefined ? bytesToGb(t) : UNKNOWN,
    free: f !== undefined ? bytesToGb(f) : UNKNOWN,
    warnings,
  };
}

function ramGb(bytes: number | null | undefined): { value?: number; warning?: MapWarning } {
  if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes <= 0) return {};
  if (bytes > MAX_MEMORY_BYTES) return { warning: "memory_absurd" };
  return { value: Math.round((bytes / GIB) * 10) / 10 };
}

const JOIN_TYPES: Record<string, string> = {
  azureadjoined: "AzureADJoined",
  hybridazureadjoined: "HybridAzureADJoined",
  azureadregistered: "AzureADRegistered",
};
const OWNERSHIP: Record<string, string> = { company: "Company", personal: "Personal" };
const COMPLIANCE: Record<string, string> = {
  compliant: "Compliant",
  noncompliant: "Noncompliant",
  ingraceperiod: "In grace period",
  conflict: "Conflict",
  error: "Error",
  configmanager: "Managed by Configuration Manager",
};
const JAILBROKEN: Record<string, string> = { true: "True", false: "False" };
// managementAgentType (microsoft-graph-intune.md §1.2). Co-managed devices carry the ConfigMgr values.
const MANAGEMENT_AGENTS: Record<string, string> = {
  eas: "Exchange ActiveSync",
  mdm: "MDM",
  easmdm: "Exchange ActiveSync and MDM",
  intuneclient: "Intune PC client",
  easintuneclient: "Exchange ActiveSync and Intune PC client",
  configurationmanagerclient: "Configuration Manager",
  configurationmanagerclientmdm: "Configuration Manager and MDM (co-managed)",
  configurationmanagerclientmdmeas: "Configuration Manager, MDM and Exchange ActiveSync (co-managed)",
  jamf: "Jamf",
  googleclouddevicepolicycontroller: "Google Cloud Device Policy Controller",
  microsoft365managedmdm: "Microsoft 365 managed MDM",
  mssense: "Microsoft Defender for Endpoint",
  intuneaosp: "Intune AOSP",
};

/** Enum value → label; unknown, empty and missing values → UNKNOWN; values we have no label for pass through. */
function label(table: Record<string, string>, value: string | null | undefined): string {
  const v = clean(value);
  if (!v || v.toLowerCase() === "unknown" || v.toLowerCase() === "unknownfuturevalue") return UNKNOWN;
  return table[v.toLowerCase()] ?? v;
}
