// Everything the sync and the alerts do in a customer account, with the customer's token, as one object per run.
// Each method returns our own types; the people cache lives as long as the object.
import {
  addNote,
  completeRequest,
  createRequest,
  findOpenRequestsBySource,
  findRequestsBySource,
  findReferencedRecord,
  findRequestTemplates,
  findServiceInstances,
  findTeams,
} from "./customer-requests.js";
import {
  countCisWithoutServiceInstance,
  createCi,
  findCisByIds,
  findCisBySerial,
  findCisBySerials,
  findCisBySource,
  findCisOfSource,
  updateCi,
  updateCis,
} from "./customer-cis.js";
import type { BatchOutcome } from "./customer-batch.js";
import { DiscoveryPace, uploadDiscovered, type DiscoveryPollOptions } from "./customer-discovery.js";
import { PeopleDirectory } from "./customer-people.js";
import {
  createCategory,
  createProduct,
  findCategories,
  findProductsByModels,
  findProductsBySource,
  findProductsForReuse,
  updateProduct,
  updateProducts,
} from "./customer-products.js";
import type { FourMeGraphQLClient } from "./graphql-client.js";
import type * as T from "./types.js";
import { findUiExtension, upsertUiExtension } from "./ui-extensions.js";

/** The source our records carry in customer accounts (CIs, products, requests, the CI UI extension). */
export const DEFAULT_SOURCE = "Intune";

/** Key and name of the CI UI extension we keep in each customer account. */
export const CI_UI_EXTENSION = {
  sourceID: "intune_ci_extension",
  name: "Microsoft Intune device",
  title: "Microsoft Intune",
  category: "product",
} as const;

export interface CustomerApiOptions {
  /** Our source in this account. Default "Intune". */
  source?: string;
  discovery?: DiscoveryPollOptions;
}

export class CustomerApi {
  readonly account: string;
  readonly source: string;
  private readonly people: PeopleDirectory;
  /** One run's pace of reading upload results (a run makes one CustomerApi). */
  private readonly discoveryPace: DiscoveryPace;

  constructor(
    private readonly client: FourMeGraphQLClient,
    private readonly options: CustomerApiOptions = {},
  ) {
    this.account = client.account;
    this.source = options.source ?? DEFAULT_SOURCE;
    this.people = new PeopleDirectory(client);
    this.discoveryPace = new DiscoveryPace(options.discovery?.initialDelayMs);
  }

  // CIs
  findCisBySource(sourceIDs: string[]): Promise<T.Ci[]> {
    return findCisBySource(this.client, this.source, sourceIDs);
  }
  findCisOfSource(): Promise<T.Ci[]> {
    return findCisOfSource(this.client, this.source);
  }
  /** Active CIs of our source in this account without a service instance: one request, whatever their number. */
  countCisWithoutServiceInstance(): Promise<number> {
    return countCisWithoutServiceInstance(this.client, this.source);
  }
  findCisBySerial(serials: string[]): Promise<T.Ci[]> {
    return findCisBySerial(this.client, serials);
  }
  /** As findCisBySerial with ten lists of 100 serials per request: for a whole run's new devices at once. */
  findCisBySerials(serials: string[]): Promise<T.Ci[]> {
    return findCisBySerials(this.client, serials);
  }
  findCisByIds(ids: string[]): Promise<T.Ci[]> {
    return findCisByIds(this.client, ids);
  }
  createCi(input: T.CiCreate): Promise<T.Ci> {
    return createCi(this.client, { source: this.source, ...input });
  }
  updateCi(id: string, patch: T.CiFields): Promise<T.Ci> {
    return updateCi(this.client, id, patch);
  }
  /** Several updates, ten per request; a failed one has its error in its outcome (the others are written). */
  updateCis(updates: { id: string; patch: T.CiFields }[]): Promise<BatchOutcome<{ id: string; patch: T.CiFields }>[]> {
    return updateCis(this.client, updates);
  }
  /** Submits at most 100 CIs and waits (bounded) for 4me's per-item results. */
  uploadDiscovered(upload: Omit<T.DiscoveredUpload, "source"> & { source?: string }): Promise<T.DiscoveredResult> {
    return uploadDiscovered(
      this.client,
      { source: this.source, ...upload },
      this.options.discovery,
      this.discoveryPace,
    );
  }

  /**
   * Why this run should stop writing now, or undefined: the token's request or cost budget, as 4me's response headers
   * report it, is down to its reserve. What was not written is written by a later run.
   */
  budgetNearlySpent(): string | undefined {
    return this.client.budgetNearlySpent();
  }

  // Products and categories
  /** Products of any of these models, whatever their brand. */
  findProductsByModels(models: string[]): Promise<T.Product[]> {
    return findProductsByModels(this.client, models);
  }
  findProductsBySource(sourceIDs: string[]): Promise<T.Product[]> {
    return findProductsBySource(this.client, this.source, sourceIDs);
  }
  /** Our products by sourceID and the products of these model spellings, in one request where they fit. */
  findProductsForReuse(
    sourceIDs: string[],
    modelSpellings: string[],
  ): Promise<{ ours: T.Product[]; byModel: T.Product[] }> {
    return findProductsForReuse(this.client, this.source, sourceIDs, modelSpellings);
  }
  createProduct(input: T.ProductCreate): Promise<T.Product> {
    return createProduct(this.client, { source: this.source, ...input });
  }
  updateProduct(id: string, patch: T.ProductFields): Promise<T.Product> {
    return updateProduct(this.client, id, patch);
  }
  /** Several updates, ten per request; a failed one has its error in its outcome (the others are written). */
  updateProducts(
    updates: { id: string; patch: T.ProductFields }[],
  ): Promise<BatchOutcome<{ id: string; patch: T.ProductFields }>[]> {
    return updateProducts(this.client, updates);
  }
  findCategories(query: { references?: string[]; names?: string[] }): Promise<T.ProductCategory[]> {
    return findCategories(this.client, query);
  }
  createCategory(input: T.ProductCategoryCreate): Promise<T.ProductCategory> {
    return createCategory(this.client, { source: this.source, ...input });
  }

  // People
  /** Person ids by lower-cased e-mail/UPN (primaryEmail first, then authenticationID); cached per CustomerApi. */
  findPeopleByEmails(emails: Iterable<string>): Promise<Map<string, string>> {
    return this.people.findPeopleByEmails(emails);
  }
  /** Looks up (ten lists of 100 per request) and caches identifiers, so later findPeopleByEmails calls are free. */
  prefetchPeople(emails: Iterable<string>): Promise<void> {
    return this.people.prefetch(emails);
  }

  // Requests
  findRequestsBySource(sourceIDs: string[]): Promise<T.Request[]> {
    return findRequestsBySource(this.client, this.source, sourceIDs);
  }
  findOpenRequestsBySource(sourceIDs: string[]): Promise<T.Request[]> {
    return findOpenRequestsBySource(this.client, this.source, sourceIDs);
  }
  createRequest(input: Omit<T.RequestCreate, "source"> & { source?: string }): Promise<T.Request> {
    return createRequest(this.client, { source: this.source, ...input });
  }
  addNote(requestId: string, text: string, options?: { internal?: boolean }): Promise<{ id: string }> {
    return addNote(this.client, requestId, text, options);
  }
  completeRequest(requestId: string, note: string, reason?: T.RequestCompletionReason): Promise<T.Request> {
    return completeRequest(this.client, requestId, note, reason);
  }
  findServiceInstances(names: string[]): Promise<T.ServiceInstance[]> {
    return findServiceInstances(this.client, names);
  }
  findTeams(names: string[]): Promise<T.Team[]> {
    return findTeams(this.client, names);
  }
  findRequestTemplates(subjects: string[]): Promise<T.RequestTemplate[]> {
    return findRequestTemplates(this.client, subjects);
  }
  findReferencedRecord(id: string): Promise<T.ReferencedRecord | undefined> {
    return findReferencedRecord(this.client, id);
  }

  // The CI UI extension
  findCiUiExtension(): Promise<T.UiExtension | undefined> {
    return findUiExtension(this.client, this.source, CI_UI_EXTENSION.sourceID);
  }
  /** Creates or updates (and activates) our CI extension, keyed by source/sourceID; unchanged content writes nothing. */
  upsertCiUiExtension(
    html: string,
    css: string,
    javascript: string,
  ): Promise<{ uiExtension: T.UiExtension; action: T.UpsertAction }> {
    return upsertUiExtension(this.client, {
      ...CI_UI_EXTENSION,
      source: this.source,
      html,
      css,
      javascript,
    });
  }
}
