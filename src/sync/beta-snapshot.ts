// The Graph beta fields a device was last written with, kept in its ledger entry. Pure.
//
// Five of a device's properties exist only on Graph's beta endpoint: the join type, the Windows edition (skuFamily,
// skuNumber), the chassis and the device type. They decide a CI's join type field, its operating-system CI and its
// product's category. When a run's beta read fails (throttled beyond its retries, or beta briefly down), mapping
// those devices without them would write "Unknown" and move CIs to other products and OS CIs, and the next run would
// move them back: 4me's data would flap with Graph's weather. Such a run maps a known device with the values it was
// last written with instead; a device never written with them keeps "Unknown" until a read has them.
import type { BetaFields } from "../intune/device-json.js";
import type { IntuneDevice } from "../intune/types.js";

const KEYS = [
  "joinType",
  "skuFamily",
  "skuNumber",
  "chassisType",
  "deviceType",
] as const satisfies readonly (keyof BetaFields)[];

/** The snapshot of a device's beta fields, or undefined when it has none (beta was not read for it). */
export function betaSnapshotOf(device: BetaFields): string | undefined {
  if (KEYS.every((k) => device[k] === undefined)) return undefined;
  return JSON.stringify(KEYS.map((k) => device[k] ?? null));
}

/** The beta fields a snapshot holds; undefined for a snapshot that is not one (never trusted blindly). */
export function betaFieldsOf(snapshot: string): BetaFields | undefined {
  let values: unknown;
  try {
    values = JSON.parse(snapshot);
  } catch {
    return undefined;
  }
  if (!Array.isArray(values) || values.length !== KEYS.length) return undefined;
  const [joinType, skuFamily, skuNumber, chassisType, deviceType] = values as unknown[];
  const text = (v: unknown) => v === null || typeof v === "string";
  if (![joinType, skuFamily, chassisType, deviceType].every(text)) return undefined;
  if (!(skuNumber === null || Number.isInteger(skuNumber))) return undefined;
  return { joinType, skuFamily, skuNumber, chassisType, deviceType } as BetaFields;
}

/**
 * A device read without its beta fields, given the ones its ledger entry recorded: the device as it was last
 * written, or the device itself when there is no usable snapshot. The v1.0 fields are always this read's.
 */
export function withLastBetaFields(device: IntuneDevice, snapshot: string | undefined): IntuneDevice {
  const fields = snapshot === undefined ? undefined : betaFieldsOf(snapshot);
  return fields ? { ...device, ...fields } : device;
}
