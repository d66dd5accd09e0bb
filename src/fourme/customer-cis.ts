// Configuration items in a customer account: lookups by our key, by serial and by id (batched ≤100 values, paged),
// and single creates/updates where the bulk upload cannot express the change.
import { UpstreamError } from "../errors.js";
import { toCi } from "./convert.js";
import { chunk, collectPages, type FourMeGraphQLClient } from "./graphql-client.js";
import type { Ci, CiCreate, CiFields } from "./types.js";

export async function findCisBySource(client: FourMeGraphQLClient, source: string, sourceIDs: string[]): Promise<Ci[]> {
  const out: Ci[] = [];
  for (const part of chunk(unique(sourceIDs))) {
    const nodes = await collectPages(
      async (after) =>
        (await client.sdk.ConfigurationItemsBySource({ source, sourceIDs: part, after })).configurationItems,
    );
    out.push(...nodes.map(toCi));
  }
  return out;
}

/** Every CI that carries `source`, whatever its sourceID. */
export async function findCisOfSource(client: FourMeGraphQLClient, source: string): Promise<Ci[]> {
  const nodes = await collectPages(
    async (after) => (await client.sdk.ConfigurationItemsOfSource({ source, after })).configurationItems,
  );
  return nodes.map(toCi);
}

/** CIs whose serial number is one of `serials` (as given; the caller compares case and whitespace). */
export async function findCisBySerial(client: FourMeGraphQLClient, serials: string[]): Promise<Ci[]> {
  const out: Ci[] = [];
  for (const part of chunk(unique(serials))) {
    const nodes = await collectPages(
      async (after) => (await client.sdk.ConfigurationItemsBySerial({ serialNrs: part, after })).configurationItems,
    );
    out.push(...nodes.map(toCi));
  }
  return out;
}

export async function findCisByIds(client: FourMeGraphQLClient, ids: string[]): Promise<Ci[]> {
  const out: Ci[] = [];
  for (const part of chunk(unique(ids))) {
    const nodes = await collectPages(
      async (after) => (await client.sdk.ConfigurationItemsByIds({ ids: part, after })).configurationItems,
    );
    out.push(...nodes.map(toCi));
  }
  return out;
}

export async function createCi(client: FourMeGraphQLClient, input: CiCreate): Promise<Ci> {
  const data = await client.sdk.ConfigurationItemCreate({ input });
  const ci = data.configurationItemCreate?.configurationItem;
  if (!ci) throw new UpstreamError("configurationItemCreate returned no configuration item");
  return toCi(ci);
}

/** Writes only the fields present in `patch`; `userIds` replaces the CI's users. */
export async function updateCi(client: FourMeGraphQLClient, id: string, patch: CiFields): Promise<Ci> {
  const data = await client.sdk.ConfigurationItemUpdate({ input: { ...patch, id } });
  const ci = data.configurationItemUpdate?.configurationItem;
  if (!ci) throw new UpstreamError("configurationItemUpdate returned no configuration item");
  return toCi(ci);
}

export function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ""))];
}
