// Example data for the browser tests and screenshots: the whitepaper's Surface Pro 4 CI (§6.2) and a configuration
// form with a known fleet breakdown.
import { renderCiExtension, loadConfigurationForm } from "../../../src/extension/render.js";
import { renderPreviewPage } from "../../../src/extension/preview.js";
import { CI_UI_EXTENSION } from "../../../src/fourme/customer-api.js";

export const SURFACE_DEVICE_ID = "23c135f0-2f7d-4992-8278-d750aef9e4d7";
export const SURFACE_DEEP_LINK =
  "https://intune.microsoft.com/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/" +
  SURFACE_DEVICE_ID;

/** The CI's Intune custom fields as the connector writes them (values from the whitepaper's example). */
export const SURFACE_PRO_4_VALUES: Record<string, unknown> = {
  intune_os: "Windows",
  intune_os_version: "10.0.22621.1",
  intune_os_sku: "Windows 10/11 Professional (48)",
  intune_storage_total_gb: 235,
  intune_storage_free_gb: 151,
  intune_enrolled_at: "2022-05-17",
  intune_last_contact_at: "2022-06-13T08:41:00Z",
  intune_azure_ad_registered: true,
  intune_join_type: "AzureADJoined",
  intune_ownership: "Company",
  intune_compliance: "Noncompliant",
  intune_encrypted: true,
  intune_jailbroken: "Unknown",
  intune_device_link: SURFACE_DEEP_LINK,
  intune_management_agent: "MDM",
  intune_manufacturer: "Microsoft Corporation",
  intune_model: "Surface Pro 4",
  intune_entra_device_id: "9d3f0a61-5c2b-4e8f-a1d7-3b6e2c4f8a90",
  intune_device_id: SURFACE_DEVICE_ID,
  intune_imei: "",
  intune_phone_number: "",
  intune_primary_user: "anders.ravnholt@uphill.example",
};

/** The Surface Pro 4 CI; `view`: shown, not edited (values in place before the script, no after-prefill). */
export function ciExtensionPage(mode: "edit" | "view" = "edit"): string {
  return renderPreviewPage({
    mode,
    title: "COMPUTERS00015 - Uphill-Surface-Pro4",
    breadcrumb: "Records › Configuration Items › COMPUTERS00015",
    extensionTitle: CI_UI_EXTENSION.title,
    extension: renderCiExtension(),
    values: SURFACE_PRO_4_VALUES,
    record: {
      heading: "COMPUTERS00015 - Uphill-Surface-Pro4",
      fields: [
        { label: "Product brand", value: "Microsoft Corporation" },
        { label: "Product model", value: "Surface Pro 4" },
        { label: "Product category", value: "Computers" },
        { label: "System ID", value: SURFACE_DEEP_LINK, href: SURFACE_DEEP_LINK },
        { label: "Status", value: "In Production" },
        { label: "Support team", value: "Service Desk" },
      ],
      relations: [
        { label: "Users", value: "Anders Ravnholt" },
        { label: "Product", value: "Microsoft Corporation Surface Pro 4" },
      ],
    },
  });
}

/** A fleet covering every kind of device the filters tell apart, with counts that make each switch visible. */
export const KNOWN_BREAKDOWN_ROWS: [string, string, string, number][] = [
  ["windows", "company", "user", 612],
  ["windows", "company", "none", 41],
  ["windows", "company", "deleted", 8],
  ["windows", "personal", "user", 33],
  ["windows", "unknown", "user", 12],
  ["android", "personal", "user", 94],
  ["android", "company", "none", 15],
  ["ios", "company", "user", 127],
  ["ios", "personal", "deleted", 4],
  ["macos", "company", "user", 46],
  ["macos", "personal", "user", 9],
  ["other", "company", "user", 21],
];

/** Failing devices per class: noncompliant, in their grace period. */
export const KNOWN_ALERT_ROWS: [string, string, string, number, number][] = [
  ["windows", "company", "user", 236, 12],
  ["windows", "personal", "user", 9, 0],
  ["ios", "company", "user", 18, 3],
  ["android", "personal", "user", 7, 1],
];

export const KNOWN_BREAKDOWN = {
  v: 1,
  total: KNOWN_BREAKDOWN_ROWS.reduce((n, r) => n + r[3], 0),
  rows: KNOWN_BREAKDOWN_ROWS,
  alerts: KNOWN_ALERT_ROWS,
};

export const CONSENT_URL =
  "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent" +
  "?client_id=0f4a7c52-8d0e-4b6a-9a53-2d1f6c7e8b90&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default" +
  "&redirect_uri=https%3A%2F%2Fintune-connector.example.com%2Fconsent%2Fcallback&state=example";

/** Stored values of an app instance: three tenants in three states, Windows and iOS on, not yet active. */
export const FORM_VALUES: Record<string, unknown> = {
  tenant_1_domain: "contoso.onmicrosoft.com",
  tenant_1_cloud: "global",
  tenant_1_status: "pending_consent",
  tenant_1_consent_url: CONSENT_URL,
  tenant_2_domain: "fabrikam.onmicrosoft.us",
  tenant_2_cloud: "usgov",
  tenant_2_status: "connected",
  tenant_3_domain: "northwind.onmicrosoft.com",
  tenant_3_cloud: "global",
  tenant_3_status: "failed: tenant not found",
  import_active: false,
  import_windows: true,
  import_android: false,
  import_ios: true,
  import_macos: false,
  import_personal: false,
  import_only_with_primary_user: false,
  import_user_deleted: false,
  fleet_breakdown: JSON.stringify(KNOWN_BREAKDOWN),
  ci_status: "in_production",
  retire_status: "removed",
  excluded_action: "leave",
  alerts_enabled: true,
  alerts_unlinked_cis: 37,
  alerts_category: "incident",
  alerts_impact: "low",
  alerts_auto_resolve: true,
  alerts_during_grace_period: false,
  sync_interval_minutes: 60,
  sync_start_at: "2025-11-26T10:58:02Z",
  sync_end_at: "2025-11-26T10:59:07Z",
  sync_duration: 65.2,
  sync_summary:
    "Read 1,022 devices from 3 tenants (1 waiting for consent).\nCreated 0 CIs, updated 0 CIs: the import is not active.",
};

export function configurationFormPage(values: Record<string, unknown> = FORM_VALUES): string {
  return renderPreviewPage({
    title: "Microsoft Intune – app configuration",
    breadcrumb: "Settings › App Store › Microsoft Intune › Configuration",
    extensionTitle: "Microsoft Intune",
    extension: loadConfigurationForm(),
    values,
  });
}
