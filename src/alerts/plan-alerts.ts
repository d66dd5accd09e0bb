// Compliance alerts, planned from the compliance states and the alert ledger (issue 7). Pure: `now` is passed in.
// One open request per device; a note only when what fails changed; auto-resolve when compliant again; a device
// that leaves gets one note, never a silent completion. The orchestration (run-alerts) carries the actions out in
// order and stores each action's `entry` once its write succeeded.
import type { AlertSettings, RequestCategory, RequestImpact } from "../app-instance/settings.js";
import type { DeviceCompliance } from "../intune/types.js";
import type { AlertEntry } from "../store/types.js";
import { CI_SOURCE } from "../sync/map-device.js";
import {
  alertSubject,
  changeNote,
  complianceUrl,
  compliantAgainNote,
  detailHashOf,
  deviceGoneNote,
  normaliseFailures,
  resolvedNote,
  violationNote,
  type FailureDetail,
  type NoteDevice,
} from "./render-note.js";
import { graceEnd, verdictOf, type Verdict } from "./verdict.js";

export interface AlertDevice {
  tenantId: string;
  deviceId: string;
  /** The CI's name. */
  name: string;
  /** The device's CI; a device without one does not alert yet (it will once its CI is written). */
  ciId?: string;
  /** The CI user's person: requested for. */
  personId?: string;
  /** The CI's service instance; else the form's default one is used. */
  serviceInstanceId?: string;
  /** Intune lastSyncDateTime. */
  lastSyncAt?: string;
  /** Intune complianceGracePeriodExpirationDateTime (9999-12-31 = none). */
  graceExpiresAt?: string | null;
  /** Admin center of the tenant's cloud. */
  adminCenterUrl: string;
  /**
   * Intune complianceState of the device. Used when `compliance` has no entry for it (the compliance reader
   * only returns flagged devices), e.g. to resolve the request of a device that is compliant again.
   */
  complianceState?: string | null;
}

export type GoneReason = "removed" | "filtered" | "tenant_removed";

export interface GoneDevice {
  tenantId: string;
  deviceId: string;
  /**
   * removed: no longer in Intune (complete scan); filtered: the import filters exclude it now; tenant_removed: its
   * tenant was removed from the form.
   */
  reason: GoneReason;
  /** The device's name for the note, when known. */
  name?: string;
}

export interface PlanAlertsInput {
  account: string;
  /**
   * Failing policies of the flagged devices in scope, as the compliance reader returns them. A device missing
   * here falls back to its `complianceState`; a failing one without detail waits for the next run.
   */
  compliance: readonly DeviceCompliance[];
  /** Every device in scope. Only devices listed here are planned. */
  devices: readonly AlertDevice[];
  alertLedger: readonly AlertEntry[];
  settings: AlertSettings;
  gone: readonly GoneDevice[];
  /**
   * Status of the requests of open ledger entries, as read from 4me (request node id → RequestStatus). A request
   * completed or declined by a person is respected. Missing ids are taken to be open.
   */
  requestStatuses?: Readonly<Record<string, string>>;
  /** Request numbers for references in notes (request node id → number); the node id is used when missing. */
  requestNumbers?: Readonly<Record<string, string>>;
  /** Tenant-scoped admin-center links (the account has several tenants), as for the CI's systemID. */
  qualifyTenant?: boolean;
  now: Date;
}

interface Key {
  tenantId: string;
  deviceId: string;
}

export interface RequestFields {
  subject: string;
  note: string;
  category: RequestCategory;
  impact: RequestImpact;
  requestedForId?: string;
  configurationItemIds: string[];
  serviceInstanceId?: string;
  teamId?: string;
  templateId?: string;
  source: string;
  sourceID: string;
}

export type AlertAction =
  /** Store `entry` (pending) first, create the request, then store `{...entry, state: "open", requestId}`. */
  | (Key & { kind: "create"; request: RequestFields; entry: AlertEntry; findExistingFirst: boolean })
  | (Key & { kind: "addNote"; requestId: string; note: string; entry: AlertEntry })
  /** Add the note and complete the request (completion reason `solved`), unless it is completed already. */
  | (Key & { kind: "resolve"; requestId: string; note: string; completionReason: "solved"; entry: AlertEntry })
  | (Key & { kind: "noteDeviceGone"; requestId: string; note: string; entry: AlertEntry })
  /** Ledger only; nothing is written to 4me. */
  | (Key & {
      kind: "ledger";
      entry: AlertEntry;
      why: "closed_by_person" | "compliant_after_close" | "no_longer_waiting";
    })
  /**
   * A create may have happened before a crash: look for an open request with `source`/`sourceID`; store it as
   * open if found, else store the entry as resolved with nothing to follow.
   */
  | (Key & { kind: "settlePending"; source: string; sourceID: string; entry: AlertEntry });

export interface AlertPlan {
  actions: AlertAction[];
  skipped: (Key & { reason: string })[];
  /** create, add_note, resolve, note_gone, closed_by_person, unchanged, skipped:<reason>. */
  counts: Record<string, number>;
}

/** detailHash markers for states that are not a list of failures. */
export const COMPLIANT_HASH = "compliant";
export const GONE_HASH_PREFIX = "gone:";

export const ALERT_SOURCE = CI_SOURCE;
/** A request's sourceID names the device, always with its tenant so it is unique in the account. */
export function alertSourceId(tenantId: string, deviceId: string): string {
  return `${tenantId}/${deviceId}`;
}

const CLOSED_STATUSES = new Set(["completed", "declined"]);
const key = (k: Key) => `${k.tenantId}\u0000${k.deviceId}`;

interface Ctx {
  input: PlanAlertsInput;
  plan: AlertPlan;
  ledger: Map<string, AlertEntry>;
  devices: Map<string, AlertDevice>;
  count(k: string): void;
  skip(k: Key, reason: string): void;
  /** The entry with changes and a fresh updatedAt. */
  touch(base: AlertEntry, over?: Partial<AlertEntry>): AlertEntry;
  noteDevice(d: AlertDevice): NoteDevice;
  isClosedInFourMe(requestId: string): boolean;
}

/** What one device's compliance says this run. */
interface Observation {
  device: AlertDevice;
  k: Key;
  detail: FailureDetail;
  hash: string;
  graceUntil?: string;
  verdict: Verdict;
}

export function planAlerts(input: PlanAlertsInput): AlertPlan {
  const plan: AlertPlan = { actions: [], skipped: [], counts: {} };
  if (!input.settings.enabled) return plan;
  const stamp = input.now.toISOString();
  const ctx: Ctx = {
    input,
    plan,
    ledger: new Map(input.alertLedger.map((e) => [key(e), e])),
    devices: new Map(input.devices.map((d) => [key(d), d])),
    count: (k) => (plan.counts[k] = (plan.counts[k] ?? 0) + 1),
    skip: (k, reason) => {
      plan.skipped.push({ tenantId: k.tenantId, deviceId: k.deviceId, reason });
      ctx.count(`skipped:${reason}`);
    },
    touch: (base, over = {}) => ({ ...base, ...over, updatedAt: stamp }),
    noteDevice: (d) => ({
      name: d.name,
      ...(d.lastSyncAt ? { lastSyncAt: d.lastSyncAt } : {}),
      complianceUrl: complianceUrl(d.adminCenterUrl, d.deviceId, input.qualifyTenant ? d.tenantId : undefined),
    }),
    isClosedInFourMe: (requestId) => CLOSED_STATUSES.has(input.requestStatuses?.[requestId] ?? ""),
  };

  const details = new Map(input.compliance.map((c) => [key(c), c]));
  for (const c of input.compliance) if (!ctx.devices.has(key(c))) ctx.skip(c, "unknown_device");

  for (const device of input.devices) {
    const k = { tenantId: device.tenantId, deviceId: device.deviceId };
    const c = details.get(key(k));
    const state = c?.state ?? device.complianceState;
    if (!state) continue;
    const detail = c ? normaliseFailures(c.policies) : [];
    const graceUntil = graceEnd(device.graceExpiresAt, input.now);
    const seen: Observation = {
      device,
      k,
      detail,
      hash: detailHashOf(detail),
      ...(graceUntil ? { graceUntil } : {}),
      verdict: verdictOf(state, graceUntil, input.settings.duringGracePeriod),
    };
    const entry = ctx.ledger.get(key(k));
    // Failing, but what fails could not be read this run: act next run rather than on half the story.
    if (!c && (seen.verdict === "failing" || (seen.verdict === "grace" && entry?.state === "open"))) {
      if (entry?.state === "open") ctx.count("unchanged");
      else ctx.skip(k, "detail_unavailable");
      continue;
    }
    planDevice(ctx, seen, entry);
  }

  for (const g of input.gone) planGone(ctx, g);
  return plan;
}

function planDevice(ctx: Ctx, seen: Observation, found: AlertEntry | undefined): void {
  const { k, verdict } = seen;
  let entry = found;
  if (entry?.state === "pending") {
    // A create may have happened before a crash. Failing: create, looking for that request first.
    if (verdict === "failing") pushCreate(ctx, seen, entry, true);
    else {
      ctx.plan.actions.push(settle(k, ctx.touch(entry)));
      ctx.count("settle_pending");
    }
    return;
  }
  // A person completed our request: respect it, and remember it.
  if (entry?.state === "open" && entry.requestId && ctx.isClosedInFourMe(entry.requestId)) {
    entry = ctx.touch(entry, { state: "closed_by_person" });
    ctx.plan.actions.push({ ...k, kind: "ledger", entry, why: "closed_by_person" });
    ctx.count("closed_by_person");
  }
  if (entry?.state === "open" && entry.requestId) planOpen(ctx, seen, entry, entry.requestId);
  else planClosed(ctx, seen, entry);
}

/** The device has an open request: note changes, resolve when compliant. */
function planOpen(ctx: Ctx, seen: Observation, entry: AlertEntry, requestId: string): void {
  const { k, verdict, detail, hash } = seen;
  const note = ctx.noteDevice(seen.device);
  if (verdict === "failing" || verdict === "grace") {
    const wasFailing = !entry.detailHash.startsWith(GONE_HASH_PREFIX) && entry.detailHash !== COMPLIANT_HASH;
    // Unchanged; or nothing readable failed this time, which tells us nothing new either.
    if (hash === entry.detailHash || (detail.length === 0 && wasFailing)) return ctx.count("unchanged");
    const text = wasFailing
      ? changeNote(note, parseDetail(entry.detail), detail)
      : violationNote(note, detail, { again: true, ...(seen.graceUntil ? { graceUntil: seen.graceUntil } : {}) });
    ctx.plan.actions.push({
      ...k,
      kind: "addNote",
      requestId,
      note: text,
      entry: withDetail(ctx.touch(entry), detail, hash),
    });
    return ctx.count("add_note");
  }
  if (verdict !== "compliant") return ctx.count("unchanged");
  const cleared = { detailHash: COMPLIANT_HASH, detail: "[]" };
  if (ctx.input.settings.autoResolve) {
    ctx.plan.actions.push({
      ...k,
      kind: "resolve",
      requestId,
      note: resolvedNote(note),
      completionReason: "solved",
      entry: ctx.touch(entry, { state: "resolved", ...cleared }),
    });
    return ctx.count("resolve");
  }
  if (entry.detailHash === COMPLIANT_HASH) return ctx.count("unchanged");
  ctx.plan.actions.push({
    ...k,
    kind: "addNote",
    requestId,
    note: compliantAgainNote(note),
    entry: ctx.touch(entry, cleared),
  });
  ctx.count("add_note");
}

/** No open request: resolved by us, closed by a person, or none yet. */
function planClosed(ctx: Ctx, seen: Observation, entry: AlertEntry | undefined): void {
  const { k, verdict, hash } = seen;
  if (verdict === "failing") {
    // The same violation a person already closed is not raised again.
    if (entry?.state === "closed_by_person" && entry.detailHash === hash) return ctx.count("unchanged");
    return pushCreate(ctx, seen, entry, false);
  }
  if (verdict === "grace") return ctx.skip(k, "in_grace_period");
  if (verdict === "compliant" && entry?.state === "waiting") {
    // It complies before its turn came: it no longer waits (nor keeps its place for a later violation).
    ctx.plan.actions.push({
      ...k,
      kind: "ledger",
      entry: ctx.touch(entry, { state: "resolved" }),
      why: "no_longer_waiting",
    });
    return ctx.count("no_longer_waiting");
  }
  if (verdict === "compliant" && entry?.state === "closed_by_person" && entry.detailHash !== COMPLIANT_HASH) {
    // So that failing again later, even the same way, opens a new request.
    ctx.plan.actions.push({
      ...k,
      kind: "ledger",
      entry: ctx.touch(entry, { state: "resolved", detailHash: COMPLIANT_HASH, detail: "[]" }),
      why: "compliant_after_close",
    });
    ctx.count("compliant_after_close");
  }
}

/** A device that left Intune or the filters gets one note on its open request; it is never completed silently. */
function planGone(ctx: Ctx, g: GoneDevice): void {
  const entry = ctx.ledger.get(key(g));
  if (entry?.state !== "open" || !entry.requestId || ctx.isClosedInFourMe(entry.requestId)) return;
  const marker = `${GONE_HASH_PREFIX}${g.reason}`;
  if (entry.detailHash === marker) return;
  const name = g.name ?? ctx.devices.get(key(g))?.name ?? g.deviceId;
  ctx.plan.actions.push({
    tenantId: g.tenantId,
    deviceId: g.deviceId,
    kind: "noteDeviceGone",
    requestId: entry.requestId,
    note: deviceGoneNote({ name, complianceUrl: "" }, g.reason, ctx.input.now),
    entry: ctx.touch(entry, { detailHash: marker }),
  });
  ctx.count("note_gone");
}

function pushCreate(ctx: Ctx, seen: Observation, previous: AlertEntry | undefined, findExistingFirst: boolean): void {
  const create = createAction(ctx.input, seen, previous, findExistingFirst);
  if (!create) return ctx.skip(seen.k, "no_ci");
  ctx.plan.actions.push(create);
  ctx.count("create");
}

function createAction(
  input: PlanAlertsInput,
  seen: Observation,
  previous: AlertEntry | undefined,
  findExistingFirst: boolean,
): AlertAction | undefined {
  const { device, detail, hash, graceUntil } = seen;
  if (!device.ciId) return undefined;
  // A retried create keeps the reference it had; a new one refers to the request before it.
  const previousRequestId = findExistingFirst
    ? previous?.previousRequestId
    : (previous?.requestId ?? previous?.previousRequestId);
  const prev = previousRequestId ? `#${input.requestNumbers?.[previousRequestId] ?? previousRequestId}` : undefined;
  const s = input.settings;
  const serviceInstanceId = device.serviceInstanceId ?? s.serviceInstanceId;
  const note = violationNote(
    {
      name: device.name,
      ...(device.lastSyncAt ? { lastSyncAt: device.lastSyncAt } : {}),
      complianceUrl: complianceUrl(
        device.adminCenterUrl,
        device.deviceId,
        input.qualifyTenant ? device.tenantId : undefined,
      ),
    },
    detail,
    { ...(graceUntil ? { graceUntil } : {}), ...(prev ? { previousRequest: prev } : {}) },
  );
  const entry: AlertEntry = {
    account: input.account,
    tenantId: device.tenantId,
    deviceId: device.deviceId,
    state: "pending",
    detailHash: hash,
    detail: JSON.stringify(detail),
    ...(previousRequestId ? { previousRequestId } : {}),
    updatedAt: input.now.toISOString(),
  };
  return {
    ...seen.k,
    kind: "create",
    findExistingFirst,
    entry,
    request: {
      subject: alertSubject(device.name, detail, graceUntil ? "grace" : "noncompliant"),
      note,
      category: s.category,
      impact: s.impact,
      ...(device.personId ? { requestedForId: device.personId } : {}),
      configurationItemIds: [device.ciId],
      ...(serviceInstanceId ? { serviceInstanceId } : {}),
      ...(s.teamId ? { teamId: s.teamId } : {}),
      ...(s.templateId ? { templateId: s.templateId } : {}),
      source: ALERT_SOURCE,
      sourceID: alertSourceId(device.tenantId, device.deviceId),
    },
  };
}

function settle(k: Key, entry: AlertEntry): AlertAction {
  return { ...k, kind: "settlePending", source: ALERT_SOURCE, sourceID: alertSourceId(k.tenantId, k.deviceId), entry };
}

function withDetail(entry: AlertEntry, detail: FailureDetail, hash: string): AlertEntry {
  return { ...entry, detail: JSON.stringify(detail), detailHash: hash };
}

function parseDetail(json: string): FailureDetail {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as FailureDetail) : [];
  } catch {
    return [];
  }
}
