import { expect } from "chai";
import { osFamilyOf, type OsSource } from "../../../src/sync/os-family.js";
import { WINDOWS_RELEASES } from "../../../src/sync/windows-releases.js";

const base: OsSource = { operatingSystem: null, osVersion: null, skuFamily: null, skuNumber: null, deviceType: null };
const name = (d: Partial<OsSource>) => osFamilyOf({ ...base, ...d })?.name;
const win = (osVersion: string, sku: Partial<OsSource> = { skuNumber: 4 }) =>
  name({ operatingSystem: "Windows", osVersion, ...sku });

describe("osFamilyOf", () => {
  describe("Windows", () => {
    it("names edition and release from the SKU number and the build", () => {
      expect(win("10.0.22631.3593")).to.equal("Windows 11 Enterprise 23H2");
      expect(win("10.0.26100.2033")).to.equal("Windows 11 Enterprise 24H2");
      expect(win("10.0.22621.3880", { skuNumber: 48 })).to.equal("Windows 11 Pro 22H2");
      expect(win("10.0.19045.4412", { skuNumber: 48 })).to.equal("Windows 10 Pro 22H2");
      expect(win("10.0.19044.1", { skuNumber: 121 })).to.equal("Windows 10 Education 21H2");
      expect(win("10.0.22000.1", { skuNumber: 49 })).to.equal("Windows 11 Pro N 21H2");
    });

    it("takes skuFamily when the SKU number is missing or unknown, and leaves the edition out without either", () => {
      expect(win("10.0.22631.1", { skuFamily: "Enterprise" })).to.equal("Windows 11 Enterprise 23H2");
      expect(win("10.0.22631.1", { skuNumber: 9999, skuFamily: "Custom" })).to.equal("Windows 11 Custom 23H2");
      expect(win("10.0.22631.1", {})).to.equal("Windows 11 23H2");
    });

    it("falls back to the major version for a build the table does not know, and to Windows without a build", () => {
      expect(win("10.0.27000.1")).to.equal("Windows 11 Enterprise");
      expect(win("10.0.19999.1")).to.equal("Windows 10 Enterprise");
      expect(win("")).to.equal("Windows Enterprise");
      expect(win("not a version", {})).to.equal("Windows");
    });

    it("puts each edition under one Microsoft product, whatever the release", () => {
      const a = osFamilyOf({ ...base, operatingSystem: "Windows", osVersion: "10.0.22631.1", skuNumber: 4 })!;
      const b = osFamilyOf({ ...base, operatingSystem: "Windows", osVersion: "10.0.26100.1", skuNumber: 4 })!;
      expect(a).to.deep.equal({
        sourceID: "os:windows_11_enterprise_23h2",
        name: "Windows 11 Enterprise 23H2",
        brand: "Microsoft",
        model: "Windows 11 Enterprise",
        productSourceID: "os_microsoft_windows_11_enterprise",
      });
      expect(b.productSourceID).to.equal(a.productSourceID);
      expect(b.sourceID).to.not.equal(a.sourceID);
    });

    it("knows the Windows 10 and 11 feature updates Microsoft Learn lists", () => {
      expect(WINDOWS_RELEASES[19045]).to.equal("22H2");
      expect(WINDOWS_RELEASES[22631]).to.equal("23H2");
      expect(WINDOWS_RELEASES[26100]).to.equal("24H2");
    });
  });

  it("names iOS and iPadOS by major version", () => {
    expect(name({ operatingSystem: "iOS", osVersion: "17.5.1", deviceType: "iPhone" })).to.equal("iOS 17");
    expect(name({ operatingSystem: "iOS", osVersion: "18.1", model: "iPad Air (5th generation)" })).to.equal(
      "iPadOS 18",
    );
    expect(name({ operatingSystem: "iPadOS", osVersion: "17.6.1" })).to.equal("iPadOS 17");
    // Before iPadOS 13 an iPad ran iOS.
    expect(name({ operatingSystem: "iOS", osVersion: "12.5.7", deviceType: "iPad" })).to.equal("iOS 12");
    expect(name({ operatingSystem: "iOS", osVersion: "" })).to.equal("iOS");
    expect(osFamilyOf({ ...base, operatingSystem: "iOS", osVersion: "17.5" })?.brand).to.equal("Apple");
  });

  it("names macOS with Apple's release name, and the version alone for one it has no name for", () => {
    expect(name({ operatingSystem: "macOS", osVersion: "14.6.1 (23G93)" })).to.equal("macOS 14 Sonoma");
    expect(name({ operatingSystem: "macOS", osVersion: "15.1 (24B83)" })).to.equal("macOS 15 Sequoia");
    expect(name({ operatingSystem: "macOS", osVersion: "13.6.7 (22G720)" })).to.equal("macOS 13 Ventura");
    expect(name({ operatingSystem: "macOS", osVersion: "10.15.7" })).to.equal("macOS 10.15 Catalina");
    expect(name({ operatingSystem: "MacMDM", osVersion: "27.0" })).to.equal("macOS 27");
    expect(name({ operatingSystem: "macOS", osVersion: "" })).to.equal("macOS");
  });

  it("names Android by major version, whatever the enrolment type", () => {
    expect(name({ operatingSystem: "Android", osVersion: "14" })).to.equal("Android 14");
    expect(name({ operatingSystem: "AndroidEnterprise", osVersion: "13.0.1" })).to.equal("Android 13");
    expect(name({ operatingSystem: "AndroidForWork", osVersion: "" })).to.equal("Android");
  });

  it("gives no family for an operating system it cannot tell", () => {
    expect(osFamilyOf({ ...base, operatingSystem: "Linux", osVersion: "22.04" })).to.equal(undefined);
    expect(osFamilyOf({ ...base })).to.equal(undefined);
  });
});
