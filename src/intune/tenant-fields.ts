// What the connector writes back to the app instance about a tenant, and the narrow writer it writes through
// (src/fourme/provider-api.ts ProviderApi satisfies it structurally). Pure apart from the interface.
import type { CustomFieldValue } from "../app-instance/settings.js";
import { tenantField } from "../app-instance/fields.js";
import type { TenantStatus } from "../store/types.js";

/** The one call the Intune side needs from the 4me provider API: update the app instance's custom fields. */
export interface AppInstanceWriter {
  updateAppInstance(id: string, input: { customFields: CustomFieldValue[] }): Promise<unknown>;
}

/**
 * The status field's text: `pending_consent` (or `pending_consent: <why>`, when an administrator must sign in for a
 * reason beyond a first connection), `connected` or `failed: <reason>` (fields.ts contract).
 */
export function tenantStatusText(status: TenantStatus, reason?: string): string {
  if (status === "failed") return `failed: ${reason ?? "unknown reason"}`;
  if (status === "pending_consent" && reason) return `pending_consent: ${reason}`;
  return status;
}

/** Status and consent-link fields of one slot; the link is cleared (empty string) when there is none. */
export function tenantFields(
  slot: number,
  status: TenantStatus,
  reason?: string,
  consentUrl?: string,
): CustomFieldValue[] {
  return [
    { id: tenantField.status(slot), value: tenantStatusText(status, reason) },
    { id: tenantField.consentUrl(slot), value: consentUrl ?? "" },
  ];
}

/** Both fields emptied, for a slot the administrator cleared. */
export function clearedTenantFields(slot: number): CustomFieldValue[] {
  return [
    { id: tenantField.status(slot), value: "" },
    { id: tenantField.consentUrl(slot), value: "" },
  ];
}
