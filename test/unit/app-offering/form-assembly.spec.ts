// The configuration form's script is kept in parts (app-offering/form/) and 4me takes one script:
// loadConfigurationForm joins the parts in the order FORM_SCRIPT_PARTS lists. These tests keep that list complete
// and in an order where every part finds on window.IntuneForm what it reads from earlier parts.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FORM_SCRIPT_DIR, FORM_SCRIPT_PARTS, loadConfigurationForm } from "../../../src/extension/render.js";
import { runBrowserScript } from "./browser-script.js";

const partText = (name: string) => readFileSync(join(FORM_SCRIPT_DIR, name), "utf8");

/** The names a part reads from the namespace: its `var name = form.name;` lines. */
function namesRead(source: string): string[] {
  return [...source.matchAll(/^ {2}var (\w+) = form\.(\w+);$/gm)].map((m) => m[2]);
}

describe("configuration form script assembly (app-offering/form/)", () => {
  it("lists every file of app-offering/form/ exactly once, and no other", () => {
    const files = readdirSync(FORM_SCRIPT_DIR).filter((name) => name.endsWith(".js"));
    expect(new Set(FORM_SCRIPT_PARTS).size, "a part listed twice").to.equal(FORM_SCRIPT_PARTS.length);
    expect([...FORM_SCRIPT_PARTS].sort()).to.deep.equal(files.sort());
  });

  it("joins the parts into the one script, each once and in the listed order", () => {
    const script = loadConfigurationForm().javascript;
    let from = 0;
    for (const name of FORM_SCRIPT_PARTS) {
      const text = partText(name);
      const at = script.indexOf(text, from);
      expect(at, `${name} in its place`).to.be.at.least(from);
      expect(script.indexOf(text, at + 1), `${name} only once`).to.equal(-1);
      from = at + text.length;
    }
    expect(script.slice(from).trim(), "nothing after the last part").to.equal("");
  });

  it("orders the parts so each reads only what earlier parts defined", () => {
    let prefix = "";
    for (const name of FORM_SCRIPT_PARTS) {
      const defined = prefix === "" ? {} : runBrowserScript<Record<string, unknown>>(prefix, "prefix", "IntuneForm");
      for (const read of namesRead(partText(name))) {
        expect(defined, `${name} reads ${read}`).to.have.property(read);
      }
      prefix += `${partText(name)}\n`;
    }
  });

  it("keeps each part small, with a header that says what it does and where it stands", () => {
    FORM_SCRIPT_PARTS.forEach((name, i) => {
      const text = partText(name);
      expect(text.split("\n").length, name).to.be.below(400);
      expect(text, name).to.match(new RegExp(`^// Configuration form, part ${i + 1} of ${FORM_SCRIPT_PARTS.length}: `));
    });
  });

  it("exposes the form's API as window.IntuneForm when run as one script", () => {
    const api = runBrowserScript<Record<string, unknown>>(loadConfigurationForm().javascript, "form", "IntuneForm");
    const functions = [
      "exclusionReason",
      "isImported",
      "parseBreakdown",
      "countImported",
      "countAlerts",
      "alertsForecast",
      "summarize",
      "describeStatus",
      "visibleTenantSlots",
      "parseOfferedClouds",
      "cloudChoices",
      "unlinkedNotice",
      "formatDuration",
      "splitPatterns",
      "patternsProblem",
      "matchesPattern",
      "parseCatalogue",
      "countByPattern",
      "softwareForecast",
    ];
    for (const name of functions) expect(api[name], name).to.be.a("function");
    expect(api.TENANT_SLOTS).to.equal(5);
    expect(api.FILTER_FIELDS).to.have.property("active", "import_active");
  });
});
