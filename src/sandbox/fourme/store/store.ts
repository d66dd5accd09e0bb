// The simulated 4me: accounts and one table per record type. Customers are kept apart by each record's `account`.
import type { Clock } from "../clock.js";
import { decodeNodeId, type NodeType } from "../ids.js";
import type {
  AccountRec,
  AppInstanceRec,
  AppOfferingRec,
  AsyncQueryRec,
  BaseRec,
  GenericRec,
  CiRec,
  NoteRec,
  OauthClientRec,
  PersonRec,
  ProductCategoryRec,
  ProductRec,
  RequestRec,
  RequestTemplateRec,
  ServiceInstanceRec,
  ServiceRec,
  TeamRec,
  UiExtensionRec,
  UiExtensionVersionRec,
  WebhookPolicyRec,
  WebhookRec,
} from "./records.js";
import { accountKey, Table } from "./table.js";

export class FourMeStore {
  readonly accounts = new Map<string, AccountRec>();
  readonly people: Table<PersonRec>;
  readonly teams: Table<TeamRec>;
  readonly services: Table<ServiceRec>;
  readonly serviceInstances: Table<ServiceInstanceRec>;
  readonly productCategories: Table<ProductCategoryRec>;
  readonly products: Table<ProductRec>;
  readonly cis: Table<CiRec>;
  readonly requests: Table<RequestRec>;
  readonly requestTemplates: Table<RequestTemplateRec>;
  readonly notes: Table<NoteRec>;
  readonly uiExtensions: Table<UiExtensionRec>;
  readonly uiExtensionVersions: Table<UiExtensionVersionRec>;
  readonly appOfferings: Table<AppOfferingRec>;
  readonly appInstances: Table<AppInstanceRec>;
  readonly webhooks: Table<WebhookRec>;
  readonly webhookPolicies: Table<WebhookPolicyRec>;
  readonly asyncQueries: Table<AsyncQueryRec>;
  readonly oauthClients: Table<OauthClientRec>;
  readonly automationRules: Table<GenericRec>;
  readonly offeringScopes: Table<GenericRec>;
  /** Request numbers are per 4me environment, not per account, and start high like real ones. */
  private nextRequestId = 70000;
  /** Grows with every change to any record: a cached list is valid while the version is unchanged. */
  version = 0;

  constructor(
    readonly domain: string,
    readonly clock: Clock,
  ) {
    const t = <T extends BaseRec>(type: NodeType, idx: Record<string, (r: T) => string | string[] | undefined> = {}) =>
      new Table<T>(type, domain, clock, idx, () => void this.version++);
    this.people = t<PersonRec>("Person", {
      primaryEmail: (r) => accountKey(r.account, r.primaryEmail, true),
      authenticationID: (r) => accountKey(r.account, r.authenticationID, true),
      name: (r) => accountKey(r.account, r.name),
    });
    this.teams = t<TeamRec>("Team", { name: (r) => accountKey(r.account, r.name) });
    this.services = t<ServiceRec>("Service", { name: (r) => accountKey(r.account, r.name) });
    this.serviceInstances = t<ServiceInstanceRec>("ServiceInstance", { name: (r) => accountKey(r.account, r.name) });
    this.productCategories = t<ProductCategoryRec>("ProductCategory", {
      reference: (r) => accountKey(r.account, r.reference),
    });
    this.products = t<ProductRec>("Product", {
      sourceID: (r) => accountKey(r.account, r.sourceID),
      productID: (r) => accountKey(r.account, r.productID),
      productBrand: (r) => accountKey(r.account, r.brand, true),
    });
    this.cis = t<CiRec>("Ci", {
      sourceID: (r) => accountKey(r.account, r.sourceID),
      serialNr: (r) => accountKey(r.account, r.serialNr, true),
      systemID: (r) => accountKey(r.account, r.systemID),
      name: (r) => accountKey(r.account, r.name),
      product: (r) => accountKey(r.account, r.productId),
    });
    this.requests = t<RequestRec>("Request", {
      sourceID: (r) => accountKey(r.account, r.sourceID),
      requestId: (r) => accountKey(r.account, String(r.requestId)),
    });
    this.requestTemplates = t<RequestTemplateRec>("RequestTemplate", {
      subject: (r) => accountKey(r.account, r.subject),
    });
    this.notes = t<NoteRec>("Note");
    this.uiExtensions = t<UiExtensionRec>("UiExtension", { sourceID: (r) => accountKey(r.account, r.sourceID) });
    this.uiExtensionVersions = t<UiExtensionVersionRec>("UiExtensionVersion");
    this.appOfferings = t<AppOfferingRec>("AppOffering", { reference: (r) => accountKey(r.account, r.reference) });
    this.appInstances = t<AppInstanceRec>("AppInstance", {
      customerAccount: (r) => accountKey(r.account, r.customerAccount),
    });
    this.webhooks = t<WebhookRec>("Webhook");
    this.webhookPolicies = t<WebhookPolicyRec>("WebhookPolicy");
    this.asyncQueries = t<AsyncQueryRec>("AsyncQuery");
    this.oauthClients = t<OauthClientRec>("OauthApplication");
    this.automationRules = t<GenericRec>("AppOfferingAutomationRule");
    this.offeringScopes = t<GenericRec>("AppOfferingScope");
  }

  /** The table that holds records of a node type. */
  table(type: NodeType): Table<BaseRec> {
    const tables: Record<NodeType, Table<BaseRec>> = {
      Person: this.people,
      Team: this.teams,
      Service: this.services,
      ServiceInstance: this.serviceInstances,
      ProductCategory: this.productCategories,
      Product: this.products,
      Ci: this.cis,
      Request: this.requests,
      RequestTemplate: this.requestTemplates,
      Note: this.notes,
      UiExtension: this.uiExtensions,
      UiExtensionVersion: this.uiExtensionVersions,
      AppOffering: this.appOfferings,
      AppInstance: this.appInstances,
      Webhook: this.webhooks,
      WebhookPolicy: this.webhookPolicies,
      AsyncQuery: this.asyncQueries,
      OauthApplication: this.oauthClients,
      AppOfferingAutomationRule: this.automationRules,
      AppOfferingScope: this.offeringScopes,
    } as unknown as Record<NodeType, Table<BaseRec>>;
    return tables[type];
  }

  /** Any record by node id, with its type; undefined for unknown or foreign-domain ids. */
  node(id: string | undefined | null): { type: NodeType; rec: BaseRec } | undefined {
    if (!id) return undefined;
    const decoded = decodeNodeId(id);
    if (!decoded || decoded.domain !== this.domain) return undefined;
    const rec = this.table(decoded.type).get(id);
    return rec ? { type: decoded.type, rec } : undefined;
  }

  ensureAccount(id: string, name?: string): AccountRec {
    let acc = this.accounts.get(id);
    if (!acc) this.accounts.set(id, (acc = { id, name: name ?? id }));
    else if (name) acc.name = name;
    return acc;
  }

  /** Accounts whose people `view: all` shows from `account`: itself and its directory account. */
  peopleAccounts(account: string): string[] {
    const dir = this.accounts.get(account)?.directoryAccount;
    return dir && dir !== account ? [account, dir] : [account];
  }

  takeRequestId(): number {
    return ++this.nextRequestId;
  }
}
