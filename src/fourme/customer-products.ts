// Products and product categories in a customer account.
import { UpstreamError } from "../errors.js";
import { toProduct, toProductCategory } from "./convert.js";
import { chunk, collectPages, type Connection, type FourMeGraphQLClient } from "./graphql-client.js";
import { groupVariables, updateInGroups, type BatchOutcome } from "./customer-batch.js";
import { unique } from "./customer-cis.js";
import type { Product, ProductCategory, ProductCategoryCreate, ProductCreate, ProductFields } from "./types.js";

/**
 * Products of any of these models, whatever their brand (one vendor is spelt many ways, so the caller compares makes
 * and models itself). One query per hundred models, and its pages.
 */
export async function findProductsByModels(client: FourMeGraphQLClient, models: string[]): Promise<Product[]> {
  const found = new Map<string, Product>();
  for (const part of chunk(unique(models))) {
    const nodes = await collectPages(
      async (after) => (await client.sdk.ProductsByModel({ models: part, after })).products,
    );
    for (const node of nodes) found.set(node.id, toProduct(node));
  }
  return [...found.values()];
}

/**
 * What a run needs to reuse products: our products by sourceID, and the products of the given model spellings
 * (as findProductsByModels). One request when each list fits in 100 values; more values, or a full page, are read
 * with the single lookups.
 */
export async function findProductsForReuse(
  client: FourMeGraphQLClient,
  source: string,
  sourceIDs: string[],
  modelSpellings: string[],
): Promise<{ ours: Product[]; byModel: Product[] }> {
  const ids = unique(sourceIDs);
  const models = unique(modelSpellings);
  // An empty list would match records without a value: those lookups are left out (and need no request).
  if (ids.length === 0 || models.length === 0 || Math.max(ids.length, models.length) > 100) {
    return {
      ours: ids.length ? await findProductsBySource(client, source, ids) : [],
      byModel: models.length ? await findProductsByModels(client, models) : [],
    };
  }
  const data = await client.sdk.ProductsForReuse({ source, sourceIDs: ids, models });
  const rest = async <N>(first: Connection<N>, next: (after: string) => Promise<Connection<N>>): Promise<N[]> => {
    const nodes = (first.nodes ?? []).filter((n): n is N => n !== null);
    const after = first.pageInfo.endCursor;
    if (!first.pageInfo.hasNextPage || !after) return nodes;
    return [...nodes, ...(await collectPages((cursor) => next(cursor ?? after)))];
  };
  const ours = await rest(
    data.ours,
    async (after) => (await client.sdk.ProductsBySource({ source, sourceIDs: ids, after })).products,
  );
  const others = await rest(
    data.byModel,
    async (after) => (await client.sdk.ProductsByModel({ models, after })).products,
  );
  return { ours: ours.map(toProduct), byModel: others.map(toProduct) };
}

export async function findProductsBySource(
  client: FourMeGraphQLClient,
  source: string,
  sourceIDs: string[],
): Promise<Product[]> {
  const out: Product[] = [];
  for (const part of chunk(unique(sourceIDs))) {
    const nodes = await collectPages(
      async (after) => (await client.sdk.ProductsBySource({ source, sourceIDs: part, after })).products,
    );
    out.push(...nodes.map(toProduct));
  }
  return out;
}

export async function createProduct(client: FourMeGraphQLClient, input: ProductCreate): Promise<Product> {
  const data = await client.sdk.ProductCreate({ input });
  const product = data.productCreate?.product;
  if (!product) throw new UpstreamError("productCreate returned no product");
  return toProduct(product);
}

export async function updateProduct(client: FourMeGraphQLClient, id: string, patch: ProductFields): Promise<Product> {
  const data = await client.sdk.ProductUpdate({ input: { ...patch, id } });
  const product = data.productUpdate?.product;
  if (!product) throw new UpstreamError("productUpdate returned no product");
  return toProduct(product);
}

/** Several product updates, ten per request; one outcome per update, in order. */
export async function updateProducts(
  client: FourMeGraphQLClient,
  updates: { id: string; patch: ProductFields }[],
): Promise<BatchOutcome<{ id: string; patch: ProductFields }>[]> {
  return updateInGroups(
    updates,
    async (group) => {
      const vars = groupVariables(
        group.map((u) => ({ ...u.patch, id: u.id })),
        { id: "" },
      ) as Parameters<FourMeGraphQLClient["sdk"]["ProductUpdates"]>[0];
      const data = await client.sdk.ProductUpdates(vars);
      const missing = group.findIndex((_, i) => !data[`u${i}` as keyof typeof data]?.product);
      if (missing >= 0) throw new UpstreamError(`productUpdate returned no product (u${missing})`);
    },
    (u) => updateProduct(client, u.id, u.patch),
  );
}

/** Categories whose reference or name is one of those given (each list ≤100 per call; more are batched). */
export async function findCategories(
  client: FourMeGraphQLClient,
  query: { references?: string[]; names?: string[] },
): Promise<ProductCategory[]> {
  const refs = chunk(unique(query.references ?? []));
  const names = chunk(unique(query.names ?? []));
  const found = new Map<string, ProductCategory>();
  for (let i = 0; i < Math.max(refs.length, names.length); i++) {
    const references = refs[i] ?? [];
    const nameList = names[i] ?? [];
    const data = await client.sdk.ProductCategoriesLookup({
      references,
      names: nameList,
      withReferences: references.length > 0,
      withNames: nameList.length > 0,
    });
    for (const n of [...(data.byReference?.nodes ?? []), ...(data.byName?.nodes ?? [])]) {
      if (n) found.set(n.id, toProductCategory(n));
    }
  }
  return [...found.values()];
}

/** Creates a category with the physical_asset rule set (the operation fixes it). */
export async function createCategory(
  client: FourMeGraphQLClient,
  input: ProductCategoryCreate,
): Promise<ProductCategory> {
  const data = await client.sdk.ProductCategoryCreate(input);
  const category = data.productCategoryCreate?.productCategory;
  if (!category) throw new UpstreamError("productCategoryCreate returned no product category");
  return toProductCategory(category);
}
