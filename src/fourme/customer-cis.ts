// Configuration items in a customer account: lookups by our key, by serial and by id (batched ≤100 values, paged),
// and single creates/updates where the bulk upload cannot express the change.
import { UpstreamError } from "../errors.js";
import { toCi } from "./convert.js";
import { groupVariables, updateInGroups, type BatchOutcome } from "./customer-batch.js";
import { LISTS_PER_QUERY, listVariables } from "./customer-people.js";
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

/**
 * How many active CIs carrying `source` in the current account have no service instance, in one request (only
 * `totalCount` is read): the alerts pass writes it to the app instance without reading every CI.
 */
export async function countCisWithoutServiceInstance(client: FourMeGraphQLClient, source: string): Promise<number> {
  return (await client.sdk.ConfigurationItemsWithoutServiceInstanceCount({ source })).configurationItems.totalCount;
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

/**
 * As findCisBySerial, for many serials with few requests: ten lists of 100 serials per request (one alias each);
 * a list with more than a page of CIs is read on page by page.
 */
export async function findCisBySerials(client: FourMeGraphQLClient, serials: string[]): Promise<Ci[]> {
  const out: Ci[] = [];
  for (const group of chunk(chunk(unique(serials)), LISTS_PER_QUERY)) {
    const data = await client.sdk.ConfigurationItemsBySerials(
      listVariables("s", group) as Parameters<FourMeGraphQLClient["sdk"]["ConfigurationItemsBySerials"]>[0],
    );
    for (let i = 0; i < group.length; i++) {
      const first = data[`s${i}` as keyof typeof data];
      if (!first) continue;
      out.push(...(first.nodes ?? []).filter((n) => n !== null).map(toCi));
      const after = first.pageInfo.endCursor;
      if (!first.pageInfo.hasNextPage || !after) continue;
      const rest = await collectPages(
        async (cursor) =>
          (await client.sdk.ConfigurationItemsBySerial({ serialNrs: group[i], after: cursor ?? after }))
            .configurationItems,
      );
      out.push(...rest.map(toCi));
    }
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

/** Several CI updates, ten per request (each patch as updateCi writes it); one outcome per update, in order. */
export async function updateCis(
  client: FourMeGraphQLClient,
  updates: { id: string; patch: CiFields }[],
): Promise<BatchOutcome<{ id: string; patch: CiFields }>[]> {
  return updateInGroups(
    updates,
    async (group) => {
      const vars = groupVariables(
        group.map((u) => ({ ...u.patch, id: u.id })),
        { id: "" },
      ) as Parameters<FourMeGraphQLClient["sdk"]["ConfigurationItemUpdates"]>[0];
      const data = await client.sdk.ConfigurationItemUpdates(vars);
      const missing = group.findIndex((_, i) => !data[`u${i}` as keyof typeof data]?.configurationItem);
      if (missing >= 0) throw new UpstreamError(`configurationItemUpdate returned no configuration item (u${missing})`);
    },
    (u) => updateCi(client, u.id, u.patch),
  );
}

export function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ""))];
}
