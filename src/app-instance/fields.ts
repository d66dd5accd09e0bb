// Custom field ids of the app instance's configuration form (app-offering/form.html). Defined once: the form,
// the settings parser and every write-back use these names, so they cannot drift apart.

/** Tenants are fixed slots: 4me custom fields are flat, and five tenants cover every account we know of. */
export const TENANT_SLOTS = 5;

export const tenantField = {
  domain: (slot: number) => `tenant_${slot}_domain`,
  cloud: (slot: number) => `tenant_${slot}_cloud`,
  /** Written by the connector: pending_consent | connected | failed: <reason>. */
  status: (slot: number) => `tenant_${slot}_status`,
  /** Written by the connector: the admin-consent link while consent is pending. */
  consentUrl: (slot: number) => `tenant_${slot}_consent_url`,
};

export const Field = {
  active: "import_active",
  importWindows: "import_windows",
  importAndroid: "import_android",
  importIos: "import_ios",
  importMacos: "import_macos",
  importPersonal: "import_personal",
  onlyWithPrimaryUser: "import_only_with_primary_user",
  importUserDeleted: "import_user_deleted",
  /** What happens to an imported CI that a filter change excludes: leave | retire. */
  excludedAction: "excluded_action",
  /** CI status for devices in Intune. */
  ciStatus: "ci_status",
  /** CI status for devices gone from Intune: removed | to_be_removed | archived | leave. */
  retireStatus: "retire_status",
  syncIntervalMinutes: "sync_interval_minutes",
  /** Name of the team that supports the CIs and products the connector creates (4me requires one on a CI). */
  supportTeam: "ci_support_team",
  /** Operating-system CIs (issue 17): one software CI per OS family, each device CI pointing at its own. */
  osCis: "os_cis",

  alertsEnabled: "alerts_enabled",
  alertsCategory: "alerts_category",
  alertsImpact: "alerts_impact",
  alertsServiceInstance: "alerts_service_instance",
  alertsTeam: "alerts_team",
  alertsTemplate: "alerts_template",
  alertsDuringGracePeriod: "alerts_during_grace_period",
  alertsAutoResolve: "alerts_auto_resolve",
  /** New alert requests one sync raises at most; the rest wait, listed in one summary request (issue 15). */
  alertsMaxNewPerRun: "alerts_max_new_per_run",

  /** Name patterns of the detected apps to bring in as software CIs (issue 17): one per line or comma-separated. */
  trackedSoftware: "tracked_software",

  // Written by the connector (read-only in the form).
  /** The clouds this deployment has an Entra app registration for, comma-separated; the form offers only those. */
  offeredClouds: "offered_clouds",
  /** Which service instance, team and request template the alert settings name (alert-references.ts). */
  alertsReferences: "alerts_references",
  fleetBreakdown: "fleet_breakdown",
  /** Name, version and device count of the detected apps, for the form's per-pattern counts (software-catalogue.ts). */
  softwareCatalogue: "software_catalogue",
  unlinkedCis: "alerts_unlinked_cis",
  syncStartAt: "sync_start_at",
  syncEndAt: "sync_end_at",
  syncDuration: "sync_duration",
  syncSummary: "sync_summary",
} as const;
