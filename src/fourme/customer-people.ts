// People lookup for CI users and request "requested for": enabled people in view all, matched on primary e-mail
// first and authentication id second, case-insensitively. Batches of at most 100 values, one aliased query per
// batch, and a cache that lives as long as this object (one sync run).
import { chunk, type FourMeGraphQLClient } from "./graphql-client.js";

export class PeopleDirectory {
  /** Lower-cased identifier → person id, or null when 4me has no enabled person for it. */
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly client: FourMeGraphQLClient) {}

  /**
   * Person ids by lower-cased e-mail (or UPN). Identifiers without a match are absent from the map. Only identifiers
   * not asked before cost a request.
   */
  async findPeopleByEmails(emails: Iterable<string>): Promise<Map<string, string>> {
    const wanted = new Map<string, string>(); // lower-cased → as given (sent as given: 4me may compare case)
    for (const email of emails) {
      const trimmed = email.trim();
      if (trimmed !== "" && !wanted.has(trimmed.toLowerCase())) wanted.set(trimmed.toLowerCase(), trimmed);
    }
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
    const result = new Map<string, string>();
    for (const key of wanted.keys()) {
      const id = this.cache.get(key);
      if (id) result.set(key, id);
    }
    return result;
  }
}
