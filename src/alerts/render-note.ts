// The text of compliance requests: subject, notes, and the normalised failure detail whose hash tells whether a
// violation changed. Pure (hashing is computation).
import { createHash } from "node:crypto";
import type { PolicyFailure } from "../intune/types.js";
import { cutText, intuneDeviceUrl } from "../sync/map-device.js";
import type { GoneReason } from "./plan-alerts.js";

/** 4me request subject limit (4me REST docs: 255 characters). */
export const MAX_SUBJECT = 255;
/** Notes are cut well below 4me's 64 KB text limit. */
export const MAX_NOTE = 60_000;

export interface FailingSetting {
  /** Technical name, e.g. "Windows10CompliancePolicy.ActiveFirewallRequired". */
  setting: string;
  /** Readable name, e.g. "Firewall". */
  name: string;
  /** complianceStatus: nonCompliant, error, conflict, unknown. */
  state: string;
  errorDescription?: string;
}

export interface FailingPolicy {
  policyId: string;
  policyName: string;
  state: string;
  settings: FailingSetting[];
}

/** What fails on a device, in a stable order: policies by name, settings by technical name. */
export type FailureDetail = FailingPolicy[];

const PASSING = new Set(["compliant", "notapplicable", "remediated", "notassigned"]);
const failing = (state: string | null | undefined) => !PASSING.has((state ?? "").toLowerCase());

export function normaliseFailures(policies: readonly PolicyFailure[]): FailureDetail {
  return policies
    .map((p) => ({
      policyId: p.policyId,
      policyName: (p.policyName ?? "").trim() || p.policyId,
      state: p.state,
      settings: (p.settings ?? [])
        .filter((s) => failing(s.state))
        .map((s) => ({
          setting: s.setting,
          name: settingLabel(s.setting, s.settingName),
          state: s.state,
          ...(s.errorDescription ? { errorDescription: s.errorDescription } : {}),
        }))
        .sort((a, b) => compare(a.setting, b.setting)),
    }))
    .filter((p) => failing(p.state) || p.settings.length > 0)
    .sort((a, b) => compare(a.policyName, b.policyName) || compare(a.policyId, b.policyId));
}

/**
 * Hash of what fails: policy ids, setting ids and their states. Names are left out on purpose, so renaming a policy
 * in Intune does not add a note to every open request.
 */
export function detailHashOf(detail: FailureDetail): string {
  const canonical = detail.map((p) => [p.policyId, p.state, p.settings.map((s) => [s.setting, s.state])]);
  return "v1:" + createHash("sha256").update(JSON.stringify(canonical)).digest("base64url");
}

// Graph's settingName is always null (microsoft-graph-intune.md §3.2), so the technical names get readable labels.
// Labels follow the Intune admin center's policy settings page where known (whitepaper §8.2).
const SETTING_LABELS: Record<string, string> = {
  activefirewallrequired: "Firewall",
  firewallenabled: "Firewall",
  antivirusrequired: "Antivirus",
  antispywarerequired: "Antispyware",
  defenderenabled: "Microsoft Defender Antimalware",
  signatureoutofdate: "Microsoft Defender Antimalware security intelligence up-to-date",
  rtpenabled: "Real-time protection",
  tpmrequired: "Trusted Platform Module (TPM)",
  bitlockerenabled: "BitLocker",
  storagerequireencryption: "Storage encryption",
  securebootenabled: "Secure Boot",
  codeintegrityenabled: "Code integrity",
  earlylaunchantimalwaredriverenabled: "Early launch antimalware",
  osminimumversion: "Minimum OS version",
  osmaximumversion: "Maximum OS version",
  passwordrequired: "Password",
  passcoderequired: "Passcode",
  passwordminimumlength: "Minimum password length",
  passcodeminimumlength: "Minimum passcode length",
  securityblockjailbrokendevices: "Jailbroken or rooted device",
  devicethreatprotectionenabled: "Device threat protection",
  requireremaincontact: "Device is active (remains in contact)",
  requireuserexistence: "Enrolled user exists",
  requiredevicecompliancepolicyassigned: "Has a compliance policy assigned",
};

export function settingLabel(setting: string, settingName?: string | null): string {
  // The compliance reader puts the technical name in settingName when Graph has none: that is not a label.
  const given = (settingName ?? "").trim();
  if (given && given !== setting && !/^[\w-]+(\.[\w-]+)+$/.test(given)) return given;
  const last = (setting ?? "").split(".").pop() ?? "";
  const known = SETTING_LABELS[last.toLowerCase()];
  if (known) return known;
  // "SomeNewSetting" → "Some new setting"
  const words = last.replace(/([a-z0-9])([A-Z])/g, "$1 $2").trim();
  return words ? words[0].toUpperCase() + words.slice(1).toLowerCase() : setting || "Unknown setting";
}

const STATE_LABELS: Record<string, string> = {
  noncompliant: "Not compliant",
  error: "Error",
  conflict: "Conflict",
  unknown: "Unknown",
  compliant: "Compliant",
  notapplicable: "Not applicable",
  remediated: "Remediated",
  notassigned: "Not assigned",
};

export function stateLabel(state: string): string {
  return STATE_LABELS[(state ?? "").toLowerCase()] ?? state;
}

// ---- subject -----------------------------------------------------------------------------------------------------

export type AlertProblem = "noncompliant" | "grace";

/** "Intune compliance: LAPTOP-123 is noncompliant (Firewall, Antivirus)", within 4me's subject limit. */
export function alertSubject(
  deviceName: string,
  detail: FailureDetail,
  problem: AlertProblem = "noncompliant",
): string {
  const what = problem === "grace" ? "is noncompliant, in its grace period" : "is noncompliant";
  const head = `Intune compliance: ${cutText(deviceName, 160)} ${what}`;
  const labels = unique(detail.flatMap((p) => (p.settings.length ? p.settings.map((s) => s.name) : [p.policyName])));
  for (let n = labels.length; n > 0; n--) {
    const more = labels.length - n;
    const list = labels.slice(0, n).join(", ") + (more ? `, +${more} more` : "");
    const subject = `${head} (${list})`;
    if (subject.length <= MAX_SUBJECT) return subject;
  }
  return cutText(head, MAX_SUBJECT);
}

// ---- notes -------------------------------------------------------------------------------------------------------

export interface NoteDevice {
  name: string;
  /** Intune lastSyncDateTime, ISO; absent when unknown. */
  lastSyncAt?: string;
  /** The device's compliance page in the Intune admin center (`complianceUrl`). */
  complianceUrl: string;
}

export function complianceUrl(adminCenterUrl: string, deviceId: string, tenantId?: string): string {
  return intuneDeviceUrl(adminCenterUrl, deviceId, "compliance", tenantId);
}

export function violationNote(
  device: NoteDevice,
  detail: FailureDetail,
  opts: { graceUntil?: string; previousRequest?: string; again?: boolean } = {},
): string {
  const lines = [`Intune reports ${device.name} as noncompliant${opts.again ? " again" : ""}.`];
  if (opts.graceUntil) lines.push(`Its compliance grace period ends ${human(opts.graceUntil)}.`);
  if (opts.previousRequest) lines.push(`It was noncompliant before: see request ${opts.previousRequest}.`);
  lines.push("", ...failureLines(detail), "", ...footer(device));
  return finish(lines);
}

export function changeNote(device: NoteDevice, before: FailureDetail, after: FailureDetail): string {
  const key = (p: FailingPolicy, s?: FailingSetting) => `${p.policyId}\u0000${s?.setting ?? ""}`;
  const flat = (d: FailureDetail) =>
    new Map(
      d.flatMap((p) =>
        p.settings.length
          ? p.settings.map((s) => [key(p, s), { p, s }] as const)
          : [[key(p), { p, s: undefined as FailingSetting | undefined }] as const],
      ),
    );
  const was = flat(before);
  const now = flat(after);
  const text = (x: { p: FailingPolicy; s?: FailingSetting }) =>
    x.s ? `${x.p.policyName}: ${x.s.name}` : x.p.policyName;
  const stateOf = (x: { p: FailingPolicy; s?: FailingSetting }) => stateLabel(x.s?.state ?? x.p.state);

  const added = [...now].filter(([k]) => !was.has(k)).map(([, x]) => `- ${text(x)} (${stateOf(x)})`);
  const removed = [...was].filter(([k]) => !now.has(k)).map(([, x]) => `- ${text(x)}`);
  const changed = [...now]
    .filter(([k, x]) => was.has(k) && stateOf(was.get(k)!) !== stateOf(x))
    .map(([k, x]) => `- ${text(x)} (${stateOf(was.get(k)!)} → ${stateOf(x)})`);

  const lines = [`The compliance problems Intune reports for ${device.name} changed.`];
  if (added.length) lines.push("", "Now failing:", ...added);
  if (removed.length) lines.push("", "No longer failing:", ...removed);
  if (changed.length) lines.push("", "Changed state:", ...changed);
  lines.push("", ...failureLines(after), "", ...footer(device));
  return finish(lines);
}

export function resolvedNote(device: NoteDevice): string {
  return finish([
    `Intune reports ${device.name} as compliant again. The Intune connector completes this request.`,
    "",
    ...footer(device),
  ]);
}

export function compliantAgainNote(device: NoteDevice): string {
  return finish([
    `Intune reports ${device.name} as compliant again. Automatic resolution is off, so this request stays open.`,
    "",
    ...footer(device),
  ]);
}

export function deviceGoneNote(device: NoteDevice, reason: GoneReason, now: Date): string {
  const checked = `(checked ${human(now.toISOString())})`;
  const why = {
    removed: `${device.name} is no longer in Intune ${checked}.`,
    filtered: `The import filters now exclude ${device.name} ${checked}.`,
    tenant_removed: `The Intune tenant of ${device.name} was removed from the connector's configuration ${checked}.`,
  }[reason];
  return finish([
    `${why} The Intune connector no longer follows its compliance, so it will not complete this request: please complete it when it is dealt with.`,
  ]);
}

function failureLines(detail: FailureDetail): string[] {
  if (detail.length === 0) return ["Intune did not report which policy settings fail."];
  const lines = ["Failing compliance policies:"];
  for (const p of detail) {
    lines.push(`- ${p.policyName} (${stateLabel(p.state)})`);
    for (const s of p.settings) {
      lines.push(`  - ${s.name}: ${stateLabel(s.state)}${s.errorDescription ? ` (${s.errorDescription})` : ""}`);
    }
  }
  return lines;
}

function footer(device: NoteDevice): string[] {
  return [
    `Last check-in with Intune: ${device.lastSyncAt ? human(device.lastSyncAt) : "unknown"}`,
    `Compliance details in the Intune admin center: ${device.complianceUrl}`,
  ];
}

function finish(lines: string[]): string {
  const text = lines.join("\n");
  return text.length <= MAX_NOTE ? text : text.slice(0, MAX_NOTE - 1) + "…";
}

/** "2025-06-02 06:41 UTC". */
export function human(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
