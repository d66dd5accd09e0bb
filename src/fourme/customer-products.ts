// Products and product categories in a customer account.
import { UpstreamError } from "../errors.js";
import { toProduct, toProductCategory } from "./convert.js";
import { chunk, collectPages, type Connection, type FourMeGraphQLClient } from "./graphql-client.js";
import { groupVariables, updateInGroups, type BatchOutcome } from "./customer-batch.js";
import { unique } from "./customer-cis.js";
import type { Product, ProductCategory, ProductCategoryCreate, ProductCreate, ProductFields } from "./types.js";

const norm = (s: string | undefined) => (s ?? "").trim().toLowerCase();

/**
 * Products matching any of the brand/model pairs, compared trimmed and case-insensitively. One query per hundred
 * brands and hundred models (their cross product, filtered here to the pairs asked), so a fleet of a few dozen
 * models costs one call and its pages.
 */
export async function findProductsByBrandModel(
  client: FourMeGraphQLClient,
  pairs: { brand: string; model: string }[],
): Promise<Product[]> {
  const wanted = new Set(pairs.map((p) => `${norm(p.brand)}\u0000${norm(p.model)}`));
  const found = new Map<string, Product>();
  for (const brands of chunk(unique(pairs.map((p) => p.brand)))) {
    for (const models of chunk(unique(pairs.map((p) => p.model)))) {
      const nodes = await collectPages(
        async (after) => (await client.sdk.ProductsByBrandModel({ brands, models, after })).products,
      );
      for (const node of nodes) {
        const product = toProduct(node);
        if (wanted.has(`${norm(product.brand)}\u0000${norm(product.model)}`)) found.set(product.id, product);
      }
    }
  }
  return [...found.values()];
}

/**
 * What a run needs to reuse products: our products by sourceID, and the products matching the brand/model pairs
 * (as findProductsByBrandModel). One request when each list fits in 100 values; more values, or a full page, are
 * read with the single lookups.
 */
export async function findProductsForReuse(
  client: FourMeGraphQLClient,
  source: string,
  sourceIDs: string[],
  pairs: { brand: string; model: string }[],
): Promise<{ ours: Product[]; byBrandModel: Product[] }> {
  const ids = unique(sourceIDs);
  const brands = unique(pairs.map((p) => p.brand));
  const models = unique(pairs.map((p) => p.model));
  // An empty list would match records without a value: those lookups are left out (and need no request).
  if (
    ids.length === 0 ||
    brands.length === 0 ||
    models.length === 0 ||
    Math.max(ids.length, brands.length, models.length) > 100
  ) {
    return {
      ours: ids.length ? await findProductsBySource(client, source, ids) : [],
      byBrandModel: brands.length && models.length ? await findProductsByBrandModel(client, pairs) : [],
    };
  }
  const data = await client.sdk.ProductsForReuse({ source, sourceIDs: ids, brands, models });
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
    data.byBrandModel,
    async (after) => (await client.sdk.ProductsByBrandModel({ brands, models, after })).products,
  );
  const wanted = new Set(pairs.map((p) => `${norm(p.brand)}\u0000${norm(p.model)}`));
  return {
    ours: ours.map(toProduct),
    byBrandModel: others.map(toProduct).filter((p) => wanted.has(`${norm(p.brand)}\u0000${norm(p.model)}`)),
  };
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
