// Renders the CI UI extension (html, css, javascript) from UI_SECTIONS, the one definition of the CI's Intune
// fields that the mapper writes too. The connector uploads the result to each customer account (category
// `product`); `npm run ui-extension:render` writes it to a folder for pasting into 4me by hand.
import { packagePath } from "../package-root.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { UI_SECTIONS, type UiSection } from "../ui-fields.js";

export interface RenderedExtension {
  html: string;
  css: string;
  javascript: string;
}

/** The repository's `ui-extension/` folder, found relative to this file so it works from any working directory. */
export const CI_EXTENSION_DIR = packagePath("ui-extension");

const FIELD_ID = /^[a-z][a-z0-9_]*$/;

/** Renders the CI extension. `sections` defaults to UI_SECTIONS; tests pass their own to check escaping. */
export function renderCiExtension(sections: readonly UiSection[] = UI_SECTIONS): RenderedExtension {
  assertValidSections(sections);
  const read = (name: string) => readFileSync(join(CI_EXTENSION_DIR, name), "utf8");
  // strict: a typo in the template is an error here, not an empty attribute in every customer account.
  const template = Handlebars.create().compile(read("template.hbs"), { strict: true });
  const html = template({ sections })
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { html: `${html}\n`, css: read("style.css"), javascript: read("script.js") };
}

/** Ids become element ids and custom field ids in 4me: they must be unique and plain. */
function assertValidSections(sections: readonly UiSection[]): void {
  const seen = new Set<string>();
  for (const section of sections) {
    for (const id of [section.id, ...section.fields.map((f) => f.id)]) {
      if (!FIELD_ID.test(id)) throw new Error(`UI section or field id "${id}" must match ${FIELD_ID}`);
    }
    for (const field of section.fields) {
      if (seen.has(field.id)) throw new Error(`UI field id "${field.id}" appears more than once`);
      seen.add(field.id);
    }
  }
}

/** The repository's `app-offering/` folder: the configuration form and the offering definition. */
export const APP_OFFERING_DIR = packagePath("app-offering");

/** The folder of the configuration form's script parts, joined by loadConfigurationForm. */
export const FORM_SCRIPT_DIR = join(APP_OFFERING_DIR, "form");

/**
 * The parts of the configuration form's script, in the order they are joined: 4me takes one script, kept here in
 * small files with one idea each. Each part adds its functions to window.IntuneForm and reads what earlier parts
 * added, so the DOM part comes last. An explicit list, not a folder listing: a unit test fails when a file in
 * app-offering/form/ is missing here.
 */
export const FORM_SCRIPT_PARTS = [
  "format.js",
  "filters.js",
  "alerts.js",
  "tenants.js",
  "software.js",
  "dom.js",
] as const;

/** The configuration form (a UI extension of category `app_offering`) as its three parts; the one assembly of it. */
export function loadConfigurationForm(): RenderedExtension {
  const read = (name: string) => readFileSync(join(APP_OFFERING_DIR, name), "utf8");
  const javascript = FORM_SCRIPT_PARTS.map((name) => readFileSync(join(FORM_SCRIPT_DIR, name), "utf8")).join("\n");
  return { html: read("form.html"), css: read("form.css"), javascript };
}
