// Carries out a sync plan in 4me. Once per run, before any batch: products to reuse, the existing CIs that share a
// serial with a new device, and the people of every device (wide queries: a few requests for the whole run). Then
// per batch: serial takeovers the upload cannot do itself, the bulk upload, user replacements; then retirements.
// Every successful write is recorded in the ledger before the next batch starts, so a crash resumes without
// duplicates.
import type { CustomerApi } from "../fourme/customer-api.js";
import { FourMeCredentialsError } from "../fourme/token-cache.js";
import type { Logger } from "../logger.js";
import type { LedgerEntry } from "../store/types.js";
import type { InstanceStore } from "../store/types.js";
import { prepareUpload, personOf, type UploadContext } from "./build-upload.js";
import { retryCustomFieldRefusals } from "./custom-field-refusals.js";
import type { ProductFields } from "../fourme/types.js";
import type { Ci } from "../fourme/types.js";
import { indexExistingCis, matchCi, type CiMatch } from "./match.js";
import { serialKey } from "./serial.js";
import type { FleetDevice } from "./fleet-device.js";
import type { MappedCi } from "./map-device.js";
import { planUserChange, userWriteMode, type PlanDevice, type SyncPlan, type WriteItem } from "./plan.js";
import { reuseExistingProducts, unsettledProducts, updateProducts, withSettledProducts } from "./apply-products.js";
import { OsCiResolver } from "./os-cis.js";
import { alignLinkedCis } from "./align-linked-cis.js";

/** A planned write as the plan holds it: its device is a full CI or a run's compact record. */
export type Item = WriteItem<PlanDevice>;

export interface ApplyDeps {
  account: string;
  api: CustomerApi;
  store: InstanceStore;
  logger: Logger;
  now: Date;
  uiExtensionId?: string;
  supportTeam?: string;
  onBatch?: (written: number, total: number) => void;
  /** The full CIs of compact records (FleetRead.cis), loaded per batch just before its upload. */
  loadCis?: (devices: readonly FleetDevice[]) => MappedCi[];
  /** Every device read this run: a product moves to the category most of its devices are in, not one changed one's. */
  fleet?: readonly Pick<FleetDevice, "product">[];
  /**
   * Our CI UI extension could not be had this run: a product made now would lack it, and 4me refuses the Intune
   * fields of its CIs. No device is written; the next run writes them (run-sync says why).
   */
  uiExtensionUnavailable?: boolean;
}

export interface ApplyResult {
  counts: Record<string, number>;
  errors: string[];
}

export async function applyPlan<D extends PlanDevice>(plan: SyncPlan<D>, deps: ApplyDeps): Promise<ApplyResult> {
  const result: ApplyResult = { counts: {}, errors: [] };
  const count = (k: string, n = 1) => (result.counts[k] = (result.counts[k] ?? 0) + n);
  let written = 0;
  /** Product writes of this run by product id (ours on products we reuse, our UI extension), sent together. */
  const productUpdates = new Map<string, ProductFields>();
  const osCis = new OsCiResolver(deps, result);
  if (plan.betaToRecord.length) await deps.store.putLedger(plan.betaToRecord);
  const reuse = await reuseExistingProducts(plan.toWrite, deps, result, productUpdates);
  const serials = await findSerialMatches(plan.toWrite, deps, productUpdates);
  const failedUpdates = await updateProducts(productUpdates, deps, result);
  const unsettled = deps.uiExtensionUnavailable ? "all" : unsettledProducts(reuse, failedUpdates);
  await takeOver(serials, deps);
  await prefetchPeople([...plan.toWrite, ...plan.userRetry], deps);

  for (const batch of plan.batches) {
    if (postponedForBudget(batch.length, deps, count, result)) continue;
    const settled = withSettledProducts(batch, unsettled, count);
    try {
      const { writable, matched } = await resolveNewCis(settled, serials, deps, count, result);
      const aligned = await alignLinkedCis(writable, deps, count, result);
      await uploadBatch(aligned, deps, reuse.productIds, count, result, matched, osCis);
    } catch (err) {
      rethrowFatal(err);
      result.errors.push(`bulk upload: ${(err as Error).message}`);
      count("skipped:4me_error", settled.length);
      deps.logger.error({ err: (err as Error).message }, "bulk upload failed; the batch is retried next run");
    }
    written += batch.length;
    deps.onBatch?.(written, plan.toWrite.length);
  }
  try {
    await retryUsers(plan.userRetry, deps, count);
  } catch (err) {
    // Linking users found late is best effort: it never keeps the run from retiring what left Intune.
    rethrowFatal(err);
    result.errors.push(`users not linked: ${(err as Error).message}`);
  }
  if (!postponedForBudget(plan.toRetire.length, deps, count, result)) await retire(plan, deps, count, result);
  if (plan.superseded.length) await deps.store.putLedger(plan.superseded);
  return result;
}

/** What the existing CIs say about each new device with a serial: read once per run, before the first batch. */
interface SerialMatches {
  /** The devices that met an existing CI (no entry: a new CI). */
  matches: Map<Item, CiMatch>;
  /** Matched CIs that need our source and sourceID before the upload (the upload cannot take them over itself). */
  takeovers: Map<Item, string>;
  /** Takeovers 4me refused, with its reason: those devices are skipped. */
  refused: Map<Item, string>;
  /** The lookup failed: batches with new devices that have a serial fail (and are retried next run). */
  error?: unknown;
}

/**
 * New devices are matched against existing 4me CIs by serial, for the whole run in a few wide requests. A matched
 * CI's product without a UI extension gets ours (once per product), so the CI's Intune fields are accepted and
 * shown; a product with another extension is left alone.
 */
async function findSerialMatches(
  items: readonly Item[],
  deps: ApplyDeps,
  productUpdates: Map<string, ProductFields>,
): Promise<SerialMatches> {
  const out: SerialMatches = {
    matches: new Map(),
    takeovers: new Map(),
    refused: new Map(),
  };
  const fresh = items.filter((i) => !i.ledger?.ciId && i.ci.serialNr);
  if (fresh.length === 0) return out;
  let found: Ci[];
  try {
    found = await deps.api.findCisBySerials(fresh.map((i) => i.ci.serialNr!));
  } catch (err) {
    rethrowFatal(err);
    out.error = err;
    return out;
  }
  // The CIs read and how many carry each serial: needed only here (not held for the whole run).
  const cis = new Map<string, Ci>();
  const perSerial = new Map<string, number>();
  for (const c of found) {
    cis.set(c.id, c);
    if (c.serialNr) perSerial.set(serialKey(c.serialNr), (perSerial.get(serialKey(c.serialNr)) ?? 0) + 1);
  }
  const index = indexExistingCis(found.map((c) => ({ ...c, status: c.status ?? "in_production" })));
  for (const item of fresh) {
    const m = matchCi(item.ci, item.ledger, index);
    if (m.kind === "new") continue;
    out.matches.set(item, m);
    if (m.kind !== "serial" && m.kind !== "source") continue;
    if (m.kind === "serial" ? !uploadTakesOver(item, cis.get(m.ciId), perSerial) : m.sourceID !== item.ci.sourceID)
      out.takeovers.set(item, m.ciId);
    const product = cis.get(m.ciId)?.product;
    if (product && !product.uiExtensionId && deps.uiExtensionId)
      productUpdates.set(product.id, { ...productUpdates.get(product.id), uiExtensionId: deps.uiExtensionId });
  }
  return out;
}

/** Our source and sourceID on the run's matched CIs that need them, ten per request, before the first upload. */
async function takeOver(serials: SerialMatches, deps: ApplyDeps) {
  if (serials.takeovers.size === 0) return;
  const items = [...serials.takeovers];
  const outcomes = await deps.api.updateCis(
    items.map(([item, ciId]) => ({ id: ciId, patch: { source: deps.api.source, sourceID: item.ci.sourceID } })),
  );
  outcomes.forEach((o, i) => {
    if (o.error) serials.refused.set(items[i][0], o.error);
  });
}

/** Every person the run's devices need, in a few wide requests; the batches then find them in the run's cache. */
async function prefetchPeople(items: readonly Item[], deps: ApplyDeps) {
  try {
    await deps.api.prefetchPeople(
      items.flatMap((i) => [i.ci.primaryUser?.email, i.ci.primaryUser?.upn]).filter((e): e is string => !!e),
    );
  } catch (err) {
    rethrowFatal(err);
    // Each batch then asks for its own people (and fails, and is retried next run, if 4me still refuses).
    deps.logger.warn({ err: (err as Error).message }, "people not prefetched; looked up per batch");
  }
}

/**
 * The upload takes over an existing CI by serial itself on the device's first upload, when no CI has its sourceID
 * (4me-platform.md §8.6). We leave that to it only where it cannot pick another CI than ours: the serial is on this
 * one CI only, written exactly as we send it, and no discovery source claimed the CI. Otherwise one update first.
 */
function uploadTakesOver(item: Item, ci: Ci | undefined, perSerial: ReadonlyMap<string, number>): boolean {
  return (
    !!ci &&
    !ci.source &&
    !ci.sourceID &&
    ci.serialNr === item.ci.serialNr &&
    perSerial.get(serialKey(item.ci.serialNr!)) === 1
  );
}

/** New devices take their serial match: ambiguous ones are skipped, taken-over CIs get our source and sourceID. */
async function resolveNewCis(
  batch: Item[],
  serials: SerialMatches,
  deps: ApplyDeps,
  count: (k: string, n?: number) => void,
  result: ApplyResult,
) {
  /** New devices that found their CI in 4me already (and the CI): the upload updates those CIs, it creates none. */
  const matched = new Map<Item, string>();
  const fresh = batch.filter((i) => !i.ledger?.ciId && i.ci.serialNr);
  if (fresh.length === 0) return { writable: batch, matched };
  if (serials.error) throw serials.error;
  const skip = new Set<Item>();
  for (const item of fresh) {
    const m = serials.matches.get(item) ?? { kind: "new" };
    if (m.kind === "ambiguous_serial") {
      skip.add(item);
      count("skipped:ambiguous_serial");
      deps.logger.warn(
        { deviceId: item.ci.deviceId, cis: m.ciIds.length },
        "several active CIs share the serial; not merged",
      );
      continue;
    }
    if (m.kind !== "serial" && m.kind !== "source") continue;
    const refused = serials.refused.get(item);
    if (refused !== undefined) {
      // 4me refused the takeover (the CI itself is invalid, say): skip this device, never the whole batch, and
      // never upload it, which would only meet the same CI by serial again.
      skip.add(item);
      count("skipped:serial_match_refused");
      result.errors.push(`serial match ${item.ci.deviceId} → CI ${m.ciId}: ${refused}`);
      continue;
    }
    if (m.kind === "serial") count("matched_by_serial");
    matched.set(item, m.ciId);
  }
  return { writable: skip.size ? batch.filter((i) => !skip.has(i)) : batch, matched };
}

async function uploadBatch(
  batch: Item[],
  deps: ApplyDeps,
  productIdBySourceId: Map<string, string>,
  count: (k: string, n?: number) => void,
  result: ApplyResult,
  matched: ReadonlyMap<Item, string>,
  osCis: OsCiResolver,
) {
  if (batch.length === 0) return;
  const emails = batch.flatMap((i) => [i.ci.primaryUser?.email, i.ci.primaryUser?.upn]).filter((e): e is string => !!e);
  const people = await deps.api.findPeopleByEmails(emails);
  const full = withFullCis(batch, deps);
  const osCiIds = await osCis.resolve(full.map((i) => i.ci));
  const withoutOs = new Set(batch.filter((_, n) => full[n].ci.os && !osCiIds.has(full[n].ci.os!.sourceID)));
  const ctx: UploadContext = {
    people,
    uiExtensionId: deps.uiExtensionId,
    productIdBySourceId,
    supportTeam: deps.supportTeam,
    osCiIds,
  };
  const prepared = prepareUpload(full, ctx);
  count("users_not_found", prepared.usersNotFound.length);
  let res = await deps.api.uploadDiscovered(prepared.upload);
  res = await retryCustomFieldRefusals(full, res, prepared.upload, deps, count, ctx);
  const bySourceId = new Map(res.items.filter((i) => i.sourceID).map((i) => [i.sourceID!, i]));
  const written: { item: Item; ciId: string; productId?: string; personId?: string }[] = [];
  for (const item of batch) {
    const r = bySourceId.get(item.ci.sourceID);
    if (!r) {
      count("skipped:4me_rejected");
      continue;
    }
    const expected = matched.get(item);
    if (expected && expected !== r.id) {
      // The upload wrote another CI than the one matched by serial: never silent (the CI it wrote is recorded).
      count("serial_match_missed");
      result.errors.push(`${item.ci.deviceId}: matched CI ${expected} by serial, but 4me wrote CI ${r.id}`);
    }
    written.push({
      item,
      ciId: r.id,
      productId: r.productId,
      personId: prepared.personBySourceId.get(item.ci.sourceID),
    });
  }
  for (const e of res.errors.slice(0, 20)) result.errors.push(`4me: ${(e.path ?? []).join(".")}: ${e.message}`);
  const userNotReplaced = await replaceOwnUsers(
    written.filter((w) => userWriteMode(w.item.ledger?.userId, w.personId) === "replace"),
    deps,
    result,
  );
  const ledger = written.map(({ item, ciId, productId, personId }): LedgerEntry => {
    // When our old user could not be taken off, the device stays "changed" (no fingerprint) and keeps the old
    // user in the ledger, so the next run tries the replacement again.
    // So does a device whose OS CI could not be had: it was written without its operatingSystemId.
    const retry = userNotReplaced.has(item) || withoutOs.has(item);
    return {
      account: deps.account,
      tenantId: item.ci.tenantId,
      deviceId: item.ci.deviceId,
      ciId,
      productId: productId ?? item.ledger?.productId,
      fingerprint: retry ? "" : item.fingerprint,
      lastSeenAt: deps.now.toISOString(),
      retired: false,
      userId: retry ? item.ledger?.userId : (personId ?? item.ledger?.userId),
      ...("beta" in item.ci && item.ci.beta !== undefined ? { beta: item.ci.beta } : {}),
    };
  });
  await deps.store.putLedger(ledger);
  // Counted once recorded: a batch whose ledger write fails is counted as failed, not also as written.
  for (const { item, ciId } of written) {
    const created = item.reason === "new" && matched.get(item) !== ciId;
    count(created ? "created" : item.reason === "reactivated" ? "reactivated" : "updated");
  }
}

/**
 * The primary user changed: our earlier user makes way for the new one; users somebody else added stay. Returns the
 * items whose CI could not be updated (their error is in the result).
 */
async function replaceOwnUsers(
  items: { item: Item; ciId: string; personId?: string }[],
  deps: ApplyDeps,
  result: ApplyResult,
): Promise<Set<Item>> {
  const failed = new Set<Item>();
  if (items.length === 0) return failed;
  let current: Map<string, string[]>;
  try {
    current = new Map((await deps.api.findCisByIds(items.map((i) => i.ciId))).map((c) => [c.id, c.userIds]));
  } catch (err) {
    rethrowFatal(err);
    result.errors.push(`users of ${items.length} CIs not replaced: ${(err as Error).message}`);
    return new Set(items.map((i) => i.item));
  }
  const changes = items.flatMap(({ item, ciId, personId }) => {
    const change = planUserChange(current.get(ciId) ?? [], item.ledger?.userId, personId);
    return change.changed ? [{ item, id: ciId, patch: { userIds: change.userIds } }] : [];
  });
  if (changes.length === 0) return failed;
  const outcomes = await deps.api.updateCis(changes.map(({ id, patch }) => ({ id, patch })));
  outcomes.forEach((o, i) => {
    if (!o.error) return;
    failed.add(changes[i].item);
    result.errors.push(`users of CI ${o.update.id} not replaced: ${o.error}`);
  });
  return failed;
}

/** Unchanged devices whose user was not in 4me last time: link those that are there now, nothing else. */
async function retryUsers(items: readonly Item[], deps: ApplyDeps, count: (k: string, n?: number) => void) {
  if (items.length === 0) return;
  const emails = items.flatMap((i) => [i.ci.primaryUser?.email, i.ci.primaryUser?.upn]).filter((e): e is string => !!e);
  const people = await deps.api.findPeopleByEmails(emails);
  const found = items.filter((i) => i.ledger?.ciId && personOf(i, people));
  count("users_not_found", items.length - found.length);
  if (found.length === 0) return;
  const current = new Map(
    (await deps.api.findCisByIds(found.map((i) => i.ledger!.ciId!))).map((c) => [c.id, c.userIds]),
  );
  const links = found.map((item) => {
    const personId = personOf(item, people)!;
    return { item, personId, change: planUserChange(current.get(item.ledger!.ciId!) ?? [], undefined, personId) };
  });
  const changed = links.filter((l) => l.change.changed);
  const outcomes = await deps.api.updateCis(
    changed.map((l) => ({ id: l.item.ledger!.ciId!, patch: { userIds: l.change.userIds } })),
  );
  const failed = new Set(changed.filter((_, i) => outcomes[i].error).map((l) => l.item));
  const ledger: LedgerEntry[] = [];
  for (const { item, personId } of links) {
    // A CI 4me refused stays unlinked in the ledger: the next run tries it again.
    if (failed.has(item)) continue;
    ledger.push({ ...item.ledger!, userId: personId });
    count("users_linked");
  }
  await deps.store.putLedger(ledger);
  const firstError = outcomes.find((o) => o.error);
  if (firstError)
    throw new Error(
      `${failed.size} CIs not linked to their user, e.g. CI ${firstError.update.id}: ${firstError.error}`,
    );
}

async function retire(
  plan: SyncPlan<PlanDevice>,
  deps: ApplyDeps,
  count: (k: string, n?: number) => void,
  result: ApplyResult,
) {
  if (plan.toRetire.length === 0) return;
  const remarks = new Map(
    (await deps.api.findCisByIds(plan.toRetire.map((r) => r.ledgerEntry.ciId!))).map((c) => [c.id, c.remarks ?? ""]),
  );
  // Ten updates per request; each hundred is recorded in the ledger before the next is sent.
  for (let i = 0; i < plan.toRetire.length; i += 100) {
    const part = plan.toRetire.slice(i, i + 100);
    const outcomes = await deps.api.updateCis(
      part.map((r) => {
        const before = remarks.get(r.ledgerEntry.ciId!) ?? "";
        return {
          id: r.ledgerEntry.ciId!,
          patch: { status: r.status, remarks: before ? `${before}\n\n${r.remark}` : r.remark },
        };
      }),
    );
    const done = part.filter((r, j) => {
      const error = outcomes[j].error;
      if (error) result.errors.push(`retire ${r.ledgerEntry.deviceId}: ${error}`);
      return !error;
    });
    try {
      await deps.store.putLedger(done.map((r) => ({ ...r.ledgerEntry, retired: true })));
      if (done.length) count("retired", done.length);
    } catch (err) {
      result.errors.push(`retire: ${done.length} CIs retired in 4me, not recorded: ${(err as Error).message}`);
    }
  }
}

export const BUDGET_ERROR = "4me budget nearly spent";

/**
 * The token's hourly budget is down to its reserve: these writes wait for the next run (their devices stay changed
 * in the ledger, so the next run plans them again). Said once in the errors, counted as postponed:budget.
 */
function postponedForBudget(n: number, deps: ApplyDeps, count: (k: string, n?: number) => void, result: ApplyResult) {
  if (n === 0) return false;
  const why = deps.api.budgetNearlySpent();
  if (!why) return false;
  count("postponed:budget", n);
  if (!result.errors.some((e) => e.startsWith(BUDGET_ERROR)))
    result.errors.push(`${BUDGET_ERROR} (${why}): writes postponed to the next run`);
  return true;
}

/** The batch's items with their full CIs (the same order): compact records are loaded from the run's store. */
function withFullCis(batch: readonly Item[], deps: ApplyDeps): WriteItem[] {
  const compact = batch.flatMap((i) => ("customFields" in i.ci ? [] : [i.ci]));
  if (compact.length && !deps.loadCis) throw new Error("compact devices to write, but no loadCis to load their CIs");
  const loaded = compact.length ? deps.loadCis!(compact) : [];
  let next = 0;
  return batch.map((i) => ({ ...i, ci: "customFields" in i.ci ? i.ci : loaded[next++] }));
}

/** 4me refused the app's credentials: nothing else can work, so the run stops and the instance is suspended. */
export function rethrowFatal(err: unknown): void {
  if (err instanceof FourMeCredentialsError) throw err;
}
