// The form's "Tracked software" counts use the same rule as the connector (src/sync/software-patterns.ts) on the
// catalogue the connector writes (src/intune/software-catalogue.ts).
import { expect } from "chai";
import { Field } from "../../../src/app-instance/fields.js";
import { CatalogueAccumulator, catalogueField } from "../../../src/intune/software-catalogue.js";
import { mulberry32 } from "../../../src/sandbox/fleet/prng.js";
import { SOFTWARE_TITLES } from "../../../src/sandbox/fleet/software.js";
import { countByPattern, matchesPattern, patternsProblem, splitPatterns } from "../../../src/sync/software-patterns.js";
import { loadFormApi } from "./form-api.js";

const rng = mulberry32(17);
const ALPHABET = [
  "a",
  "B",
  "c",
  " ",
  "  ",
  "*",
  "**",
  "+",
  "(",
  ")",
  ".",
  "?",
  "[",
  "\\",
  "é",
  "É",
  "İ",
  "\t",
  "Visio",
  "7",
];
const randomText = (max: number) =>
  Array.from({ length: Math.floor(rng() * max) }, () => ALPHABET[Math.floor(rng() * ALPHABET.length)]).join("");

const NAMES = [...SOFTWARE_TITLES.map((t) => t.displayName), ...Array.from({ length: 300 }, () => randomText(10))];
const PATTERNS = [
  "Microsoft Visio*",
  "adobe acrobat*",
  "*chrome*",
  "Google Chrome",
  "7-Zip * (x64)",
  "*",
  ...Array.from({ length: 300 }, () => randomText(6)),
];

describe("configuration form: tracked software parity", () => {
  const form = loadFormApi();

  it("matches names exactly as the connector does", () => {
    for (const p of PATTERNS)
      for (const n of NAMES)
        expect(form.matchesPattern(p, n), `${JSON.stringify(p)} ~ ${JSON.stringify(n)}`).to.equal(matchesPattern(p, n));
  });

  it("splits the field and refuses the same lists with the same reason", () => {
    const raws = [
      "Microsoft Visio*\r\nAdobe*, ,zoom*\nmicrosoft visio*",
      "*",
      "ab*",
      "x".repeat(101),
      Array.from({ length: 21 }, (_, i) => `App ${i}`).join("\n"),
      "Visio\u0007",
      ...Array.from({ length: 200 }, () => randomText(40).replace(/\?/g, "\n").replace(/\[/g, ",")),
    ];
    for (const raw of raws) {
      const mine = splitPatterns(raw);
      expect(form.splitPatterns(raw), JSON.stringify(raw)).to.deep.equal(mine);
      expect(form.patternsProblem(mine), JSON.stringify(raw)).to.equal(patternsProblem(mine));
    }
  });

  it("counts apps and installations per pattern from the field the connector writes", () => {
    const acc = new CatalogueAccumulator();
    acc.add(NAMES.map((displayName, i) => ({ displayName, version: `${i % 3}.0`, deviceCount: 1 + ((i * 37) % 500) })));
    const field = catalogueField(acc.result());
    expect(field.id).to.equal(Field.softwareCatalogue);
    const catalogue = form.parseCatalogue(field.value)!;
    const entries = acc.result().apps.map(([name, , deviceCount]) => ({ name, deviceCount }));
    for (let k = 0; k < 40; k++) {
      const patterns = PATTERNS.slice(k * 7, k * 7 + 1 + (k % 5));
      expect(form.countByPattern(patterns, catalogue.apps)).to.deep.equal(countByPattern(patterns, entries));
    }
  });

  it("shows each pattern's count, the problem instead of counts, and a hint before the first catalogue", () => {
    const catalogue = form.parseCatalogue(
      JSON.stringify({
        v: 1,
        apps: [
          ["Microsoft Visio Professional 2021", "16.0.14332.20812", 1200],
          ["Microsoft Visio Standard 2021", "16.0.14332.20812", 34],
          ["Zoom Workplace (64-bit)", "6.2.11.49350", 1],
        ],
        omitted: [12, 40],
      }),
    );
    const f = form.softwareForecast(catalogue, "Microsoft Visio*\nZoom*\nSlack*");
    expect(f.headline).to.equal("3 application versions with 1,235 installations would be tracked");
    expect(f.lines).to.deep.equal([
      { pattern: "Microsoft Visio*", text: "2 application versions, 1,234 installations" },
      { pattern: "Zoom*", text: "1 application version, 1 installation" },
      { pattern: "Slack*", text: "no application matches" },
    ]);
    expect(f.note).to.match(/^12 rarely installed/);
    expect(form.softwareForecast(catalogue, "*")).to.include({ tone: "warn", headline: patternsProblem(["*"]) });
    expect(form.softwareForecast(null, "Visio*").headline).to.equal("No application count yet");
    expect(form.softwareForecast(catalogue, "").headline).to.equal("No software is tracked.");
    expect(form.parseCatalogue("{")).to.equal(null);
    expect(form.parseCatalogue(JSON.stringify({ v: 1, apps: [["a", "1", -1]], omitted: [0, 0] }))).to.equal(null);
  });
});
