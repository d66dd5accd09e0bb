// A second bulk call for CIs whose custom fields 4me refused (their product's UI extension does not define them).
import type { DiscoveredResult } from "../fourme/types.js";
import type { ApplyDeps } from "./apply-plan.js";
import { prepareUpload, type PreparedUpload, type UploadContext } from "./build-upload.js";
import type { WriteItem } from "./plan.js";

/**
 * 4me refuses a CI's custom fields that its product's UI extension does not define. That happens when the customer
 * moved the CI to a product of their own (as the connector's products are meant to be replaced): a product without
 * an extension gets ours (as a serial-matched CI's product does); a product with another extension keeps it, and its
 * CIs are written without our fields. One more bulk call for those items; never in the usual case.
 */
export async function retryCustomFieldRefusals(
  batch: WriteItem[],
  res: DiscoveredResult,
  upload: PreparedUpload["upload"],
  deps: ApplyDeps,
  count: (k: string, n?: number) => void,
  ctx: UploadContext,
): Promise<DiscoveredResult> {
  const written = new Set(res.items.map((i) => i.sourceID));
  const reasons = new Map<string, Set<string>>();
  for (const e of res.errors) {
    const sourceID = sourceIdAt(upload, e.path);
    if (!sourceID || written.has(sourceID)) continue;
    const field = e.path?.[e.path.length - 1] ?? "";
    const set = reasons.get(sourceID) ?? new Set<string>();
    set.add(field);
    reasons.set(sourceID, set);
  }
  const refused = batch.filter((i) => {
    const r = reasons.get(i.ci.sourceID);
    return r?.size === 1 && r.has("customFields");
  });
  if (refused.length === 0) return res;

  const cis = await deps.api.findCisBySource(refused.map((i) => i.ci.sourceID));
  const withoutCustomFields = new Set<string>();
  const extend = new Set<string>();
  for (const ci of cis) {
    if (!ci.sourceID || !ci.product) continue;
    if (!ci.product.uiExtensionId && deps.uiExtensionId) extend.add(ci.product.id);
    else withoutCustomFields.add(ci.sourceID);
  }
  for (const id of extend) await deps.api.updateProduct(id, { uiExtensionId: deps.uiExtensionId });
  const again = prepareUpload(refused, { ...ctx, withoutCustomFields });
  const retried = await deps.api.uploadDiscovered(again.upload);
  const retriedIds = new Set(refused.map((i) => i.ci.sourceID));
  const stillWritten = new Set(retried.items.map((i) => i.sourceID));
  count("written_without_intune_fields", [...withoutCustomFields].filter((id) => stillWritten.has(id)).length);
  return {
    items: [...res.items, ...retried.items],
    // The first refusals of the retried items are replaced by what the retry said.
    errors: [...res.errors.filter((e) => !retriedIds.has(sourceIdAt(upload, e.path) ?? "")), ...retried.errors],
    errorCount: res.errorCount + retried.errorCount,
  };
}

/** The CI sourceID an error path points at: physicalAssets.<c>.products.<p>.configurationItems.<i>[.field]. */
function sourceIdAt(upload: PreparedUpload["upload"], path: string[] | undefined): string | undefined {
  if (!path || path[0] !== "physicalAssets" || path[2] !== "products" || path[4] !== "configurationItems") return;
  return upload.categories[Number(path[1])]?.products[Number(path[3])]?.configurationItems[Number(path[5])]?.sourceID;
}
