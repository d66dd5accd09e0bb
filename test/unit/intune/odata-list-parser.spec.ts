import { expect } from "chai";
import { ODataListParser } from "../../../src/intune/odata-list-parser.js";

/** Feeds `text` in pieces cut at `cuts` and returns the elements and the rest. */
function parse(text: string, cuts: number[] = []) {
  const items: unknown[] = [];
  const parser = new ODataListParser((item) => items.push(item));
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    parser.write(text.slice(from, cut));
    from = cut;
  }
  return { items, rest: parser.end() };
}

/** A small deterministic PRNG, so a failing split can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

const TRICKY = {
  "@odata.context": 'https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices("value")',
  "@odata.count": 3,
  value: [
    {
      id: "a1",
      deviceName: 'Quote " and \\ backslash, comma, ] bracket } brace',
      notes: 'value":[1,2]',
      nested: { list: [1, [2, { x: "]" }]], empty: {} },
      unicode: "Zoë – 東京 😀 \u0000\u001f",
    },
    { id: "a2", deviceName: null, n: -1.5e3, t: true, arr: [] },
    { id: "a3", value: "not the list" },
  ],
  "@odata.nextLink": "https://graph.microsoft.com/v1.0/deviceManagement/managedDevices?$skiptoken=a%22b",
};

describe("ODataListParser", () => {
  it("hands over each element of value, parsed, and returns the rest with value emptied", () => {
    const text = JSON.stringify(TRICKY);
    const { items, rest } = parse(text);
    expect(items).to.deep.equal(TRICKY.value);
    expect(rest).to.deep.equal({ ...TRICKY, value: [] });
  });

  it("gives the same result however the body is split, inside strings, escapes and surrogate pairs too", () => {
    const text = JSON.stringify(TRICKY, null, 1);
    const random = rng(7);
    for (let round = 0; round < 300; round++) {
      const cuts = [
        ...new Set(Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * text.length))),
      ];
      cuts.sort((a, b) => a - b);
      const { items, rest } = parse(text, cuts);
      expect(items, `cuts ${cuts.join(",")}`).to.deep.equal(TRICKY.value);
      expect(rest.value).to.deep.equal([]);
      expect(rest["@odata.nextLink"]).to.equal(TRICKY["@odata.nextLink"]);
    }
    // Every single-character split as well, the hardest case for escapes.
    for (let cut = 1; cut < text.length; cut++) expect(parse(text, [cut]).items).to.deep.equal(TRICKY.value);
  });

  it("reads a page whose value comes before the links, and an empty page", () => {
    expect(parse('{"value":[{"id":"x"}],"@odata.nextLink":"n"}')).to.deep.equal({
      items: [{ id: "x" }],
      rest: { value: [], "@odata.nextLink": "n" },
    });
    expect(parse('{ "value" : [ ] }')).to.deep.equal({ items: [], rest: { value: [] } });
    expect(parse("")).to.deep.equal({ items: [], rest: {} });
  });

  it("passes non-object elements through for the caller to skip", () => {
    expect(parse('{"value":[1,"two",null,[3]]}').items).to.deep.equal([1, "two", null, [3]]);
  });

  it("hands over a value the scan did not see as the list key (written with an escape) all the same", () => {
    expect(parse('{"val\\u0075e":[{"id":"y"}]}')).to.deep.equal({ items: [{ id: "y" }], rest: { value: [] } });
  });

  it("rejects bodies that are not one JSON object with a SyntaxError", () => {
    const bad = [
      '{"value":[{"id":"x"},]}',
      '{"value":[,{"id":"x"}]}',
      '{"value":[{"id":"x"}',
      '{"value":[{"id":"x}]}',
      '{"value":[{"id":x}]}',
      '{"value":[]',
      '[{"id":"x"}]',
      "not json",
    ];
    for (const body of bad) expect(() => parse(body), body).to.throw(SyntaxError);
  });
});
