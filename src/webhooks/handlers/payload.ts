// Reading the provider payloads of app_instance.* events (4me-platform.md §4.3–4.4). Pure.
import { isAccountId } from "../account-urls.js";
import type { InstanceRecord } from "../../store/types.js";

/** The offering an app_instance payload is about. Pre-rename payloads call it `integration`. */
export function offeringReferenceOf(payload: Record<string, unknown>): string | undefined {
  for (const key of ["app_offering", "integration"]) {
    const offering = payload[key];
    if (offering && typeof offering === "object") {
      const reference = (offering as Record<string, unknown>).reference;
      if (typeof reference === "string") return reference;
    }
  }
  return undefined;
}

/**
 * A provider account has one secrets webhook for all its offerings, so payloads of other offerings arrive here
 * too and must be left alone. A payload without a reference is taken as ours (every known payload carries one).
 */
export function isForOffering(payload: Record<string, unknown>, reference: string): boolean {
  const actual = offeringReferenceOf(payload);
  return actual === undefined || actual === reference;
}

export function customerAccountOf(payload: Record<string, unknown>): string | undefined {
  const account = payload.customer_account_id;
  return isAccountId(account) ? account : undefined;
}

/** The instance flags present as booleans in an app_instance.create/update payload. */
export function instanceFlagsOf(
  payload: Record<string, unknown>,
): Partial<Pick<InstanceRecord, "disabled" | "suspended" | "enabledByCustomer">> {
  const flags: Partial<Pick<InstanceRecord, "disabled" | "suspended" | "enabledByCustomer">> = {};
  if (typeof payload.disabled === "boolean") flags.disabled = payload.disabled;
  if (typeof payload.suspended === "boolean") flags.suspended = payload.suspended;
  if (typeof payload.enabled_by_customer === "boolean") flags.enabledByCustomer = payload.enabled_by_customer;
  return flags;
}

/** Syncs run only for an instance the customer enabled and neither party disabled or suspended. */
export function isRunnable(flags: Pick<InstanceRecord, "disabled" | "suspended" | "enabledByCustomer">): boolean {
  return flags.enabledByCustomer && !flags.disabled && !flags.suspended;
}
