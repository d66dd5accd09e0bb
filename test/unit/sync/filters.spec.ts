import { expect } from "chai";
import { exclusionReason, isImported, DEFAULT_FILTERS, type ImportFilters } from "../../../src/sync/filters.js";
import type { DeviceClass } from "../../../src/sync/device-class.js";

const all: ImportFilters = { ...DEFAULT_FILTERS, active: true, windows: true, android: true, ios: true, macos: true };
const dev = (c: Partial<DeviceClass>): DeviceClass => ({
  platform: "windows",
  ownership: "company",
  userState: "user",
  ...c,
});

describe("import filters", () => {
  it("imports nothing by default", () => {
    expect(isImported(dev({}), DEFAULT_FILTERS)).to.equal(false);
  });

  it("imports nothing until the import is activated, even with platforms on", () => {
    expect(isImported(dev({}), { ...all, active: false })).to.equal(false);
    expect(isImported(dev({}), all)).to.equal(true);
  });

  it("excludes a platform that is switched off and platforms we do not know", () => {
    expect(exclusionReason(dev({ platform: "android" }), { ...all, android: false })).to.equal("platform");
    expect(exclusionReason(dev({ platform: "other" }), all)).to.equal("platform");
  });

  it("applies the personally-owned filter to computers but not to phones", () => {
    expect(exclusionReason(dev({ ownership: "personal" }), all)).to.equal("personal");
    expect(exclusionReason(dev({ platform: "macos", ownership: "personal" }), all)).to.equal("personal");
    expect(exclusionReason(dev({ platform: "ios", ownership: "personal" }), all)).to.equal(null);
    expect(exclusionReason(dev({ ownership: "personal" }), { ...all, personal: true })).to.equal(null);
  });

  it("imports devices whose user was deleted only when asked, and never with only-primary-user", () => {
    expect(exclusionReason(dev({ userState: "deleted" }), all)).to.equal("user_deleted");
    expect(exclusionReason(dev({ userState: "deleted" }), { ...all, userDeleted: true })).to.equal(null);
    expect(
      exclusionReason(dev({ userState: "deleted" }), { ...all, userDeleted: true, onlyWithPrimaryUser: true }),
    ).to.equal("user_deleted");
  });

  it("excludes userless devices when only devices with a primary user are wanted", () => {
    expect(exclusionReason(dev({ userState: "none" }), all)).to.equal(null);
    expect(exclusionReason(dev({ userState: "none" }), { ...all, onlyWithPrimaryUser: true })).to.equal(
      "no_primary_user",
    );
  });
});
