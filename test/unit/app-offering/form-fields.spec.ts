import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Field, TENANT_SLOTS, tenantField } from "../../../src/app-instance/fields.js";
import { ACTIVE_CI_STATUSES, parseSettings } from "../../../src/app-instance/settings.js";
import { CLOUDS } from "../../../src/intune/clouds.js";
import { readConfig } from "../../../src/config.js";
import { classesOf, readTags, type Tag } from "./html-tags.js";

const FORM_HTML = readFileSync(fileURLToPath(new URL("../../../app-offering/form.html", import.meta.url)), "utf8");
const tags = readTags(FORM_HTML);
const controls = tags.filter((t) => ["input", "select", "textarea"].includes(t.name));
const control = (id: string): Tag => {
  const found = controls.find((t) => t.attrs.get("id") === id);
  if (!found) throw new Error(`no field ${id} in form.html`);
  return found;
};
const options = (id: string): Tag[] => tags.filter((t) => t.name === "option" && t.ancestors.includes(control(id)));

const tenantIds = (slot: number) => [
  tenantField.domain(slot),
  tenantField.cloud(slot),
  tenantField.status(slot),
  tenantField.consentUrl(slot),
];
const ALL_IDS = [...Object.values(Field), ...Array.from({ length: TENANT_SLOTS }, (_, i) => tenantIds(i + 1)).flat()];
const WRITE_BACK = new Set<string>([
  ...Array.from({ length: TENANT_SLOTS }, (_, i) => [tenantField.status(i + 1), tenantField.consentUrl(i + 1)]).flat(),
  Field.offeredClouds,
  Field.alertsReferences,
  Field.fleetBreakdown,
  Field.softwareCatalogue,
  Field.unlinkedCis,
  Field.syncStartAt,
  Field.syncEndAt,
  Field.syncDuration,
  Field.syncSummary,
]);

describe("configuration form fields (app-offering/form.html)", () => {
  it("has exactly the field ids of src/app-instance/fields.ts, each once", () => {
    const ids = controls.map((t) => t.attrs.get("id") ?? "");
    expect(new Set(ids).size, "duplicate ids").to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal([...ALL_IDS].sort());
  });

  it("makes the fields the connector writes read-only, and only those", () => {
    for (const t of controls) {
      const id = t.attrs.get("id") ?? "";
      expect(t.attrs.has("disabled"), id).to.equal(WRITE_BACK.has(id));
    }
  });

  it("gives every field a row with a label whose title explains it", () => {
    for (const t of controls) {
      const id = t.attrs.get("id") ?? "";
      const row = [...t.ancestors].reverse().find((a) => classesOf(a).includes("row"));
      expect(row, `${id} row`).to.not.equal(undefined);
      expect(classesOf(row!), `${id} row`).to.include("vertical");
      const label = tags.find((l) => l.name === "label" && l.attrs.get("for") === id);
      expect(label?.attrs.get("title"), `${id} label title`).to.be.a("string").and.not.equal("");
    }
  });

  it("marks filterable fields the 4me way: data-filterable on the row, a name on the field", () => {
    const named = controls.filter((t) => t.attrs.has("data-filterable-name"));
    expect(named.map((t) => t.attrs.get("id"))).to.include.members([Field.active, Field.syncStartAt, Field.syncEndAt]);
    for (const t of named) {
      const row = [...t.ancestors].reverse().find((a) => classesOf(a).includes("row"));
      expect(row?.attrs.has("data-filterable"), t.attrs.get("id")).to.equal(true);
      expect(t.attrs.get("data-filterable-name")).to.not.equal("");
    }
    for (const row of tags.filter((t) => t.attrs.has("data-filterable"))) {
      const inside = controls.filter((c) => c.ancestors.includes(row));
      expect(inside.some((c) => c.attrs.has("data-filterable-name"))).to.equal(true);
    }
  });

  it("offers exactly the choices the settings parser accepts", () => {
    const values = (id: string) => options(id).map((o) => o.attrs.get("value"));
    expect(values(Field.ciStatus)).to.deep.equal([...ACTIVE_CI_STATUSES]);
    expect(values(Field.retireStatus)).to.deep.equal(["removed", "to_be_removed", "archived", "leave"]);
    expect(values(Field.excludedAction)).to.deep.equal(["leave", "retire"]);
    expect(values(Field.alertsCategory)).to.deep.equal(["incident", "rfc", "rfi", "other"]);
    expect(values(Field.alertsImpact)).to.deep.equal(["low", "medium", "high", "top"]);
    for (let slot = 1; slot <= TENANT_SLOTS; slot++) expect(values(tenantField.cloud(slot))).to.deep.equal([...CLOUDS]);
  });

  it("starts a new instance with the same defaults the settings parser assumes for missing fields", () => {
    const config = readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc" });
    const defaults = parseSettings([], {
      defaultIntervalMinutes: config.sync.defaultIntervalMinutes,
      minIntervalMinutes: config.sync.minIntervalMinutes,
    });
    const selected = (id: string) => {
      const chosen = options(id).filter((o) => o.attrs.has("selected"));
      return (chosen[0] ?? options(id)[0]).attrs.get("value");
    };
    const checked = (id: string) => control(id).attrs.has("checked");
    expect(selected(Field.ciStatus)).to.equal(defaults.ciStatus);
    expect(selected(Field.retireStatus)).to.equal(defaults.retireStatus);
    expect(selected(Field.excludedAction)).to.equal(defaults.excludedAction);
    expect(selected(Field.alertsCategory)).to.equal(defaults.alerts.category);
    expect(selected(Field.alertsImpact)).to.equal(defaults.alerts.impact);
    expect(selected(tenantField.cloud(1))).to.equal("global");
    const f = defaults.filters;
    expect(checked(Field.active)).to.equal(f.active);
    expect(checked(Field.importWindows)).to.equal(f.windows);
    expect(checked(Field.importAndroid)).to.equal(f.android);
    expect(checked(Field.importIos)).to.equal(f.ios);
    expect(checked(Field.importMacos)).to.equal(f.macos);
    expect(checked(Field.importPersonal)).to.equal(f.personal);
    expect(checked(Field.onlyWithPrimaryUser)).to.equal(f.onlyWithPrimaryUser);
    expect(checked(Field.importUserDeleted)).to.equal(f.userDeleted);
    expect(checked(Field.alertsEnabled)).to.equal(defaults.alerts.enabled);
    expect(checked(Field.osCis)).to.equal(defaults.osCis).and.equal(true);
    expect(checked(Field.alertsDuringGracePeriod)).to.equal(defaults.alerts.duringGracePeriod);
    expect(checked(Field.alertsAutoResolve)).to.equal(defaults.alerts.autoResolve);
    expect(Number(control(Field.alertsMaxNewPerRun).attrs.get("value"))).to.equal(defaults.alerts.maxNewPerRun);
    expect(Number(control(Field.syncIntervalMinutes).attrs.get("value"))).to.equal(defaults.syncIntervalMinutes);
    expect(Number(control(Field.syncIntervalMinutes).attrs.get("min"))).to.equal(config.sync.minIntervalMinutes);
  });

  it("gives each import switch its one-line explanation", () => {
    for (const id of [
      Field.importWindows,
      Field.importAndroid,
      Field.importIos,
      Field.importMacos,
      Field.importPersonal,
      Field.onlyWithPrimaryUser,
      Field.importUserDeleted,
      Field.active,
    ]) {
      const t = control(id);
      expect(t.attrs.get("type"), id).to.equal("checkbox");
      const row = t.ancestors[t.ancestors.length - 1];
      const help = tags.find((h) => classesOf(h).includes("intune-help") && h.ancestors.includes(row));
      expect(help?.text, id).to.match(/^[A-Z].{20,}\.$/s);
    }
  });

  it("asks for no secret: tenants grant access by Microsoft admin consent, so no data-secret field exists", () => {
    expect(controls.filter((t) => t.attrs.has("data-secret")).map((t) => t.attrs.get("id"))).to.deep.equal([]);
  });
});
