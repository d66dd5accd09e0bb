// No request storms (issue 15). Pure. A run raises at most `maxNewPerRun` new requests, oldest violation first;
// the devices past the limit wait in the alert ledger (state "waiting", since when) and are listed in ONE summary
// request that is kept current: created when devices start waiting, a note when the list changes, completed when
// the last one has its own request. One request to follow instead of a new summary per run, and its notes show how
// the queue went down.
import type { AlertSettings } from "../app-instance/settings.js";
import { DEFAULT_MAX_NEW_ALERTS_PER_RUN } from "../app-instance/settings.js";
import type { AlertEntry } from "../store/types.js";
import { ALERT_SOURCE, type AlertAction, type AlertDevice, type RequestFields } from "./plan-alerts.js";

/** The summary request's place in the alert ledger: no tenant, no device. */
export const SUMMARY_KEY = { tenantId: "", deviceId: "waiting-summary" } as const;
/** The summary request's sourceID (device requests' are "<tenant>/<device>", so they never meet). */
export const SUMMARY_SOURCE_ID = "waiting-alerts";
/** Devices listed by name in one summary note; the rest are counted. */
export const MAX_LISTED_WAITING = 100;

export interface WaitingDevice {
  tenantId: string;
  deviceId: string;
  name: string;
  /** When its violation started, as far as we know (ISO). */
  since: string;
}

export interface QueuedAlerts {
  /** The plan's actions with the creates cut to the limit, oldest violation first. */
  actions: AlertAction[];
  /** The devices whose request waits for a later run, oldest first. */
  waiting: WaitingDevice[];
  /** Ledger entries of devices that start waiting this run (store writes only, nothing in 4me). */
  newlyWaiting: AlertEntry[];
}

const key = (k: { tenantId: string; deviceId: string }) => `${k.tenantId}\u0000${k.deviceId}`;

export function isSummaryEntry(e: { tenantId: string; deviceId: string }): boolean {
  return e.tenantId === SUMMARY_KEY.tenantId && e.deviceId === SUMMARY_KEY.deviceId;
}

/** A device failing now with no open request: a new request is due, when its turn comes. */
export interface Candidate {
  tenantId: string;
  deviceId: string;
  name: string;
  /** Intune complianceGracePeriodExpirationDateTime: once past, when the violation began to count. */
  graceExpiresAt?: string | null;
}

/** When a violation started, as far as we know: waiting since a run before, else the end of its grace, else now. */
export function violationSince(c: Candidate, entry: AlertEntry | undefined, now: Date): string {
  if (entry?.state === "waiting") return entry.updatedAt;
  const ms = c.graceExpiresAt ? Date.parse(c.graceExpiresAt) : NaN;
  return Number.isFinite(ms) && ms <= now.getTime() ? new Date(ms).toISOString() : now.toISOString();
}

/**
 * Whose new request is raised this run: the `limit` oldest violations. The others wait; their compliance detail is
 * not even read this run, so a storm costs neither 4me nor Graph more than the limit allows.
 */
export function takeTurns(
  candidates: readonly Candidate[],
  ledger: ReadonlyMap<string, AlertEntry>,
  settings: Pick<AlertSettings, "maxNewPerRun">,
  now: Date,
): { now: Candidate[]; later: WaitingDevice[] } {
  const limit = settings.maxNewPerRun ?? DEFAULT_MAX_NEW_ALERTS_PER_RUN;
  const ordered = candidates
    .map((c, i) => ({ c, i, since: violationSince(c, ledger.get(key(c)), now) }))
    .sort((x, y) => x.since.localeCompare(y.since) || x.i - y.i);
  const later = ordered.slice(limit);
  return {
    now: ordered.slice(0, limit).map((o) => o.c),
    later: later.map(({ c, since }) => ({ tenantId: c.tenantId, deviceId: c.deviceId, name: c.name, since })),
  };
}

/** Ledger entries of devices that start waiting (written once: updatedAt keeps their place in the queue). */
export function waitingEntries(
  account: string,
  waiting: readonly WaitingDevice[],
  ledger: ReadonlyMap<string, AlertEntry>,
): AlertEntry[] {
  return waiting.flatMap((w) => {
    const entry = ledger.get(key(w));
    if (entry?.state === "waiting") return [];
    // The request before (resolved, or completed by a person) is still referred to when this one is raised.
    const previous = entry?.requestId ?? entry?.previousRequestId;
    return [
      {
        account,
        tenantId: w.tenantId,
        deviceId: w.deviceId,
        state: "waiting" as const,
        detailHash: "",
        detail: "[]",
        ...(previous ? { previousRequestId: previous } : {}),
        updatedAt: w.since,
      },
    ];
  });
}

/**
 * The plan's creates cut to the limit, as a last guard (takeTurns already held most back): a create retried after a
 * crash goes first (it may exist already), then the oldest violation.
 */
export function queueCreates(
  actions: readonly AlertAction[],
  ledger: ReadonlyMap<string, AlertEntry>,
  devices: ReadonlyMap<string, AlertDevice>,
  settings: Pick<AlertSettings, "maxNewPerRun">,
  now: Date,
): QueuedAlerts {
  const limit = settings.maxNewPerRun ?? DEFAULT_MAX_NEW_ALERTS_PER_RUN;
  const since = (a: AlertAction) =>
    violationSince({ ...a, name: "", graceExpiresAt: devices.get(key(a))?.graceExpiresAt }, ledger.get(key(a)), now);
  const ordered = actions
    .filter((a) => a.kind === "create")
    .map((a, i) => ({ a, i, since: since(a), retry: a.kind === "create" && a.findExistingFirst }))
    .sort((x, y) => Number(y.retry) - Number(x.retry) || x.since.localeCompare(y.since) || x.i - y.i);
  const allowed = new Set(ordered.slice(0, limit).map((o) => o.a));
  const later = ordered.slice(limit);
  return {
    actions: actions.filter((a) => a.kind !== "create" || allowed.has(a)),
    waiting: later.map(({ a, since }) => ({
      tenantId: a.tenantId,
      deviceId: a.deviceId,
      name: devices.get(key(a))?.name ?? a.deviceId,
      since,
    })),
    newlyWaiting: later.flatMap(({ a, since }) => {
      if (a.kind !== "create" || ledger.get(key(a))?.state === "waiting") return [];
      return [{ ...a.entry, state: "waiting" as const, updatedAt: since }];
    }),
  };
}

export interface SummaryInput {
  account: string;
  waiting: readonly WaitingDevice[];
  /** The summary's ledger entry, if any. */
  entry?: AlertEntry;
  /** True when a person completed or declined the open summary request in 4me. */
  closedInFourMe: boolean;
  settings: AlertSettings;
  now: Date;
}

/** What to do with the summary request this run, or nothing. */
export function planSummary(input: SummaryInput): AlertAction | undefined {
  const { entry, waiting, now } = input;
  const stamp = now.toISOString();
  const hash = waitingHash(waiting);
  const open = entry?.state === "open" && !!entry.requestId && !input.closedInFourMe;
  const touched = (over: Partial<AlertEntry>): AlertEntry => ({
    ...entry!,
    detailHash: hash,
    ...over,
    updatedAt: stamp,
  });
  if (waiting.length === 0) {
    if (!open) return undefined;
    return {
      ...SUMMARY_KEY,
      kind: "resolve",
      requestId: entry!.requestId!,
      note: "Every device that was waiting has its own request now.",
      completionReason: "solved",
      entry: touched({ state: "resolved" }),
    };
  }
  if (open) {
    if (entry!.detailHash === hash) return undefined;
    return {
      ...SUMMARY_KEY,
      kind: "addNote",
      requestId: entry!.requestId!,
      note: summaryNote(waiting, input.settings),
      entry: touched({}),
    };
  }
  const request: RequestFields = {
    subject: `Intune compliance: ${count(waiting.length)} wait for their own request`,
    note: summaryNote(waiting, input.settings),
    category: input.settings.category,
    impact: input.settings.impact,
    configurationItemIds: [],
    ...(input.settings.serviceInstanceId ? { serviceInstanceId: input.settings.serviceInstanceId } : {}),
    ...(input.settings.teamId ? { teamId: input.settings.teamId } : {}),
    source: ALERT_SOURCE,
    sourceID: SUMMARY_SOURCE_ID,
  };
  const previous =
    entry?.state === "pending" ? entry.previousRequestId : (entry?.requestId ?? entry?.previousRequestId);
  return {
    ...SUMMARY_KEY,
    kind: "create",
    request,
    // A pending entry: the create may have reached 4me before a crash, so it is looked for first.
    findExistingFirst: entry?.state === "pending",
    entry: {
      account: input.account,
      ...SUMMARY_KEY,
      state: "pending",
      detailHash: hash,
      detail: "[]",
      ...(previous ? { previousRequestId: previous } : {}),
      updatedAt: stamp,
    },
  };
}

/** The summary's note: how many wait, why, and the oldest of them by name. */
export function summaryNote(waiting: readonly WaitingDevice[], settings: Pick<AlertSettings, "maxNewPerRun">): string {
  const limit = settings.maxNewPerRun ?? DEFAULT_MAX_NEW_ALERTS_PER_RUN;
  const lines = waiting.slice(0, MAX_LISTED_WAITING).map((w) => `- ${w.name} (failing since ${w.since.slice(0, 10)})`);
  const more = waiting.length - lines.length;
  return [
    `${count(waiting.length)} fail a compliance policy and wait for their own request: a sync raises at most ` +
      `${limit.toLocaleString("en-US")} new requests (the form's "New requests per sync, at most"). The next ones ` +
      `are raised at the next sync, oldest violation first; this request is completed when none is left.`,
    "",
    ...lines,
    ...(more > 0 ? [`… and ${more.toLocaleString("en-US")} more`] : []),
  ].join("\n");
}

function count(n: number): string {
  return n === 1 ? "1 device" : `${n.toLocaleString("en-US")} devices`;
}

/** The list's identity: a note is added only when the devices waiting change. */
function waitingHash(waiting: readonly WaitingDevice[]): string {
  const keys = waiting.map((w) => `${w.tenantId}/${w.deviceId}`).sort();
  // FNV-1a over the sorted keys: short, stable, and pure (no crypto import needed for a change marker).
  let h = 0x811c9dc5;
  for (const c of keys.join("\n")) {
    h ^= c.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `waiting:${waiting.length}:${h.toString(16)}`;
}
