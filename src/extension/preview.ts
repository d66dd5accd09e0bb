// A page that shows a UI extension the way 4me shows it, without 4me: the demo page and the browser tests use it.
// It inlines jQuery, a stand-in for the ITRP runtime (preview/itrp-standin.js), the extension itself and the
// stored values, so the page needs nothing else to load.
import { packagePath } from "../package-root.js";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { RenderedExtension } from "./render.js";

export interface PreviewField {
  label: string;
  value: string;
  /** Shown as a link (4me shows a CI's System ID this way). Only http(s) links are rendered as links. */
  href?: string;
}

/** What 4me itself shows around the extension: the record's standard fields and its relations. */
export interface PreviewRecord {
  heading: string;
  fields: PreviewField[];
  relations?: PreviewField[];
}

export interface PreviewPageOptions {
  /** The page's <title>. */
  title: string;
  /** The header 4me shows above the extension (the UI extension's title). */
  extensionTitle: string;
  extension: RenderedExtension;
  /** Stored custom field values, by field id, prefilled before the after-prefill hooks run. */
  values: Record<string, unknown>;
  record?: PreviewRecord;
  /** A line above the card, e.g. where in 4me this form lives. */
  breadcrumb?: string;
  /**
   * `edit` (default): the script runs, then 4me fills the values and runs the after-prefill hooks. `view`: a record
   * shown, not edited: the values are in place before the script runs, and no hook runs.
   */
  mode?: "edit" | "view";
}

const PREVIEW_DIR = packagePath("src", "extension", "preview");

let jquerySource: string | undefined;

/** jQuery, which 4me bundles as ITRP.$. It is a dev dependency: previews are for the demo and the tests. */
export function loadJquerySource(): string {
  if (jquerySource === undefined) {
    let path: string;
    try {
      // The package exports only its entry (dist/jquery.js); the minified browser build sits beside it.
      path = join(dirname(createRequire(import.meta.url).resolve("jquery")), "jquery.min.js");
    } catch {
      throw new Error("the UI-extension preview needs the jquery package: run npm install (with dev dependencies)");
    }
    jquerySource = readFileSync(path, "utf8");
  }
  return jquerySource;
}

export function renderPreviewPage(options: PreviewPageOptions): string {
  const standinCss = readFileSync(join(PREVIEW_DIR, "4me-standin.css"), "utf8");
  const standinJs = readFileSync(join(PREVIEW_DIR, "itrp-standin.js"), "utf8");
  const record = options.record ? renderRecord(options.record) : "";
  const relations = options.record?.relations?.length
    ? `<section class="standin-card" id="standin_relations"><h2 class="standin-panel-title">Relations</h2>` +
      `<dl class="standin-fields">${options.record.relations.map(renderField).join("")}</dl></section>`
    : "";
  const breadcrumb = options.breadcrumb ? `<div class="standin-topbar">${escapeHtml(options.breadcrumb)}</div>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${escapeStyle(standinCss)}</style>
<style>${escapeStyle(options.extension.css)}</style>
</head>
<body>
<main class="standin-page">
${breadcrumb}
${record}
<section class="standin-card" id="standin_extension_panel">
<h2 class="standin-panel-title">${escapeHtml(options.extensionTitle)}</h2>
<div class="ui-extension" id="ui_extension">
${options.extension.html}
</div>
</section>
${relations}
</main>
<script>${escapeScript(loadJquerySource())}</script>
<script>${escapeScript(standinJs)}</script>
<script type="application/json" id="standin_values">${escapeJson(options.values)}</script>
<script>
(function (ITRP) {
  window.ITRP_STANDIN.run(
    document.getElementById("ui_extension"),
    function () {
${escapeScript(options.extension.javascript)}
    },
    JSON.parse(document.getElementById("standin_values").textContent),
    ${JSON.stringify(options.mode ?? "edit")}
  );
})(window.ITRP_STANDIN.itrp);
</script>
</body>
</html>
`;
}

function renderRecord(record: PreviewRecord): string {
  return (
    `<section class="standin-card" id="standin_record"><h1 class="standin-record-title">${escapeHtml(record.heading)}</h1>` +
    `<dl class="standin-fields">${record.fields.map(renderField).join("")}</dl></section>`
  );
}

function renderField(field: PreviewField): string {
  const href = field.href && /^https?:\/\//i.test(field.href) ? field.href : undefined;
  const value = href
    ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(field.value)}</a>`
    : escapeHtml(field.value);
  return `<dt>${escapeHtml(field.label)}</dt><dd>${value}</dd>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inline <script> content must not contain "</script", which would end the element early. */
function escapeScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1");
}

/** JSON in a <script> element: escaping every "<" keeps it valid JSON and inert HTML. */
function escapeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function escapeStyle(source: string): string {
  return source.replace(/<\/(style)/gi, "<\\/$1");
}
