// A fingerprint of what the customer owns in the app instance: the parsed form settings and whether the instance may
// run. The connector's own writes (tenant status, consent links, run summary, breakdown, a suspension after refused
// credentials) change neither, so 4me's app_instance.update echo of those writes leaves the fingerprint as it was
// and starts no sync. Pure.
import { createHash } from "node:crypto";
import type { InstanceSettings } from "./settings.js";

export function settingsFingerprint(settings: InstanceSettings, runnable: boolean): string {
  return createHash("sha256").update(stableJson({ settings, runnable })).digest("base64url");
}

/** JSON with object keys sorted, so the same settings always give the same text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
