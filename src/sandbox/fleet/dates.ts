// Time in the simulated world. The fleet is generated "as of" a fixed instant so it is the same on every run;
// each evolve step moves the world on by a day.

export const AS_OF = Date.UTC(2025, 5, 2, 8, 0, 0);
export const DAY = 86_400_000;
/** Graph's "not set" for non-nullable DateTimeOffset properties. */
export const NEVER = "0001-01-01T00:00:00Z";
/** complianceGracePeriodExpirationDateTime when no grace period runs. */
export const NO_GRACE = "9999-12-31T23:59:59Z";

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** ISO 8601 in whole seconds with "Z", as Graph writes it. Integer arithmetic: this runs 10 times per device. */
export function iso(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(rem / 3600);
  const mi = Math.floor((rem % 3600) / 60);
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(d)}T${pad2(hh)}:${pad2(mi)}:${pad2(rem % 60)}Z`;
}

export function asOfStep(step: number): number {
  return AS_OF + step * DAY;
}

/** The `M/d/yyyy_h:mm tt` part of managedDeviceName, e.g. "3/11/2024_8:14 AM". */
export function enrolmentStamp(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}_${hh}:${mm} ${h < 12 ? "AM" : "PM"}`;
}
