// The administrator's import filters (whitepaper §5.4). Pure. The configuration form's live count
// (app-offering/form/filters.js) applies the same rules in the browser; a unit test keeps the two in step.
import { isComputer, type DeviceClass } from "./device-class.js";

export interface ImportFilters {
  /** Nothing is imported until the administrator activates the import. */
  active: boolean;
  windows: boolean;
  android: boolean;
  ios: boolean;
  macos: boolean;
  /** Import personally owned computers. Phones and tablets follow their platform switch only. */
  personal: boolean;
  /** Only devices with a primary user; also excludes "User deleted for this device". */
  onlyWithPrimaryUser: boolean;
  /** Import devices whose primary user was deleted (off by default). */
  userDeleted: boolean;
}

export const DEFAULT_FILTERS: ImportFilters = {
  active: false,
  windows: false,
  android: false,
  ios: false,
  macos: false,
  personal: false,
  onlyWithPrimaryUser: false,
  userDeleted: false,
};

export type ExclusionReason = "inactive" | "platform" | "personal" | "no_primary_user" | "user_deleted";

/** Why a device of this class is not imported, or null when it is. `active` is not consulted (see `wouldImport`). */
export function exclusionReason(c: DeviceClass, f: ImportFilters): ExclusionReason | null {
  const platformOn = c.platform !== "other" && f[c.platform];
  if (!platformOn) return "platform";
  if (c.ownership === "personal" && isComputer(c.platform) && !f.personal) return "personal";
  if (c.userState === "deleted" && (!f.userDeleted || f.onlyWithPrimaryUser)) return "user_deleted";
  if (c.userState === "none" && f.onlyWithPrimaryUser) return "no_primary_user";
  return null;
}

/** The import decision the sync applies: the filters, gated by the Activate switch. */
export function isImported(c: DeviceClass, f: ImportFilters): boolean {
  return f.active && exclusionReason(c, f) === null;
}
