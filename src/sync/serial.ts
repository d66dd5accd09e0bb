// Serial numbers: what we write to 4me and what we compare. Pure.
// A serial is the only key shared with CIs that other tools created, so a bad one would merge unrelated devices.
// Firmware and VMs report well-known filler values; those never match anything and are never written.

/** 4me `serialNr` limit (4me-platform.md §8.1). Longer values are left out, not cut: a cut serial is a wrong one. */
export const MAX_SERIAL_LENGTH = 50;

// Compared on the "squashed" form (upper-case, letters and digits only), so "To Be Filled By O.E.M." and
// "to be filled by oem" are one value. Sources: SMBIOS defaults of common board vendors and Intune samples ("0").
const PLACEHOLDERS = new Set(
  [
    "To be filled by O.E.M.",
    "To be filled",
    "Default string",
    "System Serial Number",
    "Chassis Serial Number",
    "Base Board Serial Number",
    "Serial Number",
    "SerialNumber",
    "Serial",
    "None",
    "Null",
    "Nil",
    "N/A",
    "NA",
    "Not Specified",
    "Not Applicable",
    "Not Available",
    "Unknown",
    "Invalid",
    "Empty",
    "Default",
    "OEM",
    "TBD",
    "Type1ProductConfigId",
    "System Product Name",
    "$(DEFAULT_STRING)",
    "BSN12345678901234567",
    "0123456789",
    ...ascendingDigits(5, 10),
  ].map(squash),
);

function ascendingDigits(from: number, to: number): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push("1234567890".slice(0, n));
  return out;
}

function squash(s: string): string {
  return s.toUpperCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** The serial as we write it: trimmed, original case. Empty when there is none. */
export function normaliseSerial(serial: string | null | undefined): string {
  return (serial ?? "").trim();
}

/** The comparison key: trimmed and upper-cased (4me-side matching is case-insensitive too). */
export function serialKey(serial: string | null | undefined): string {
  return normaliseSerial(serial).toUpperCase();
}

/**
 * True for values that do not identify a device: empty or blank, punctuation only, one repeated character
 * ("0", "00000000", "XXXXXXX"), ascending digit runs ("123456789") and firmware filler ("To be filled by O.E.M.",
 * "Default string", "System Serial Number", "None", "N/A", "Not Specified", …).
 */
export function isPlaceholderSerial(serial: string | null | undefined): boolean {
  const s = squash(normaliseSerial(serial));
  if (s === "") return true;
  if (/^(.)\1*$/u.test(s)) return true;
  return PLACEHOLDERS.has(s);
}

export type SerialRejection = "empty" | "placeholder" | "too_long";

/** The serial to write, or why there is none. */
export function usableSerial(serial: string | null | undefined): { serial: string } | { rejected: SerialRejection } {
  const s = normaliseSerial(serial);
  if (s === "") return { rejected: "empty" };
  if (isPlaceholderSerial(s)) return { rejected: "placeholder" };
  if (s.length > MAX_SERIAL_LENGTH) return { rejected: "too_long" };
  return { serial: s };
}
