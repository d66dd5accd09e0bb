// Rules shared by both stores for sync runs.
import { StoreError } from "../errors.js";
import type { SyncRun } from "./types.js";

const FINAL_STATUSES = ["succeeded", "failed", "partial"];

/** The error recorded on a run that stopped reporting and was replaced by a new one. */
export function staleRunError(staleAfterMs: number): string {
  return `stale: still running after ${Math.round(staleAfterMs / 1000)} s; marked failed when a new run started`;
}

export function validateFinish(run: Pick<SyncRun, "id" | "status" | "counts" | "errors">): void {
  if (!FINAL_STATUSES.includes(run.status)) {
    throw new StoreError(`a sync run finishes as ${FINAL_STATUSES.join(", ")}; got '${run.status}'`);
  }
}
