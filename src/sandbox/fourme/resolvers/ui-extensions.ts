// UI extensions and their versions.
import { by, type FilterSpec } from "../graphql/filters.js";
import { listRecords, type ListArgs } from "../graphql/listing.js";
import type { ResolverMap } from "../graphql/schema.js";
import type { UiExtensionRec } from "../store/records.js";
import { writeUiExtension, type UiExtensionInput } from "../ui-extension-write.js";
import { Msg, payload } from "../validation.js";
import { own } from "./common.js";

export const uiExtensionFilters: FilterSpec<UiExtensionRec> = {
  id: by.values((r) => r.id),
  category: by.values((r) => r.category),
  name: by.values((r) => r.name),
  disabled: by.boolean((r) => r.disabled),
  source: by.values((r) => r.source),
  sourceID: by.values((r) => r.sourceID, { index: "sourceID" }),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
  query: { kind: "query", get: (r) => [r.name, r.title] },
};

type WithMeta<T> = T & { id?: string; clientMutationId?: string };

export const uiExtensionResolvers: ResolverMap = {
  Query: {
    uiExtensions: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.uiExtensions, args, ctx, { connection: "uiExtensions", filters: uiExtensionFilters }),
  },
  Mutation: {
    uiExtensionCreate: (_s, { input }: { input: WithMeta<UiExtensionInput> }, ctx) => {
      const { clientMutationId, ...fields } = input;
      const { errors, uiExtension } = writeUiExtension(ctx.store, ctx.account, fields);
      return payload("uiExtension", errors, uiExtension, clientMutationId);
    },
    uiExtensionUpdate: (_s, { input }: { input: WithMeta<UiExtensionInput> }, ctx) => {
      const { clientMutationId, id, ...fields } = input;
      const existing = own(ctx.store.uiExtensions, id, ctx);
      if (!existing) {
        return payload(
          "uiExtension",
          [{ path: ["id"], message: Msg.notFound("UI extension", String(id)) }],
          null,
          clientMutationId,
        );
      }
      const { errors, uiExtension } = writeUiExtension(ctx.store, ctx.account, fields, existing);
      return payload("uiExtension", errors, uiExtension, clientMutationId);
    },
  },
  UiExtension: {
    activeVersion: (r: UiExtensionRec, _a, ctx) => ctx.store.uiExtensionVersions.get(r.activeVersionId),
  },
};
