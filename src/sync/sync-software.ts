// The tracked-software pass of a run (issue 17), after the devices are written: reads each tenant's tracked detected
// apps (detected-apps-reader.ts), plans against the record of what was written (plan-software.ts, store
// software_cis) and uploads only the software CIs with a change, through the same bulk upload as the devices.
//
// A software CI's relations are its children (ciRelations.childIds, software CI → device CIs), sent whole: the
// bulk upload has no "add one relation", and a CI written with its full list is right whatever 4me held before.
// What was written is recorded per CI, so an unchanged run makes no 4me request at all. The record is the store's
// and not a read of the relations back from 4me: at 30 % of 100,000 devices a tracked app has ~30,000 relations,
// hundreds of paged reads per app and run against a few bytes per CI in the store.
// A tenant whose apps could not be read makes the pass write nothing: its installations would look removed.
import { APP_CI_PREFIX } from "./software-ci.js";
import type { TrackedSoftwareSettings } from "../app-instance/settings.js";
import type { CustomerApi } from "../fourme/customer-api.js";
import type { DiscoveredProduct } from "../fourme/types.js";
import type { IntuneClient } from "../intune/intune-client.js";
import type { Logger } from "../logger.js";
import type { InstanceStore, SoftwareCiEntry, TenantRecord } from "../store/types.js";
import { FourMeCredentialsError } from "../fourme/token-cache.js";
import { categoryReference } from "./device-category.js";
import { LedgerIndex } from "./ledger-index.js";
import { planSoftware, type SoftwareCiPlan, type TenantApps } from "./plan-software.js";
import { ensureSoftwareCategory } from "./software-category.js";
import { matchingPattern, normaliseName } from "./software-patterns.js";

/** Where the tracked applications' products go: 4me's category for applications (software rule set). */
export const APP_CATEGORY = { group: "Software", name: "Application Software" } as const;
/** CIs per bulk upload: 4me takes at most 100 (4me-platform.md §8.6). */
const UPLOAD_SIZE = 100;

export interface SoftwarePassDeps {
  account: string;
  /** The form's tracked software; absent or without patterns: nothing is read or written. */
  tracked?: TrackedSoftwareSettings;
  tenants: readonly TenantRecord[];
  clientFor: (tenant: TenantRecord) => IntuneClient;
  store: InstanceStore;
  api: CustomerApi;
  supportTeam?: string;
  logger: Logger;
}

export interface SoftwarePassResult {
  counts: Record<string, number>;
  errors: string[];
}

export async function syncTrackedSoftware(deps: SoftwarePassDeps): Promise<SoftwarePassResult> {
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  // An invalid field leaves the recorded software as it is: a typo must not remove every relation.
  if (deps.tracked?.problem) return { counts, errors: [deps.tracked.problem] };
  const patterns = deps.tracked?.patterns ?? [];
  if (patterns.length === 0) return { counts, errors };
  const reads: TenantApps[] = [];
  for (const tenant of deps.tenants) {
    try {
      const res = await deps
        .clientFor(tenant)
        .readTrackedApps((app) => matchingPattern(patterns, normaliseName(app.displayName)) !== undefined);
      reads.push({ tenantId: tenant.tenantId!, apps: res.apps });
      counts["software_graph_requests"] = (counts["software_graph_requests"] ?? 0) + res.requests;
    } catch (err) {
      errors.push(`tracked software: ${tenant.domain}: ${(err as Error).message}; no software CI was changed`);
      return { counts, errors };
    }
  }
  const ledger = new LedgerIndex(await deps.store.getLedger(deps.account));
  const recorded = await deps.store.getSoftwareCis(deps.account);
  const plan = planSoftware({
    patterns,
    reads,
    ciOfDevice: (tenantId, deviceId) => {
      const e = ledger.get(tenantId, deviceId);
      return e && !e.retired ? e.ciId : undefined;
    },
    recorded,
  });
  counts["software_unchanged"] = plan.unchanged;
  if (plan.changes.length === 0) return { counts, errors };
  try {
    await ensureSoftwareCategory(deps.api, APP_CATEGORY, "no tracked software is written until it is fixed");
    for (let i = 0; i < plan.changes.length; i += UPLOAD_SIZE)
      await upload(deps, plan.changes.slice(i, i + UPLOAD_SIZE), counts, errors);
  } catch (err) {
    if (err instanceof FourMeCredentialsError) throw err;
    errors.push(`tracked software: ${(err as Error).message}`);
  }
  return { counts, errors };
}

/** One bulk upload of changed software CIs; each one 4me confirms is recorded with the relations it was sent. */
async function upload(
  deps: SoftwarePassDeps,
  changes: SoftwareCiPlan[],
  counts: Record<string, number>,
  errors: string[],
): Promise<void> {
  const products = new Map<string, DiscoveredProduct>();
  for (const c of changes) {
    const sourceID = `${APP_CI_PREFIX}${normaliseName(c.appName).toLowerCase()}`;
    const p = products.get(sourceID) ?? {
      sourceID,
      name: c.appName,
      brand: c.publisher || c.appName.split(" ")[0]!,
      model: c.appName,
      strategy: "DEFAULT" as const,
      configurationItems: [],
    };
    p.configurationItems.push({
      sourceID: c.sourceID,
      name: c.name,
      status: "in_production",
      strategy: "UPDATE",
      childCiIds: c.deviceCiIds,
    });
    products.set(sourceID, p);
  }
  const res = await deps.api.uploadDiscovered({
    categories: [
      {
        reference: categoryReference(APP_CATEGORY.name, APP_CATEGORY.group),
        name: APP_CATEGORY.name,
        strategy: "DEFAULT",
        products: [...products.values()],
      },
    ],
    ...(deps.supportTeam ? { supportTeam: deps.supportTeam } : {}),
  });
  const ids = new Map(res.items.flatMap((i) => (i.sourceID ? [[i.sourceID, i.id] as const] : [])));
  const written: SoftwareCiEntry[] = [];
  for (const c of changes) {
    const ciId = ids.get(c.sourceID);
    if (!ciId) continue; // refused: not recorded, so the next run tries again
    written.push({
      account: deps.account,
      sourceID: c.sourceID,
      ciId,
      name: c.name,
      appName: c.appName,
      deviceCiIds: c.deviceCiIds,
    });
    const key = c.ciId ? "software_cis_updated" : "software_cis_created";
    counts[key] = (counts[key] ?? 0) + 1;
    counts["software_relations_added"] = (counts["software_relations_added"] ?? 0) + c.relate.length;
    counts["software_relations_removed"] = (counts["software_relations_removed"] ?? 0) + c.unrelate.length;
  }
  await deps.store.putSoftwareCis(written);
  for (const e of res.errors.slice(0, 5)) errors.push(`4me (tracked software): ${e.message}`);
}
