// Products and product categories.
import type { GqlContext } from "../graphql/context.js";
import { by, type FilterSpec } from "../graphql/filters.js";
import { listRecords, type ListArgs } from "../graphql/listing.js";
import type { ResolverMap } from "../graphql/schema.js";
import { createCategory, writeProduct, type CategoryInput, type ProductInput } from "../product-write.js";
import type { ProductCategoryRec, ProductRec } from "../store/records.js";
import { Msg, payload } from "../validation.js";
import { own } from "./common.js";

const category = (r: ProductRec, ctx: GqlContext) => ctx.store.productCategories.get(r.categoryId);

export const productFilters: FilterSpec<ProductRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  productCategory: by.values((r, ctx) => [r.categoryId, category(r, ctx)?.reference]),
  ruleSet: by.values((r, ctx) => category(r, ctx)?.ruleSet),
  supportTeam: by.values((r) => r.supportTeamId),
  service: by.values((r) => r.serviceId),
  productBrand: by.values((r) => r.brand, { fold: true, index: "productBrand" }),
  model: by.values((r) => r.model, { fold: true }),
  name: by.values((r) => r.name),
  productID: by.values((r) => r.productID, { index: "productID" }),
  source: by.values((r) => r.source),
  sourceID: by.values((r) => r.sourceID, { index: "sourceID" }),
  disabled: by.boolean((r) => r.disabled),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
  customFilters: { kind: "custom", get: (r, name) => r.customFields.find((f) => f.id === name)?.value },
  query: { kind: "query", get: (r) => [r.name, r.brand, r.model] },
};

export const categoryFilters: FilterSpec<ProductCategoryRec> = {
  id: by.values((r) => r.id),
  account: by.values((r) => r.account),
  reference: by.values((r) => r.reference, { index: "reference" }),
  name: by.values((r) => r.name),
  group: by.values((r) => r.group),
  ruleSet: by.values((r) => r.ruleSet),
  source: by.values((r) => r.source),
  sourceID: by.values((r) => r.sourceID),
  disabled: by.boolean((r) => r.disabled),
  createdAt: by.range((r) => r.createdAt),
  updatedAt: by.range((r) => r.updatedAt),
  query: { kind: "query", get: (r) => [r.name, r.reference] },
};

type WithMeta<T> = T & { id?: string; clientMutationId?: string };

export const productResolvers: ResolverMap = {
  Query: {
    products: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.products, args, ctx, { connection: "products", filters: productFilters }),
    productCategories: (_s, args: ListArgs, ctx) =>
      listRecords(ctx.store.productCategories, args, ctx, {
        connection: "productCategories",
        filters: categoryFilters,
      }),
  },
  Mutation: {
    productCreate: (_s, { input }: { input: WithMeta<ProductInput> }, ctx) => {
      const { clientMutationId, ...fields } = input;
      const { errors, product } = writeProduct(ctx.store, ctx.account, fields);
      return payload("product", errors, product, clientMutationId);
    },
    productUpdate: (_s, { input }: { input: WithMeta<ProductInput> }, ctx) => {
      const { clientMutationId, id, ...fields } = input;
      const existing = own(ctx.store.products, id, ctx);
      if (!existing)
        return payload(
          "product",
          [{ path: ["id"], message: Msg.notFound("Product", String(id)) }],
          null,
          clientMutationId,
        );
      const { errors, product } = writeProduct(ctx.store, ctx.account, fields, existing);
      return payload("product", errors, product, clientMutationId);
    },
    productCategoryCreate: (_s, { input }: { input: WithMeta<CategoryInput> }, ctx) => {
      const { clientMutationId, ...fields } = input;
      const { errors, category: created } = createCategory(ctx.store, ctx.account, fields);
      return payload("productCategory", errors, created, clientMutationId);
    },
  },
  Product: {
    productCategory: (r: ProductRec, _a, ctx) => category(r, ctx),
    ruleSet: (r: ProductRec, _a, ctx) => category(r, ctx)?.ruleSet ?? null,
    supportTeam: (r: ProductRec, _a, ctx) => ctx.store.teams.get(r.supportTeamId),
    service: (r: ProductRec, _a, ctx) => ctx.store.services.get(r.serviceId),
    uiExtension: (r: ProductRec, _a, ctx) => ctx.store.uiExtensions.get(r.uiExtensionId),
  },
  ProductCategory: {
    uiExtension: (r: ProductCategoryRec, _a, ctx) => ctx.store.uiExtensions.get(r.uiExtensionId),
  },
};
