// People lookup for CI users and request "requested for": enabled people in view all, matched on primary e-mail
// first and authentication id second, case-insensitively. Batches of at most 100 values, and a cache that lives as
// long as this object (one sync run). `findPeopleByEmails` asks one aliased query per 100 values; `prefetch` asks
// up to ten lists of 100 per request, for a whole run's identifiers at once.
import { chunk, type FourMeGraphQLClient } from "./graphql-client.js";

/** Lists of at most 100 values one wide query carries (its aliases). */
export const LISTS_PER_QUERY = 10;

/** The variables of a wide query: lists v0…v9 (or s0…s9) and their @include switches i0…i9. */
export function listVariables(prefix: string, lists: readonly string[][]): Record<string, string[] | boolean> {
  const vars: Record<string, string[] | boolean> = {};
  for (let i = 0; i < LISTS_PER_QUERY; i++) {
    vars[`${prefix}${i}`] = lists[i] ?? [];
    vars[`i${i}`] = i < lists.length;
  }
  return vars;
}

type PeopleLists = Record<string, { nodes: ({ id: string; [field: string]: string | null } | null)[] | null } | null>;

export class PeopleDirectory {
  /** Lower-cased identifier → person id, or null when 4me has no enabled person for it. */
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly client: FourMeGraphQLClient) {}

  /**
   * Person ids by lower-cased e-mail (or UPN). Identifiers without a match are absent from the map. Only identifiers
   * not asked before cost a request.
   */
  async findPeopleByEmails(emails: Iterable<string>): Promise<Map<string, string>> {
    const wanted = this.normalise(emails);
    const missing = [...wanted].filter(([key]) => !this.cache.has(key));
    for (const batch of chunk(missing, 100)) {
      const data = await this.client.sdk.PeopleByIdentifiers({ values: batch.map(([, given]) => given) });
      const byEmail = new Map<string, string>();
      for (const p of data.byPrimaryEmail.nodes ?? []) {
        const key = p?.primaryEmail?.toLowerCase();
        if (p && key && !byEmail.has(key)) byEmail.set(key, p.id);
      }
      const byAuthId = new Map<string, string>();
      for (const p of data.byAuthenticationID.nodes ?? []) {
        const key = p?.authenticationID?.toLowerCase();
        if (p && key && !byAuthId.has(key)) byAuthId.set(key, p.id);
      }
      for (const [key] of batch) this.cache.set(key, byEmail.get(key) ?? byAuthId.get(key) ?? null);
    }
    return this.resolved(wanted.keys());
  }

  /**
   * Looks up and caches every identifier not asked before, with as few requests as the 100-value filter allows:
   * ten lists per request by primary e-mail, then the same for the authentication ids of those no e-mail matched.
   * The answers are the same as findPeopleByEmails gives; later lookups of these identifiers cost nothing.
   */
  async prefetch(emails: Iterable<string>): Promise<void> {
    const missing = [...this.normalise(emails)].filter(([key]) => !this.cache.has(key));
    const byEmail = await this.lookup(missing, "primaryEmail");
    const rest = missing.filter(([key]) => !byEmail.has(key));
    const byAuthId = await this.lookup(rest, "authenticationID");
    for (const [key] of missing) this.cache.set(key, byEmail.get(key) ?? byAuthId.get(key) ?? null);
  }

  private async lookup(values: [string, string][], field: "primaryEmail" | "authenticationID") {
    const found = new Map<string, string>();
    for (const group of chunk(chunk(values, 100), LISTS_PER_QUERY)) {
      const vars = listVariables(
        "v",
        group.map((list) => list.map(([, given]) => given)),
      ) as Parameters<FourMeGraphQLClient["sdk"]["PeopleByPrimaryEmails"]>[0];
      const data: PeopleLists =
        field === "primaryEmail"
          ? await this.client.sdk.PeopleByPrimaryEmails(vars)
          : await this.client.sdk.PeopleByAuthenticationIDs(vars);
      for (const list of Object.values(data)) {
        for (const p of list?.nodes ?? []) {
          const key = p?.[field]?.toLowerCase();
          if (p && key && !found.has(key)) found.set(key, p.id);
        }
      }
    }
    return found;
  }

  private normalise(emails: Iterable<string>): Map<string, string> {
    const wanted = new Map<string, string>(); // lower-cased → as given (sent as given: 4me may compare case)
    for (const email of emails) {
      const trimmed = email.trim();
      if (trimmed !== "" && !wanted.has(trimmed.toLowerCase())) wanted.set(trimmed.toLowerCase(), trimmed);
    }
    return wanted;
  }

  private resolved(keys: Iterable<string>): Map<string, string> {
    const result = new Map<string, string>();
    for (const key of keys) {
      const id = this.cache.get(key);
      if (id) result.set(key, id);
    }
    return result;
  }
}
