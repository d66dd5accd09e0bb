import { expect } from "chai";
import {
  isPlaceholderText,
  makeModelKey,
  makeModelName,
  makeModelOf,
  repeatsBrand,
  VENDOR_ALIASES,
} from "../../../src/sync/make-model.js";
import { categoryOfModel, deriveCategory } from "../../../src/sync/device-category.js";
import { device } from "./fixtures.js";

describe("make and model identity", () => {
  it("gives every spelling of a vendor one brand", () => {
    const spellings: [string, string][] = [
      ["Dell Inc.", "Dell"],
      ["DELL", "Dell"],
      ["HP Inc.", "HP"],
      ["Hewlett-Packard", "HP"],
      ["Hewlett Packard", "HP"],
      ["HP Development Company, L.P.", "HP"],
      ["LENOVO", "Lenovo"],
      ["Microsoft Corporation", "Microsoft"],
      ["Apple Inc.", "Apple"],
      ["samsung", "Samsung"],
      ["SAMSUNG ELECTRONICS", "Samsung"],
      ["Samsung Electronics Co., Ltd.", "Samsung"],
      ["Google LLC", "Google"],
      ["motorola", "Motorola"],
      ["Zebra Technologies", "Zebra"],
      ["Panasonic Corporation", "Panasonic"],
      ["FUJITSU CLIENT COMPUTING LIMITED", "Fujitsu"],
      ["Acer", "Acer"],
      ["ASUSTeK COMPUTER INC.", "ASUS"],
      ["VMware, Inc.", "VMware"],
      ["Parallels Software International Inc.", "Parallels"],
      ["QEMU", "QEMU"],
      ["innotek GmbH", "Oracle"],
      ["Xen", "Xen"],
      ["Amazon EC2", "Amazon"],
    ];
    for (const [raw, brand] of spellings) expect(makeModelOf(raw, "X1").brand, raw).to.equal(brand);
    // Every alias in the table maps to its brand.
    for (const [brand, aliases] of Object.entries(VENDOR_ALIASES))
      for (const a of aliases) expect(makeModelOf(a, "X1").brand, a).to.equal(brand);
  });

  it("trims the brand the model repeats, in any of its spellings, and firmware filler", () => {
    expect(makeModelOf("HP", "HP ProBook 450 G10 Notebook PC")).to.deep.equal({
      brand: "HP",
      model: "ProBook 450 G10 Notebook PC",
    });
    expect(makeModelOf("Hewlett-Packard", "HP ProBook 450 G10 Notebook PC").model).to.equal(
      "ProBook 450 G10 Notebook PC",
    );
    expect(makeModelOf("Google", "Google Compute Engine").model).to.equal("Compute Engine");
    expect(makeModelOf("Apple", "iPhone 15").model).to.equal("iPhone 15");
    // A model that only starts like the brand keeps it ("HPE" is not "HP" + "E").
    expect(makeModelOf("HP", "HPE ProLiant").model).to.equal("HPE ProLiant");
    for (const filler of ["System Product Name", "To be filled by O.E.M.", "Default string", "Type1ProductConfigId"])
      expect(makeModelOf("ASUSTeK COMPUTER INC.", filler).model, filler).to.equal("Unknown");
    expect(isPlaceholderText("System manufacturer")).to.equal(true);
  });

  it("is one key for one make and model, whatever the case and punctuation, and names the brand once", () => {
    const a = makeModelOf("Dell Inc.", "Latitude 7440");
    const b = makeModelOf("DELL", "latitude  7440");
    expect(makeModelKey(a)).to.equal(makeModelKey(b));
    expect(makeModelKey(makeModelOf("Apple", "iPad Pro (11-inch)"))).to.equal(
      makeModelKey(makeModelOf("Apple Inc.", "iPad Pro 11-inch")),
    );
    expect(makeModelName(makeModelOf("HP", "HP ProBook 450 G10 Notebook PC"))).to.equal(
      "HP ProBook 450 G10 Notebook PC",
    );
    expect(repeatsBrand("HP HP ProBook 450", "HP")).to.equal(true);
    expect(repeatsBrand("Hewlett-Packard HP ProBook 450", "HP")).to.equal(true);
    expect(repeatsBrand("HP ProBook 450", "HP")).to.equal(false);
    expect(repeatsBrand("Apple iPhone 15", "Apple")).to.equal(false);
  });

  it("files devices by chassis, then by what the model is known to be", () => {
    const noChassis = { chassisType: undefined, deviceType: undefined };
    const cases: [string, string, string][] = [
      ["Apple", "iMac", "desktop"],
      ["Apple", "Mac mini", "desktop"],
      ["Apple", "Mac Studio", "desktop"],
      ["Apple", "Mac Pro", "desktop"],
      ["Apple", "MacBook Pro", "laptop"],
      ["Apple", "iPad Air (5th generation)", "tablet"],
      ["Apple", "iPhone 15", "mobile_phone"],
      ["LENOVO", "ThinkPad T14 Gen 3", "laptop"],
      ["LENOVO", "ThinkCentre M70q Gen 3", "desktop"],
      ["Dell Inc.", "OptiPlex 7010", "desktop"],
      ["Microsoft Corporation", "Virtual Machine", "virtual_machine"],
      ["Microsoft Corporation", "Cloud PC Enterprise 2vCPU/8GB/128GB", "virtual_machine"],
      ["VMware, Inc.", "VMware7,1", "virtual_machine"],
      ["innotek GmbH", "VirtualBox", "virtual_machine"],
      ["Amazon EC2", "t3.large", "virtual_machine"],
    ];
    for (const [manufacturer, model, category] of cases)
      expect(deriveCategory(device({ ...noChassis, manufacturer, model })), model).to.equal(category);
    // An Apple desktop is a desktop whatever chassis it reports; a VM whatever chassis too.
    expect(deriveCategory(device({ manufacturer: "Apple", model: "iMac", chassisType: "laptop" }))).to.equal("desktop");
    expect(deriveCategory(device({ manufacturer: "QEMU", model: "Standard PC", chassisType: "desktop" }))).to.equal(
      "virtual_machine",
    );
    expect(categoryOfModel("Acme", "XZ-1")).to.equal(undefined);
  });
});
