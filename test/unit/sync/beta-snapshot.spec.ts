// The beta fields a device was last written with, as its ledger entry keeps them.
import { expect } from "chai";
import { betaFieldsOf, betaSnapshotOf, withLastBetaFields } from "../../../src/sync/beta-snapshot.js";
import { device } from "./fixtures.js";

const BETA = {
  joinType: "hybridAzureADJoined",
  skuFamily: "Enterprise",
  skuNumber: 4,
  chassisType: "laptop",
  deviceType: "windowsRT",
};

describe("beta snapshots", () => {
  it("round-trip the five beta fields, nulls included", () => {
    const snapshot = betaSnapshotOf({ ...BETA, skuFamily: null })!;
    expect(betaFieldsOf(snapshot)).to.deep.equal({ ...BETA, skuFamily: null });
  });

  it("are absent for a device read without beta", () => {
    expect(betaSnapshotOf({})).to.equal(undefined);
    expect(betaSnapshotOf({ joinType: null })).to.equal("[null,null,null,null,null]");
  });

  it("refuse anything that is not a snapshot", () => {
    for (const bad of ["", "{}", "[1,2,3,4,5]", '["a",null,1.5,null,null]', '["a",null,1,null]', "not json"]) {
      expect(betaFieldsOf(bad), bad).to.equal(undefined);
    }
  });

  it("give a device read without beta the fields it was last written with, and its own v1.0 fields", () => {
    const read = device({ deviceName: "LT-NEW-NAME", joinType: undefined, chassisType: undefined });
    const restored = withLastBetaFields(read, betaSnapshotOf(BETA));
    expect(restored).to.include({ ...BETA, deviceName: "LT-NEW-NAME" });
    expect(withLastBetaFields(read, undefined)).to.equal(read);
    expect(withLastBetaFields(read, "garbage")).to.equal(read);
  });
});
