import { expect } from "chai";
import {
  CATEGORIES,
  categoryReference,
  deriveCategory,
  normaliseBrand,
  normaliseModel,
  productFor,
  productKeyOf,
  productSourceId,
  isPlaceholderText,
  UNKNOWN_BRAND,
  UNKNOWN_MODEL,
  type DeviceCategory,
} from "../../../src/sync/products.js";
import { androidWorkProfile, coManaged, device, iphone, kiosk, mac, userDeleted, windowsLaptop } from "./fixtures.js";

describe("products", () => {
  describe("normaliseBrand", () => {
    it("drops legal suffixes and maps known vendor spellings to one brand", () => {
      expect(normaliseBrand("Dell Inc.")).to.equal("Dell");
      expect(normaliseBrand("Microsoft Corporation")).to.equal("Microsoft");
      expect(normaliseBrand("HP")).to.equal("HP");
      expect(normaliseBrand("Hewlett-Packard")).to.equal("HP");
      expect(normaliseBrand("LENOVO")).to.equal("Lenovo");
      expect(normaliseBrand("samsung")).to.equal("Samsung");
      expect(normaliseBrand("ASUSTeK COMPUTER INC.")).to.equal("ASUS");
      expect(normaliseBrand("VMware, Inc.")).to.equal("VMware");
      expect(normaliseBrand("Zebra Technologies")).to.equal("Zebra");
    });

    it("keeps a vendor's own mixed case and says Unknown when there is no manufacturer", () => {
      expect(normaliseBrand("OnePlus")).to.equal("OnePlus");
      expect(normaliseBrand("  ")).to.equal(UNKNOWN_BRAND);
      expect(normaliseBrand(null)).to.equal(UNKNOWN_BRAND);
    });
  });

  it("tidies models and says Unknown when there is none", () => {
    expect(normaliseModel("  Latitude\t 5440 ")).to.equal("Latitude 5440");
    expect(normaliseModel("")).to.equal(UNKNOWN_MODEL);
    expect(normaliseModel(undefined)).to.equal(UNKNOWN_MODEL);
  });

  describe("deriveCategory", () => {
    it("places the example fleet in the right categories", () => {
      const expected: [string, DeviceCategory][] = [
        [windowsLaptop.deviceName!, "laptop"],
        [iphone.deviceName!, "mobile_phone"],
        [androidWorkProfile.deviceName!, "mobile_phone"],
        [mac.deviceName!, "laptop"],
        [coManaged.deviceName!, "desktop"],
        [userDeleted.deviceName!, "mobile_phone"],
        [kiosk.deviceName!, "virtual_machine"],
      ];
      const fleet = [windowsLaptop, iphone, androidWorkProfile, mac, coManaged, userDeleted, kiosk];
      fleet.forEach((d, i) => expect(deriveCategory(d), expected[i][0]).to.equal(expected[i][1]));
    });

    it("falls back to deviceType, then the model name, when the beta chassisType is missing", () => {
      const noBeta = { chassisType: undefined, deviceType: undefined };
      expect(deriveCategory(device({ ...noBeta, deviceType: "iPad", model: "iPad Air" }))).to.equal("tablet");
      expect(deriveCategory(device({ ...noBeta, operatingSystem: "iOS", model: "iPad Pro (11-inch)" }))).to.equal(
        "tablet",
      );
      expect(deriveCategory(device({ ...noBeta, operatingSystem: "Android", model: "SM-X710" }))).to.equal("tablet");
      expect(deriveCategory(device({ ...noBeta, operatingSystem: "Android", model: "Pixel 8" }))).to.equal(
        "mobile_phone",
      );
      expect(deriveCategory(device({ ...noBeta, model: "ThinkPad T14 Gen 4" }))).to.equal("laptop");
      expect(deriveCategory(device({ ...noBeta, model: "Surface Pro 4" }))).to.equal("laptop");
      expect(deriveCategory(device({ ...noBeta, model: "HP EliteDesk 800 G6" }))).to.equal("desktop");
      expect(deriveCategory(device({ ...noBeta, operatingSystem: "macOS", model: "iMac" }))).to.equal("desktop");
    });

    it("puts virtual machines in their own category, Surface Hubs and unclassifiable computers in other", () => {
      expect(deriveCategory(device({ chassisType: "desktop", model: "Virtual Machine" }))).to.equal("virtual_machine");
      expect(
        deriveCategory(device({ chassisType: undefined, deviceType: "surfaceHub", model: "Surface Hub 2S" })),
      ).to.equal("other");
      expect(deriveCategory(device({ chassisType: undefined, deviceType: undefined, model: "20XW0026US" }))).to.equal(
        "other",
      );
      expect(deriveCategory(device({ chassisType: undefined, deviceType: undefined, model: null }))).to.equal("other");
    });

    it("treats an Android or iOS device without any hint as a phone", () => {
      expect(
        deriveCategory(
          device({ chassisType: undefined, deviceType: undefined, operatingSystem: "Android", model: "" }),
        ),
      ).to.equal("mobile_phone");
    });
  });

  describe("productFor", () => {
    it("names the product by brand and model in its category", () => {
      const p = productFor(productKeyOf(windowsLaptop));
      expect(p).to.deep.equal({
        brand: "Dell",
        model: "Latitude 5440",
        name: "Dell Latitude 5440",
        modelSpellings: ["Latitude 5440", "Dell Latitude 5440", "Dell Inc. Latitude 5440"],
        sourceID: "dell_latitude_5440",
        categoryReference: "laptop",
        categoryName: "Laptop",
      });
      expect(productFor(productKeyOf(mac)).modelSpellings).to.deep.equal(["MacBook Pro", "Apple MacBook Pro"]);
    });

    it("treats white-box firmware filler as an unknown brand and model", () => {
      const key = productKeyOf(
        device({ manufacturer: "To Be Filled By O.E.M.", model: "To Be Filled By O.E.M.", chassisType: "desktop" }),
      );
      expect(key).to.deep.equal({ brand: UNKNOWN_BRAND, manufacturer: "", model: UNKNOWN_MODEL, category: "desktop" });
      expect(productFor(key).name).to.equal("Unknown desktop");
      expect(productFor(key).modelSpellings).to.deep.equal([]);
      const sys = productKeyOf(device({ manufacturer: "System manufacturer", model: "System Product Name" }));
      expect([sys.brand, sys.model]).to.deep.equal([UNKNOWN_BRAND, UNKNOWN_MODEL]);
      expect(isPlaceholderText("Default string")).to.equal(true);
      expect(isPlaceholderText("Latitude 5440")).to.equal(false);
    });

    it("gives one product per brand and model, whatever the manufacturer's spelling", () => {
      const a = productFor(productKeyOf(device({ manufacturer: "Dell Inc." })));
      const b = productFor(productKeyOf(device({ manufacturer: "DELL" })));
      expect(a.sourceID).to.equal(b.sourceID);
    });

    it("does not repeat the brand when the model already starts with it", () => {
      const apple = { brand: "Apple", manufacturer: "Apple" };
      expect(productFor(productKeyOf(device({ manufacturer: "Apple", model: "Apple TV 4K" }))).name).to.equal(
        "Apple TV 4K",
      );
      expect(productFor({ ...apple, model: "iPhone 15", category: "mobile_phone" }).name).to.equal("Apple iPhone 15");
    });

    it("keeps devices with a missing manufacturer or model apart per category", () => {
      const laptop = productFor(productKeyOf(device({ manufacturer: null, model: null, chassisType: "laptop" })));
      const phone = productFor(productKeyOf(device({ manufacturer: "", model: "", chassisType: "phone" })));
      expect(laptop.name).to.equal("Unknown laptop");
      expect(laptop.brand).to.equal(UNKNOWN_BRAND);
      expect(laptop.model).to.equal(UNKNOWN_MODEL);
      expect(laptop.sourceID).to.not.equal(phone.sourceID);
      const noModel = productFor(productKeyOf(device({ model: null })));
      expect(noModel.name).to.equal("Dell laptop (model unknown)");
      expect(productFor(productKeyOf(device({ manufacturer: "" }))).name).to.equal("Latitude 5440 (brand unknown)");
      expect(noModel.sourceID).to.equal("dell_unknown_laptop");
    });

    it("keeps source ids within 128 characters and keeps non-ASCII letters apart", () => {
      const long = productFor({ brand: "Brand", manufacturer: "Brand", model: "M".repeat(300), category: "other" });
      expect(long.sourceID.length).to.be.at.most(128);
      expect(long.name.length).to.be.at.most(160);
      expect(productSourceId(["小米", "Redmi Note 12"])).to.equal("小米_redmi_note_12");
      expect(productSourceId(["华为", "Mate 60"])).to.not.equal(productSourceId(["小米", "Mate 60"]));
      expect(productSourceId(["***"])).to.equal("unknown");
    });
  });

  it("defines category references exactly as 4me derives them from the name", () => {
    for (const c of Object.values(CATEGORIES)) expect(c.reference).to.equal(categoryReference(c.name));
    expect(CATEGORIES.mobile_phone.reference).to.equal("mobile_phone");
    expect(categoryReference("Laptop PC", "Computer")).to.equal("computer/laptop_pc");
    const refs = Object.values(CATEGORIES).map((c) => c.reference);
    expect(new Set(refs).size).to.equal(refs.length);
  });
});
