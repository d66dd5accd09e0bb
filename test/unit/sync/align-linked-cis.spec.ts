// The sourceID step before an upload: a CI whose sourceID changed form gets the new one first; a failure skips only
// that device, counted as a refusal when 4me named errors and as an error when the call itself failed.
import { expect } from "chai";
import { MutationError, UpstreamError } from "../../../src/errors.js";
import { alignLinkedCis } from "../../../src/sync/align-linked-cis.js";
import type { ApplyDeps, ApplyResult, Item } from "../../../src/sync/apply-plan.js";

const item = (n: number, sourceID: string): Item =>
  ({
    ci: { deviceId: `dev-${n}`, sourceID },
    ledger: { ciId: `ci-${n}` },
    reason: "changed",
  }) as unknown as Item;

function deps(fail: Record<string, Error>) {
  const updated: string[] = [];
  const api = {
    source: "Intune",
    findCisByIds: async (ids: string[]) => ids.map((id) => ({ id, source: "Intune", sourceID: `old-${id}` })),
    updateCi: async (id: string) => {
      if (fail[id]) throw fail[id];
      updated.push(id);
      return { id };
    },
  };
  return { deps: { api } as unknown as ApplyDeps, updated };
}

describe("alignLinkedCis", () => {
  it("rewrites changed sourceIDs and tells a refusal from a call that failed", async () => {
    const { deps: d, updated } = deps({
      "ci-2": new MutationError("configurationItemUpdate", [{ path: ["sourceID"], message: "has already been taken" }]),
      "ci-3": new UpstreamError("4me answered 503 five times", 503),
    });
    const result: ApplyResult = { counts: {}, errors: [] };
    const count = (k: string, n = 1) => (result.counts[k] = (result.counts[k] ?? 0) + n);
    const batch = [item(1, "t/dev-1"), item(2, "t/dev-2"), item(3, "t/dev-3")];
    const kept = await alignLinkedCis(batch, d, count, result);
    expect(kept.map((i) => i.ci.deviceId)).to.deep.equal(["dev-1"]);
    expect(updated).to.deep.equal(["ci-1"]);
    expect(result.counts).to.deep.equal({
      source_id_rewritten: 1,
      "skipped:4me_rejected": 1,
      "skipped:4me_error": 1,
    });
    expect(result.errors).to.have.length(2);
  });

  it("leaves a batch alone whose CIs already carry the sourceID", async () => {
    const { deps: d, updated } = deps({});
    const result: ApplyResult = { counts: {}, errors: [] };
    const batch = [item(1, "old-ci-1")];
    expect(await alignLinkedCis(batch, d, () => undefined, result)).to.equal(batch);
    expect(updated).to.deep.equal([]);
  });
});
