// The three facts the import filters look at, derived from a device. Pure.
import type { IntuneDevice } from "../intune/types.js";

export const PLATFORMS = ["windows", "android", "ios", "macos", "other"] as const;
export type Platform = (typeof PLATFORMS)[number];
export const OWNERSHIPS = ["company", "personal", "unknown"] as const;
export type Ownership = (typeof OWNERSHIPS)[number];
/** user: has a primary user; deleted: its user was deleted; none: userless (kiosk, shared, ADE without affinity). */
export const USER_STATES = ["user", "deleted", "none"] as const;
export type UserState = (typeof USER_STATES)[number];

export interface DeviceClass {
  platform: Platform;
  ownership: Ownership;
  userState: UserState;
}

/** Intune's name for an orphaned device whose primary user was deleted (whitepaper §5.4). */
export const USER_DELETED_NAME = "User deleted for this device";

export function platformOf(d: Pick<IntuneDevice, "operatingSystem" | "deviceType">): Platform {
  const os = `${d.operatingSystem ?? ""} ${d.deviceType ?? ""}`.toLowerCase();
  if (os.includes("windows")) return "windows";
  if (os.includes("android")) return "android";
  if (/\b(ios|ipados|iphone|ipad|ipod)\b/.test(os)) return "ios";
  if (/\b(macos|mac ?os ?x?|macmdm|mac)\b/.test(os)) return "macos";
  return "other";
}

export function ownershipOf(d: Pick<IntuneDevice, "managedDeviceOwnerType">): Ownership {
  const o = (d.managedDeviceOwnerType ?? "").toLowerCase();
  return o === "company" || o === "personal" ? o : "unknown";
}

export function userStateOf(
  d: Pick<IntuneDevice, "deviceName" | "userPrincipalName" | "emailAddress" | "userId">,
): UserState {
  if ((d.deviceName ?? "").trim().toLowerCase() === USER_DELETED_NAME.toLowerCase()) return "deleted";
  const has = (v: string | null | undefined) => !!v && v.trim() !== "" && !/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(v.trim());
  return has(d.userPrincipalName) || has(d.emailAddress) || has(d.userId) ? "user" : "none";
}

export function classify(d: IntuneDevice): DeviceClass {
  return { platform: platformOf(d), ownership: ownershipOf(d), userState: userStateOf(d) };
}

/** Windows and macOS are computers; the personally-owned filter applies to computers only (whitepaper §5.4). */
export function isComputer(platform: Platform): boolean {
  return platform === "windows" || platform === "macos";
}
