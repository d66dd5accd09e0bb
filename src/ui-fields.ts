// The Intune attributes a CI shows, defined once. The mapper (sync/map-device.ts) writes these custom field ids and
// the CI UI extension (ui-extension/) is rendered from the same list, so the two cannot drift apart.

export type FieldKind = "text" | "date" | "datetime" | "boolean" | "number" | "link";

export interface UiField {
  /** Custom field id on the CI (and the input id in the UI extension). */
  id: string;
  label: string;
  /** Help text shown as the label's title. */
  help: string;
  kind: FieldKind;
}

export interface UiSection {
  id: string;
  title: string;
  fields: UiField[];
}

export const UI_SECTIONS: readonly UiSection[] = [
  {
    id: "operating_system",
    title: "Operating System",
    fields: [
      { id: "intune_os", label: "Operating system", help: "Operating system reported by Intune", kind: "text" },
      { id: "intune_os_version", label: "Operating system version", help: "Build or version number", kind: "text" },
      { id: "intune_os_sku", label: "Operating system SKU", help: "Edition of the operating system", kind: "text" },
      {
        id: "intune_os_ci",
        label: "Operating-system CI",
        // A UI extension sees only its own fields, not the CI's operatingSystem record: the connector writes the
        // OS CI's name here, derived from the fields above exactly as the OS CI's own name is.
        help: "Name of the software CI of this operating system (from Intune's OS, version and SKU)",
        kind: "text",
      },
    ],
  },
  {
    id: "storage",
    title: "Storage",
    fields: [
      { id: "intune_storage_total_gb", label: "Total storage space (GB)", help: "Total storage", kind: "number" },
      { id: "intune_storage_free_gb", label: "Free storage space (GB)", help: "Free storage", kind: "number" },
    ],
  },
  {
    id: "life_cycle",
    title: "Life Cycle",
    fields: [
      { id: "intune_enrolled_at", label: "Enrolled date", help: "When the device enrolled in Intune", kind: "date" },
      {
        id: "intune_last_contact_at",
        label: "Last contact",
        help: "Last successful check-in with Intune",
        kind: "datetime",
      },
      {
        id: "intune_azure_ad_registered",
        label: "Azure AD registered",
        help: "Whether the device is registered in Microsoft Entra ID",
        kind: "boolean",
      },
      {
        id: "intune_join_type",
        label: "Azure AD join type",
        help: "Entra join type: AzureADJoined, HybridAzureADJoined or AzureADRegistered",
        kind: "text",
      },
      { id: "intune_ownership", label: "Ownership", help: "Company or personal", kind: "text" },
    ],
  },
  {
    id: "security",
    title: "Security",
    fields: [
      { id: "intune_compliance", label: "Compliance", help: "Intune compliance state", kind: "text" },
      { id: "intune_encrypted", label: "Encrypted", help: "Whether the device storage is encrypted", kind: "boolean" },
      {
        id: "intune_jailbroken",
        label: "Jailbroken",
        help: "Jailbroken or rooted, as Intune reports it",
        kind: "text",
      },
    ],
  },
  {
    id: "details",
    title: "Details",
    fields: [
      {
        // Written by the mapper with the tenant's cloud admin-center host, which the extension cannot know.
        id: "intune_device_link",
        label: "Intune admin center",
        help: "Opens this device in the Microsoft Intune admin center of its tenant's cloud",
        kind: "link",
      },
      {
        id: "intune_management_agent",
        label: "Management agent",
        help: "How the device is managed; co-managed Configuration Manager devices show it here",
        kind: "text",
      },
      { id: "intune_manufacturer", label: "Manufacturer", help: "Manufacturer reported by the device", kind: "text" },
      { id: "intune_model", label: "Model", help: "Model reported by the device", kind: "text" },
      { id: "intune_entra_device_id", label: "Entra device ID", help: "Microsoft Entra device id", kind: "text" },
      { id: "intune_device_id", label: "Intune device ID", help: "Intune managed device id", kind: "text" },
      { id: "intune_imei", label: "IMEI", help: "IMEI of mobile devices", kind: "text" },
      { id: "intune_phone_number", label: "Phone number", help: "Phone number of mobile devices", kind: "text" },
      {
        id: "intune_primary_user",
        label: "Primary user",
        help: "User principal name of the device's primary user in Intune",
        kind: "text",
      },
    ],
  },
];

export const UI_FIELD_IDS: readonly string[] = UI_SECTIONS.flatMap((s) => s.fields.map((f) => f.id));

/** The value shown for a fact Intune does not know (0001-01-01 dates, zero storage, all-zero ids). */
export const UNKNOWN = "Unknown";
