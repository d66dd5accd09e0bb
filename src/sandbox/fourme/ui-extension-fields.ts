// The custom field ids a UI extension defines: in 4me's UI extension HTML each field is an input, select or
// textarea (or a `rich-text` div) whose `id` is the custom field id (4me-platform.md §6.3).

const TAG = /<([a-zA-Z][\w-]*)\b([^>]*)>/g;
const ATTR = /([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function attributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(ATTR)) attrs[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? "";
  return attrs;
}

export interface UiExtensionField {
  id: string;
  /** `data-filterable-name` of the field or its row, when it can be used in `customFilters`. */
  filterableName?: string;
  secret: boolean;
}

/** Parsed extensions by HTML: every CI written is checked against its product's extension, which rarely changes. */
const parsed = new Map<string, readonly UiExtensionField[]>();

/** The fields the HTML defines (read-only: the answer is shared between calls with the same HTML). */
export function uiExtensionFields(html: string | undefined): readonly UiExtensionField[] {
  if (!html) return [];
  const known = parsed.get(html);
  if (known) return known;
  const fields = parseFields(html);
  if (parsed.size >= 64) parsed.clear(); // bounded: a test suite writes many versions
  parsed.set(html, fields);
  return fields;
}

function parseFields(html: string): UiExtensionField[] {
  const fields: UiExtensionField[] = [];
  for (const m of html.matchAll(TAG)) {
    const tag = m[1].toLowerCase();
    const attrs = attributes(m[2]);
    const isField =
      ["input", "select", "textarea"].includes(tag) || (attrs.class ?? "").split(/\s+/).includes("rich-text");
    if (!isField || !attrs.id) continue;
    fields.push({
      id: attrs.id,
      filterableName: attrs["data-filterable-name"] || undefined,
      secret: "data-secret" in attrs,
    });
  }
  return fields;
}
