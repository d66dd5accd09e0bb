import { expect } from "chai";
import { ManualClock } from "../../../../src/sandbox/fourme/clock.js";
import { decodeNodeId, encodeNodeId } from "../../../../src/sandbox/fourme/ids.js";
import { FourMeStore } from "../../../../src/sandbox/fourme/store/store.js";
import { uiExtensionFields } from "../../../../src/sandbox/fourme/ui-extension-fields.js";

describe("4me simulator store", () => {
  it("encodes node ids like 4me (base64 of domain/Type/number, no padding)", () => {
    expect(encodeNodeId("4me.com", "Product", 12)).to.equal("NG1lLmNvbS9Qcm9kdWN0LzEy");
    expect(encodeNodeId("4me.com", "Person", 6)).to.equal("NG1lLmNvbS9QZXJzb24vNg");
    expect(decodeNodeId("NG1lLmNvbS9DaS80Mg")).to.deep.equal({ domain: "4me.com", type: "Ci", n: 42 });
    expect(decodeNodeId("not an id!")).to.equal(undefined);
    expect(decodeNodeId(Buffer.from("4me.com/Nope/1").toString("base64url"))).to.equal(undefined);
  });

  it("keeps indexes right through updates, for unique and shared keys", () => {
    const store = new FourMeStore("4me.com", new ManualClock());
    const base = { productId: "p", status: "in_production", userIds: [], serviceInstanceIds: [], customFields: [] };
    const a = store.cis.insert("acme", { ...base, name: "A", serialNr: "SN1" });
    const b = store.cis.insert("acme", { ...base, name: "B", serialNr: "sn1" });
    const c = store.cis.insert("globex", { ...base, name: "C", serialNr: "SN1" });
    expect(store.cis.lookup("serialNr", "acme\u0000sn1")).to.deep.equal([a, b]);
    store.cis.update(a, { serialNr: "SN2" });
    expect(store.cis.lookup("serialNr", "acme\u0000sn1")).to.deep.equal([b]);
    expect(store.cis.lookup("serialNr", "acme\u0000sn2")).to.deep.equal([a]);
    store.cis.remove(b);
    expect(store.cis.lookup("serialNr", "acme\u0000sn1")).to.deep.equal([]);
    expect(store.cis.lookup("serialNr", "globex\u0000sn1")).to.deep.equal([c]);
    expect(store.cis.inAccount("acme")).to.deep.equal([a]);
    expect(store.node(a.id)?.rec).to.equal(a);
  });

  it("bumps the store version on every change", () => {
    const store = new FourMeStore("4me.com", new ManualClock());
    const v = store.version;
    const t = store.teams.insert("acme", { name: "T", disabled: false });
    store.teams.update(t, { name: "U" });
    expect(store.version).to.equal(v + 2);
  });

  it("reads the custom field ids a UI extension's HTML defines", () => {
    const html = `<div class="row vertical" data-filterable><label for="a">A</label><input id="a" data-filterable-name="Start" type="text"></div>
      <select class="x" id='b'><option value="1">1</option></select><textarea id=c></textarea>
      <div id="d" class="rich-text show-when-empty"></div><div id="not-a-field"></div><input id="e" data-secret>`;
    expect(uiExtensionFields(html)).to.deep.equal([
      { id: "a", filterableName: "Start", secret: false },
      { id: "b", filterableName: undefined, secret: false },
      { id: "c", filterableName: undefined, secret: false },
      { id: "d", filterableName: undefined, secret: false },
      { id: "e", filterableName: undefined, secret: true },
    ]);
  });
});
