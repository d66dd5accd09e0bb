import { expect } from "chai";
import type { LedgerEntry } from "../../../src/store/types.js";
import { LedgerIndex } from "../../../src/sync/ledger-index.js";
import { mayBeWritten } from "../../../src/sync/read-fleet.js";

const entry = (tenantId: string, deviceId: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  account: "acme",
  tenantId,
  deviceId,
  lastSeenAt: "2026-11-20T10:00:00.000Z",
  retired: false,
  ...extra,
});

describe("LedgerIndex", () => {
  it("finds an entry by tenant and device, and only that one", () => {
    const a = entry("t1", "d1");
    const b = entry("t2", "d1");
    const index = new LedgerIndex([a, b, entry("t1", "d2")]);
    expect(index.get("t1", "d1")).to.equal(a);
    expect(index.get("t2", "d1")).to.equal(b);
    expect(index.get("t2", "d2")).to.equal(undefined);
    expect(index.get("t3", "d1")).to.equal(undefined);
    // A key built by joining the two must not collide: tenant "t1\u0000d" + device "1" is not tenant "t1", device "d1".
    expect(index.get("t1\u0000d", "1")).to.equal(undefined);
  });

  it("keeps the last of two entries with one key, as a map built from the list would", () => {
    const first = entry("t1", "d1", { ciId: "ci-1" });
    const second = entry("t1", "d1", { ciId: "ci-2" });
    expect(new LedgerIndex([first, second]).get("t1", "d1")).to.equal(second);
  });

  it("takes an index as it is and keeps the entries it was built from", () => {
    const entries = [entry("t1", "d1")];
    const index = new LedgerIndex(entries);
    expect(LedgerIndex.of(index)).to.equal(index);
    expect(LedgerIndex.of(entries).entries).to.equal(entries);
  });

  it("mayBeWritten answers the same from an index as from the list", () => {
    const entries = [
      entry("t1", "same", { ciId: "ci-1", fingerprint: "f1" }),
      entry("t1", "changed", { ciId: "ci-2", fingerprint: "old" }),
      entry("t1", "retired", { ciId: "ci-3", fingerprint: "f3", retired: true }),
      entry("t1", "unlinked", { fingerprint: "f4" }),
    ];
    const devices = [
      { tenantId: "t1", deviceId: "same", fingerprint: "f1" },
      { tenantId: "t1", deviceId: "changed", fingerprint: "new" },
      { tenantId: "t1", deviceId: "retired", fingerprint: "f3" },
      { tenantId: "t1", deviceId: "unlinked", fingerprint: "f4" },
      { tenantId: "t1", deviceId: "new", fingerprint: "f5" },
    ];
    const fromList = devices.map(mayBeWritten(entries));
    expect(fromList).to.deep.equal([false, true, true, true, true]);
    expect(devices.map(mayBeWritten(new LedgerIndex(entries)))).to.deep.equal(fromList);
  });
});
