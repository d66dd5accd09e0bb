import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readConfig } from "../../../src/config.js";
import { loadOffering, OFFERING_JSON } from "../../../src/offering/definition.js";
import { loadConfigurationForm } from "../../../src/extension/render.js";

const dir = (name: string) => fileURLToPath(new URL(`../../../app-offering/${name}`, import.meta.url));

describe("app offering definition (app-offering/offering.json)", () => {
  const offering = loadOffering();

  it("is valid JSON with the store texts filled in", () => {
    expect(() => JSON.parse(readFileSync(OFFERING_JSON, "utf8"))).to.not.throw();
    expect(offering.name).to.equal("Microsoft Intune");
    for (const text of [offering.cardDescription, offering.description, offering.features, offering.compliance]) {
      expect(text.trim().length).to.be.greaterThan(40);
    }
    expect(offering.cardDescription.length, "card description fits a card").to.be.at.most(160);
  });

  it("uses the reference the server looks its app instances up by", () => {
    expect(offering.reference).to.equal(readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc" }).fourme.offeringReference);
  });

  it("lists each scope once, as <model>:<Action>, with a reason", () => {
    const actions = offering.scopes.map((s) => s.action);
    expect(new Set(actions).size).to.equal(actions.length);
    for (const scope of offering.scopes) {
      expect(scope.action).to.match(/^[a-z]+(-[a-z]+)*:(Create|Read|Update|Delete)$/);
      expect(scope.reason, scope.action).to.match(/^[A-Z].{20,}\.$/s);
    }
  });

  it("asks for no scope it does not use: nothing is ever deleted, and nothing beyond the CMDB and requests", () => {
    const models = new Set(offering.scopes.map((s) => s.action.split(":")[0]));
    expect([...models].sort()).to.deep.equal(
      ["ci", "person", "product", "product-category", "request", "service-instance", "team", "ui-extension"].sort(),
    );
    expect(offering.scopes.filter((s) => s.action.endsWith(":Delete"))).to.deep.equal([]);
    const readOnly = ["person", "service-instance", "team"];
    for (const s of offering.scopes) {
      if (readOnly.includes(s.action.split(":")[0])) expect(s.action, "read-only model").to.match(/:Read$/);
    }
  });

  it("ships a simple SVG logo with nothing active in it", () => {
    const svg = readFileSync(dir(offering.logo), "utf8");
    expect(svg).to.match(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 128 128"/);
    expect(svg).to.not.match(/<script|on[a-z]+=|href=|<image|<foreignObject/i);
  });

  it("names the form, whose files loadConfigurationForm assembles", () => {
    const form = loadConfigurationForm();
    for (const [part, text] of Object.entries(form)) expect(text.trim(), part).to.not.equal("");
    expect(offering.form).to.not.have.any.keys("html", "css", "javascript");
    expect(offering.form.source).to.not.equal("");
    expect(offering.form.sourceID).to.not.equal("");
  });

  it("explains its automation rules, or why it ships none", () => {
    if (offering.automationRules.length === 0) {
      expect(offering.automationRulesRationale).to.match(/^The app ships no automation rules\..{40,}/s);
    }
    for (const rule of offering.automationRules) {
      expect(rule.description, rule.name).to.be.a("string").and.not.equal("");
      expect(rule.trigger, rule.name).to.not.equal("");
      expect(rule.condition, rule.name).to.not.equal("");
    }
  });

  it("rejects a definition with a malformed scope, naming the problem", () => {
    const bad = JSON.parse(readFileSync(OFFERING_JSON, "utf8"));
    bad.scopes.push({ action: "ci:read", reason: "Lower-case action." });
    expect(() => loadOffering(JSON.stringify(bad))).to.throw(/scopes.*ci:read/);
  });
});
