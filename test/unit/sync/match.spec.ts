import { expect } from "chai";
import type { LedgerEntry } from "../../../src/store/types.js";
import {
  indexExistingCis,
  isActiveCiStatus,
  matchCi,
  resolveSerialDuplicates,
  type ExistingCi,
} from "../../../src/sync/match.js";
import { TENANT, TENANT_2 } from "./fixtures.js";

const dev = (deviceId: string, serialNr: string | undefined, lastSeenAt?: string, tenantId = TENANT) => ({
  tenantId,
  deviceId,
  serialNr,
  lastSeenAt,
});
const ledger = (deviceId: string, ciId?: string): LedgerEntry => ({
  account: "widget",
  tenantId: TENANT,
  deviceId,
  ciId,
  lastSeenAt: "2025-06-01T00:00:00Z",
  retired: false,
});
const existing = (id: string, serialNr: string | null, status = "in_production", extra: Partial<ExistingCi> = {}) => ({
  id,
  serialNr,
  status,
  ...extra,
});

describe("matching", () => {
  it("knows 4me's inactive CI statuses", () => {
    for (const s of ["archived", "to_be_removed", "lost_or_stolen", "removed"])
      expect(isActiveCiStatus(s)).to.equal(false);
    for (const s of ["in_production", "installed", "in_stock", "broken_down"])
      expect(isActiveCiStatus(s)).to.equal(true);
    expect(isActiveCiStatus(undefined)).to.equal(false);
  });

  describe("resolveSerialDuplicates", () => {
    it("keeps the most recently synced of two records with one serial and reports the other", () => {
      const old = dev("old", "ABC123", "2025-01-01T00:00:00Z");
      const fresh = dev("new", "abc123 ", "2025-06-01T00:00:00Z");
      const other = dev("other", "XYZ", "2024-01-01T00:00:00Z");
      const r = resolveSerialDuplicates([old, other, fresh]);
      expect(r.winners).to.deep.equal([other, fresh]);
      expect(r.duplicates).to.deep.equal([{ device: old, winner: fresh }]);
    });

    it("finds duplicates across tenants of one account", () => {
      const a = dev("a", "SER1", "2025-06-01T00:00:00Z", TENANT);
      const b = dev("b", "SER1", "2025-06-02T00:00:00Z", TENANT_2);
      expect(resolveSerialDuplicates([a, b]).duplicates.map((d) => d.device)).to.deep.equal([a]);
    });

    it("never pairs devices on empty or placeholder serials", () => {
      const devices = [
        dev("a", undefined),
        dev("b", undefined),
        dev("c", "0"),
        dev("d", "0"),
        dev("e", "To be filled by O.E.M."),
        dev("f", "To be filled by O.E.M."),
      ];
      expect(resolveSerialDuplicates(devices).duplicates).to.deep.equal([]);
    });

    it("breaks ties by the record already linked to a CI, then by id, so the winner is stable", () => {
      const a = dev("a", "SER9", "2025-06-01T00:00:00Z");
      const b = dev("b", "SER9", "2025-06-01T00:00:00Z");
      expect(resolveSerialDuplicates([b, a]).winners).to.deep.equal([a]);
      expect(resolveSerialDuplicates([a, b], (d) => d.deviceId === "b").winners).to.deep.equal([b]);
      const unknownSync = dev("c", "SER9");
      expect(resolveSerialDuplicates([unknownSync, a]).winners).to.deep.equal([a]);
    });

    it("keeps one winner among three records", () => {
      const r = resolveSerialDuplicates([
        dev("1", "SER9", "2025-01-01T00:00:00Z"),
        dev("2", "SER9", "2025-03-01T00:00:00Z"),
        dev("3", "SER9", "2025-02-01T00:00:00Z"),
      ]);
      expect(r.winners.map((d) => d.deviceId)).to.deep.equal(["2"]);
      expect(r.duplicates.map((d) => [d.device.deviceId, d.winner.deviceId])).to.deep.equal([
        ["1", "2"],
        ["3", "2"],
      ]);
    });
  });

  describe("matchCi", () => {
    const device = dev("dev-1", "7HQ2KX3");

    it("uses the ledger first", () => {
      const index = indexExistingCis([existing("ci-other", "7HQ2KX3")]);
      expect(matchCi(device, ledger("dev-1", "ci-9"), index)).to.deep.equal({ kind: "ledger", ciId: "ci-9" });
    });

    it("then source and sourceID, in either the plain or the tenant-qualified form", () => {
      const plain = indexExistingCis([
        existing("ci-serial", "7HQ2KX3"),
        existing("ci-src", null, "in_production", { source: "Intune", sourceID: "dev-1" }),
      ]);
      expect(matchCi(device, ledger("dev-1"), plain)).to.deep.equal({
        kind: "source",
        ciId: "ci-src",
        sourceID: "dev-1",
      });
      const qualified = indexExistingCis([
        existing("ci-q", null, "removed", { source: "intune", sourceID: `${TENANT}/dev-1` }),
      ]);
      expect(matchCi(device, undefined, qualified)).to.deep.equal({
        kind: "source",
        ciId: "ci-q",
        sourceID: `${TENANT}/dev-1`,
      });
    });

    it("ignores CIs of other sources with the same sourceID", () => {
      const index = indexExistingCis([
        existing("ci-ls", null, "in_production", { source: "Lansweeper", sourceID: "dev-1" }),
      ]);
      expect(matchCi(dev("dev-1", undefined), undefined, index)).to.deep.equal({ kind: "new" });
    });

    it("then the serial, trimmed and case-insensitive", () => {
      const index = indexExistingCis([existing("ci-1", " 7hq2kx3 ")]);
      expect(matchCi(device, undefined, index)).to.deep.equal({ kind: "serial", ciId: "ci-1" });
    });

    it("never matches on a placeholder serial, on either side", () => {
      const index = indexExistingCis([existing("ci-1", "Default string"), existing("ci-2", "0")]);
      expect(matchCi(dev("d", "Default string"), undefined, index)).to.deep.equal({ kind: "new" });
      expect(matchCi(dev("d", "0"), undefined, index)).to.deep.equal({ kind: "new" });
      expect(matchCi(dev("d", undefined), undefined, index)).to.deep.equal({ kind: "new" });
    });

    it("picks the single active CI when several have the serial", () => {
      const index = indexExistingCis([existing("ci-old", "7HQ2KX3", "archived"), existing("ci-live", "7HQ2KX3")]);
      expect(matchCi(device, undefined, index)).to.deep.equal({ kind: "serial", ciId: "ci-live" });
    });

    it("reports several active CIs with the serial as ambiguous and merges nothing", () => {
      const index = indexExistingCis([existing("ci-b", "7HQ2KX3"), existing("ci-a", "7hq2kx3", "in_stock")]);
      expect(matchCi(device, undefined, index)).to.deep.equal({ kind: "ambiguous_serial", ciIds: ["ci-a", "ci-b"] });
    });

    it("reports several inactive CIs with the serial as ambiguous too, and takes over a single inactive one", () => {
      const two = indexExistingCis([existing("ci-a", "7HQ2KX3", "removed"), existing("ci-b", "7HQ2KX3", "archived")]);
      expect(matchCi(device, undefined, two).kind).to.equal("ambiguous_serial");
      const one = indexExistingCis([existing("ci-a", "7HQ2KX3", "removed")]);
      expect(matchCi(device, undefined, one)).to.deep.equal({ kind: "serial", ciId: "ci-a" });
    });

    it("creates a new CI when nothing matches", () => {
      expect(matchCi(device, undefined, indexExistingCis([]))).to.deep.equal({ kind: "new" });
    });
  });
});
