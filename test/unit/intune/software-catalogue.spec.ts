import { expect } from "chai";
import { Field } from "../../../src/app-instance/fields.js";
import { CatalogueAccumulator, catalogueField, parseCatalogue } from "../../../src/intune/software-catalogue.js";

const app = (displayName: string, version: string, deviceCount: number) => ({ displayName, version, deviceCount });

describe("software catalogue summary", () => {
  it("sums a name and version across platforms and tenants, drops apps on no device, sorts by name", () => {
    const c = new CatalogueAccumulator()
      .add([app("Zoom", "6.2", 3), app("Google Chrome", "131", 10), app("Unused", "1.0", 0)])
      .add([app("Google Chrome", "131", 5), app("Google Chrome", "130", 1)])
      .result();
    expect(c).to.deep.equal({
      v: 1,
      apps: [
        ["Google Chrome", "130", 1],
        ["Google Chrome", "131", 15],
        ["Zoom", "6.2", 3],
      ],
      omitted: [0, 0],
    });
  });

  it("keeps the most installed entries within the bound and counts what it left out", () => {
    const acc = new CatalogueAccumulator().add(
      Array.from({ length: 10 }, (_, i) => app(`App ${String.fromCharCode(97 + i)}`, "1", i + 1)),
    );
    const c = acc.result(3);
    expect(c.apps.map((e) => e[0])).to.deep.equal(["App h", "App i", "App j"]);
    expect(c.omitted).to.deep.equal([7, 28]);
  });

  it("is compact JSON in the hidden software_catalogue field, and reads back; bad JSON reads as nothing", () => {
    const c = new CatalogueAccumulator().add([app("Visio", "16", 2)]).result();
    const f = catalogueField(c);
    expect(f).to.deep.equal({
      id: Field.softwareCatalogue,
      value: '{"v":1,"apps":[["Visio","16",2]],"omitted":[0,0]}',
    });
    expect(parseCatalogue(String(f.value))).to.deep.equal(c);
    expect(parseCatalogue("{")).to.equal(undefined);
    expect(parseCatalogue('{"v":1,"apps":[["a","1",-1]],"omitted":[0,0]}')).to.equal(undefined);
  });
});
