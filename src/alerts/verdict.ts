// What a device's compliance state means for its alert (issue 7). Pure.

export type Verdict = "failing" | "grace" | "compliant" | "indeterminate";

/** The verdict on Intune's complianceState, given the end of a running grace period and the form's grace setting. */
export function verdictOf(state: string, graceUntil: string | undefined, duringGrace: boolean): Verdict {
  switch ((state ?? "").toLowerCase()) {
    case "noncompliant":
      return "failing";
    case "ingraceperiod":
      // graceUntil is only set while the grace period runs; once it has ended the device is simply noncompliant.
      return !graceUntil || duringGrace ? "failing" : "grace";
    case "compliant":
      return "compliant";
    default:
      // unknown, error, conflict, configManager: not a confirmed violation and not proof of compliance.
      return "indeterminate";
  }
}

/** The end of a running grace period, or undefined when there is none (9999-12-31) or it has passed. */
export function graceEnd(expires: string | null | undefined, now: Date): string | undefined {
  const ms = typeof expires === "string" ? Date.parse(expires) : NaN;
  if (Number.isNaN(ms) || new Date(ms).getUTCFullYear() >= 9999 || ms <= now.getTime()) return undefined;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
