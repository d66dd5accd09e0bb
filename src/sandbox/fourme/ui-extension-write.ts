// UI extensions and their versions: html/css/javascript edit the prepared version; `activate` promotes it to active
// and archives the previous active one (4me-platform.md §6.1).
import type { UiExtensionRec, UiExtensionVersionRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { Errors, Msg, type ValidationError } from "./validation.js";

export interface UiExtensionInput {
  name?: string | null;
  title?: string | null;
  description?: string | null;
  category?: string | null;
  disabled?: boolean | null;
  html?: string | null;
  css?: string | null;
  javascript?: string | null;
  formDefinition?: unknown;
  activate?: boolean | null;
  source?: string | null;
  sourceID?: string | null;
}

const CONTENT = ["html", "css", "javascript", "formDefinition"] as const;

function prepare(store: FourMeStore, ext: UiExtensionRec, input: UiExtensionInput): void {
  if (!CONTENT.some((k) => input[k] !== undefined)) return;
  let prepared = store.uiExtensionVersions.get(ext.preparedVersionId);
  if (!prepared) {
    const base = store.uiExtensionVersions.get(ext.activeVersionId);
    prepared = store.uiExtensionVersions.insert(ext.account, {
      uiExtensionId: ext.id,
      versionNr: ext.versionIds.length + 1,
      status: "being_prepared",
      html: base?.html,
      css: base?.css,
      javascript: base?.javascript,
      formDefinition: base?.formDefinition,
    });
    store.uiExtensions.update(ext, { preparedVersionId: prepared.id, versionIds: [...ext.versionIds, prepared.id] });
  }
  const patch: Partial<UiExtensionVersionRec> = {};
  for (const k of CONTENT) if (input[k] !== undefined) (patch as Record<string, unknown>)[k] = input[k] ?? undefined;
  store.uiExtensionVersions.update(prepared, patch);
}

function activate(store: FourMeStore, ext: UiExtensionRec): void {
  const prepared = store.uiExtensionVersions.get(ext.preparedVersionId);
  if (!prepared) return;
  const now = new Date(store.clock.now()).toISOString();
  const active = store.uiExtensionVersions.get(ext.activeVersionId);
  if (active) store.uiExtensionVersions.update(active, { status: "archived", archivedAt: now });
  store.uiExtensionVersions.update(prepared, { status: "active", activatedAt: now });
  store.uiExtensions.update(ext, { activeVersionId: prepared.id, preparedVersionId: undefined });
}

export function writeUiExtension(
  store: FourMeStore,
  account: string,
  input: UiExtensionInput,
  existing?: UiExtensionRec,
): { errors: ValidationError[]; uiExtension?: UiExtensionRec } {
  const e = new Errors();
  if (!existing) {
    e.required("name", "Name", input.name);
    e.required("category", "Category", input.category);
  } else if (input.name !== undefined) e.required("name", "Name", input.name);
  if (input.activate && !existing?.preparedVersionId && !CONTENT.some((k) => input[k] !== undefined)) {
    if (!existing?.activeVersionId) e.add("activate", Msg.blank("Prepared version"));
  }
  if (!e.empty) return { errors: e.list };
  const fields: Partial<UiExtensionRec> = {};
  for (const k of ["name", "title", "description", "category", "disabled", "source", "sourceID"] as const) {
    if (input[k] !== undefined) (fields as Record<string, unknown>)[k] = input[k] ?? undefined;
  }
  const ext = existing
    ? store.uiExtensions.update(existing, fields)
    : store.uiExtensions.insert(account, {
        disabled: false,
        versionIds: [],
        ...(fields as { name: string; category: string }),
      });
  prepare(store, ext, input);
  if (input.activate) activate(store, ext);
  return { errors: [], uiExtension: ext };
}
