// Custom field values on records, and the ids a record's UI extension allows.
import type { CustomFieldValue } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { uiExtensionFields, type UiExtensionField } from "./ui-extension-fields.js";

/** Partial update: listed ids are written, a null value clears the field, other fields stay (4me-platform §4.6). */
export function mergeCustomFields(
  current: CustomFieldValue[],
  input: { id: string; value?: unknown }[] | null | undefined,
): CustomFieldValue[] {
  if (!input) return current;
  const merged = new Map(current.map((f) => [f.id, f.value]));
  for (const { id, value } of input) {
    if (value === null || value === undefined) merged.delete(id);
    else merged.set(id, value);
  }
  return [...merged].map(([id, value]) => ({ id, value }));
}

/** Fields of the active version of a UI extension; none when it has no active version. */
export function extensionFields(store: FourMeStore, uiExtensionId: string | undefined): readonly UiExtensionField[] {
  const ext = store.uiExtensions.get(uiExtensionId);
  if (!ext || ext.disabled) return [];
  return uiExtensionFields(store.uiExtensionVersions.get(ext.activeVersionId)?.html);
}

/** Ids in `input` that the UI extension does not define. */
export function unknownCustomFieldIds(
  store: FourMeStore,
  uiExtensionId: string | undefined,
  input: { id: string }[] | null | undefined,
): string[] {
  if (!input?.length) return [];
  const known = new Set(extensionFields(store, uiExtensionId).map((f) => f.id));
  return input.map((f) => f.id).filter((id) => !known.has(id));
}
