// The app instance's configuration, parsed from its custom fields. Pure and tolerant: 4me sends checkbox values
// as booleans or strings depending on the widget, and a missing field means its default.
import { Field, TENANT_SLOTS, tenantField } from "./fields.js";
import { DEFAULT_FILTERS, type ImportFilters } from "../sync/filters.js";
import { patternsProblem, splitPatterns } from "../sync/software-patterns.js";
import { isCloud, type Cloud } from "../intune/clouds.js";

export const ACTIVE_CI_STATUSES = [
  "in_production",
  "installed",
  "being_tested",
  "standby_for_continuity",
  "in_stock",
  "lent_out",
] as const;
export type RetireStatus = "removed" | "to_be_removed" | "archived" | "leave";
export type RequestCategory = "incident" | "rfc" | "rfi" | "other";
export type RequestImpact = "low" | "medium" | "high" | "top";

export interface TenantSetting {
  slot: number;
  /** Lower-cased tenant domain as the administrator typed it, e.g. contoso.onmicrosoft.com. */
  domain: string;
  cloud: Cloud;
}

export interface AlertSettings {
  enabled: boolean;
  category: RequestCategory;
  impact: RequestImpact;
  serviceInstanceId?: string;
  teamId?: string;
  templateId?: string;
  duringGracePeriod: boolean;
  autoResolve: boolean;
  /**
   * Set by the refresh when a reference above was not found in 4me (alert-references.ts): the ids above are then
   * only those found, and no request goes out until the form is fixed.
   */
  referenceProblem?: string;
  /** New requests a run raises at most (1–10,000, default 100); past it one summary request lists the rest. */
  maxNewPerRun: number;
}

export const DEFAULT_MAX_NEW_ALERTS_PER_RUN = 100;
export const MAX_NEW_ALERTS_PER_RUN = 10_000;

export interface InstanceSettings {
  tenants: TenantSetting[];
  filters: ImportFilters;
  ciStatus: string;
  retireStatus: RetireStatus;
  excludedAction: "leave" | "retire";
  /** Team name given to new products and CIs; without it 4me refuses CIs whose product has no support team. */
  supportTeam?: string;
  /** One software CI per operating-system family, pointed at by each device CI's operatingSystemId (default on). */
  osCis: boolean;
  syncIntervalMinutes: number;
  alerts: AlertSettings;
  /** Absent in settings stored before issue 17: none tracked. */
  trackedSoftware?: TrackedSoftwareSettings;
}

export interface TrackedSoftwareSettings {
  /** Name patterns of the detected apps to bring in (software-patterns.ts); empty: none. */
  patterns: string[];
  /**
   * Why the field cannot be used, in one line. Then `patterns` is empty and the software already recorded must be
   * left as it is: a typo in the form must not remove every software relation.
   */
  problem?: string;
}

export interface CustomFieldValue {
  id: string;
  value: unknown;
}

export interface SettingsLimits {
  defaultIntervalMinutes: number;
  minIntervalMinutes: number;
}

export function parseSettings(fields: CustomFieldValue[], limits: SettingsLimits): InstanceSettings {
  const byId = new Map(fields.map((f) => [f.id, f.value]));
  const bool = (id: string, dflt: boolean) => toBool(byId.get(id), dflt);
  const str = (id: string) => {
    const v = byId.get(id);
    if (v === null || v === undefined) return undefined;
    const s = String(v).trim();
    return s === "" ? undefined : s;
  };
  const oneOf = <T extends string>(id: string, options: readonly T[], dflt: T): T => {
    const v = str(id);
    return v && (options as readonly string[]).includes(v) ? (v as T) : dflt;
  };

  const tenants: TenantSetting[] = [];
  for (let slot = 1; slot <= TENANT_SLOTS; slot++) {
    const domain = str(tenantField.domain(slot))?.toLowerCase();
    if (!domain) continue;
    const cloud = str(tenantField.cloud(slot)) ?? "global";
    tenants.push({ slot, domain, cloud: isCloud(cloud) ? cloud : "global" });
  }

  const interval = Number(str(Field.syncIntervalMinutes));
  return {
    tenants,
    filters: {
      active: bool(Field.active, DEFAULT_FILTERS.active),
      windows: bool(Field.importWindows, DEFAULT_FILTERS.windows),
      android: bool(Field.importAndroid, DEFAULT_FILTERS.android),
      ios: bool(Field.importIos, DEFAULT_FILTERS.ios),
      macos: bool(Field.importMacos, DEFAULT_FILTERS.macos),
      personal: bool(Field.importPersonal, DEFAULT_FILTERS.personal),
      onlyWithPrimaryUser: bool(Field.onlyWithPrimaryUser, DEFAULT_FILTERS.onlyWithPrimaryUser),
      userDeleted: bool(Field.importUserDeleted, DEFAULT_FILTERS.userDeleted),
    },
    ciStatus: oneOf(Field.ciStatus, ACTIVE_CI_STATUSES, "in_production"),
    retireStatus: oneOf(Field.retireStatus, ["removed", "to_be_removed", "archived", "leave"] as const, "removed"),
    excludedAction: oneOf(Field.excludedAction, ["leave", "retire"] as const, "leave"),
    supportTeam: str(Field.supportTeam),
    osCis: bool(Field.osCis, true),
    syncIntervalMinutes:
      Number.isFinite(interval) && interval > 0
        ? Math.max(limits.minIntervalMinutes, Math.round(interval))
        : limits.defaultIntervalMinutes,
    alerts: {
      enabled: bool(Field.alertsEnabled, false),
      category: oneOf(Field.alertsCategory, ["incident", "rfc", "rfi", "other"] as const, "incident"),
      impact: oneOf(Field.alertsImpact, ["low", "medium", "high", "top"] as const, "low"),
      serviceInstanceId: str(Field.alertsServiceInstance),
      teamId: str(Field.alertsTeam),
      templateId: str(Field.alertsTemplate),
      duringGracePeriod: bool(Field.alertsDuringGracePeriod, false),
      autoResolve: bool(Field.alertsAutoResolve, true),
      maxNewPerRun: boundedInt(
        str(Field.alertsMaxNewPerRun),
        1,
        MAX_NEW_ALERTS_PER_RUN,
        DEFAULT_MAX_NEW_ALERTS_PER_RUN,
      ),
    },
    trackedSoftware: trackedSoftwareOf(byId.get(Field.trackedSoftware)),
  };
}

/** Undefined when none is tracked, so settings from before issue 17 keep their fingerprint (no sync is started). */
function trackedSoftwareOf(raw: unknown): TrackedSoftwareSettings | undefined {
  const patterns = splitPatterns(raw);
  const problem = patternsProblem(patterns);
  if (problem) return { patterns: [], problem };
  return patterns.length > 0 ? { patterns } : undefined;
}

/** A whole number within [min, max]; anything else (empty, text, a fraction) is the default. */
function boundedInt(value: string | undefined, min: number, max: number, dflt: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n)) return dflt;
  return Math.min(max, Math.max(min, n));
}

export function toBool(value: unknown, dflt: boolean): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["true", "1", "yes", "on", "y"].includes(v)) return true;
    if (["false", "0", "no", "off", "n", ""].includes(v)) return v === "" ? dflt : false;
  }
  return dflt;
}
