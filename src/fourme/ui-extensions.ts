// UI extensions we own, kept as one record per source/sourceID in any account (provider: the configuration form;
// customer: the CI extension). An update prepares a new version and activates it; it never creates a duplicate.
import { UpstreamError } from "../errors.js";
import { toUiExtension } from "./convert.js";
import type { FourMeGraphQLClient } from "./graphql-client.js";
import type { UiExtension, UiExtensionInput, UpsertAction } from "./types.js";

export async function findUiExtension(
  client: FourMeGraphQLClient,
  source: string,
  sourceID: string,
): Promise<UiExtension | undefined> {
  const data = await client.sdk.UiExtensionsBySource({ source, sourceID });
  const found = (data.uiExtensions.nodes ?? []).flatMap((n) => (n ? [toUiExtension(n)] : []));
  // Prefer an enabled one should someone have copied ours.
  return found.find((u) => !u.disabled) ?? found[0];
}

/** Creates or updates (and activates) the extension; leaves it alone when its active version already matches. */
export async function upsertUiExtension(
  client: FourMeGraphQLClient,
  input: UiExtensionInput,
): Promise<{ uiExtension: UiExtension; action: UpsertAction }> {
  const existing = await findUiExtension(client, input.source, input.sourceID);
  if (existing && !existing.disabled && sameContent(existing, input))
    return { uiExtension: existing, action: "unchanged" };
  const content = {
    name: input.name,
    title: input.title,
    description: input.description,
    html: input.html,
    css: input.css ?? "",
    javascript: input.javascript ?? "",
    source: input.source,
    sourceID: input.sourceID,
    activate: true,
  };
  if (existing) {
    const data = await client.sdk.UiExtensionUpdate({ input: { id: existing.id, disabled: false, ...content } });
    const updated = data.uiExtensionUpdate?.uiExtension;
    if (!updated) throw new UpstreamError("uiExtensionUpdate returned no UI extension");
    return { uiExtension: toUiExtension(updated), action: "updated" };
  }
  const data = await client.sdk.UiExtensionCreate({ input: { category: input.category, ...content } });
  const created = data.uiExtensionCreate?.uiExtension;
  if (!created) throw new UpstreamError("uiExtensionCreate returned no UI extension");
  return { uiExtension: toUiExtension(created), action: "created" };
}

function sameContent(existing: UiExtension, input: UiExtensionInput): boolean {
  const v = existing.activeVersion;
  return (
    v !== undefined &&
    existing.name === input.name &&
    (existing.title ?? "") === (input.title ?? "") &&
    (v.html ?? "") === input.html &&
    (v.css ?? "") === (input.css ?? "") &&
    (v.javascript ?? "") === (input.javascript ?? "")
  );
}
