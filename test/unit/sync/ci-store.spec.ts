import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryCiStore, SqliteCiStore, type CiStore } from "../../../src/sync/ci-store.js";
import { mapDevice, type MappedCi } from "../../../src/sync/map-device.js";
import { NOW, device } from "./fixtures.js";

const ctx = {
  adminCenterUrl: "https://intune.microsoft.com",
  now: NOW,
  qualifySourceId: false,
  ciStatus: "in_production",
};
const ci = (i: number) =>
  (
    mapDevice(
      device({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, serialNumber: `SN-${i}` }),
      ctx,
    ) as {
      ci: MappedCi;
    }
  ).ci;

for (const [name, make] of [
  ["MemoryCiStore", () => new MemoryCiStore()],
  ["SqliteCiStore", () => new SqliteCiStore()],
] as [string, () => CiStore][]) {
  describe(name, () => {
    it("gives back the CIs put, by row, in the order asked for", () => {
      const store = make();
      try {
        const cis = Array.from({ length: 1_203 }, (_, i) => ci(i));
        const rows = cis.map((c) => store.put(c));
        expect(rows).to.deep.equal(cis.map((_, i) => i));
        expect(store.load([1_202, 0, 600])).to.deep.equal([cis[1_202], cis[0], cis[600]]);
        expect(store.load(rows)).to.deep.equal(cis);
      } finally {
        store.close();
      }
    });

    it("refuses a row it never held", () => {
      const store = make();
      try {
        store.put(ci(1));
        expect(() => store.load([0, 5])).to.throw(RangeError, "no CI at row 5");
      } finally {
        store.close();
      }
    });
  });
}

describe("SqliteCiStore file", () => {
  it("lives in a folder of its own that close removes, and is closed for good", () => {
    const parent = mkdtempSync(join(tmpdir(), "ci-store-spec-"));
    try {
      const store = new SqliteCiStore(parent);
      store.put(ci(1));
      expect(readdirSync(parent)).to.have.length(1);
      store.close();
      store.close();
      expect(readdirSync(parent)).to.deep.equal([]);
      expect(() => store.load([0])).to.throw("closed");
      expect(() => store.put(ci(2))).to.throw("closed");
    } finally {
      rmSync(parent, { recursive: true, force: true });
      expect(existsSync(parent)).to.equal(false);
    }
  });
});
