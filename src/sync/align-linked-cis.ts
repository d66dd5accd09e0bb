// The sourceID step before a batch's upload: the CIs the ledger links to a device carry the sourceID written back
// then, and an account that gains or loses a tenant changes its form (tenant-qualified or not).
import { MutationError } from "../errors.js";
import { rethrowFatal, type ApplyDeps, type ApplyResult, type Item } from "./apply-plan.js";

/**
 * The count for a device whose write failed: 4me refused it (its answer named errors), or the call itself failed
 * (throttled or unavailable beyond its attempts), which the next run retries. Telling them apart keeps a refusal,
 * which needs someone to look, from hiding among outages, which need nobody.
 */
export function writeFailureCount(err: unknown): "skipped:4me_rejected" | "skipped:4me_error" {
  return err instanceof MutationError ? "skipped:4me_rejected" : "skipped:4me_error";
}

/**
 * The upload matches on sourceID, so a CI whose sourceID changed form would be missed and a second one created. One
 * read per batch of linked devices finds those CIs; they get the new sourceID first. Returns the batch without the
 * devices whose CI could not be rewritten (their failure is counted and in the result's errors).
 */
export async function alignLinkedCis(
  batch: Item[],
  deps: ApplyDeps,
  count: (k: string, n?: number) => void,
  result: ApplyResult,
): Promise<Item[]> {
  const linked = batch.filter((i) => i.ledger?.ciId);
  if (linked.length === 0) return batch;
  const current = new Map((await deps.api.findCisByIds(linked.map((i) => i.ledger!.ciId!))).map((c) => [c.id, c]));
  const skip = new Set<Item>();
  for (const item of linked) {
    const ci = current.get(item.ledger!.ciId!);
    // Gone from 4me (deleted by hand): the upload finds nothing under the sourceID and creates it again.
    if (!ci || (ci.sourceID === item.ci.sourceID && ci.source === deps.api.source)) continue;
    try {
      await deps.api.updateCi(ci.id, { source: deps.api.source, sourceID: item.ci.sourceID });
      count("source_id_rewritten");
    } catch (err) {
      rethrowFatal(err);
      skip.add(item);
      count(writeFailureCount(err));
      result.errors.push(`sourceID of CI ${ci.id} (${item.ci.deviceId}) not rewritten: ${(err as Error).message}`);
    }
  }
  return skip.size ? batch.filter((i) => !skip.has(i)) : batch;
}
