// Times cross the store interface as ISO-8601 strings. Both stores normalise them to the UTC millisecond form of
// Date.toISOString(), so they compare as text and read back identically from either database.
import { StoreError } from "../errors.js";

/** A clock, injected so tests never sleep. */
export type Now = () => Date;
export const systemNow: Now = () => new Date();

export function isoTime(value: string | Date, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new StoreError(`${field} is not a valid time: ${String(value)}`);
  return date.toISOString();
}
