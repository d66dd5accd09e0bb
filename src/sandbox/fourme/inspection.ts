// What tests and the demo page read back: records with their references resolved into plain JSON.
import { settleAsyncQueries } from "./async-queries.js";
import type { CiRec, ProductRec, RequestRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";

const ref = <T extends { id: string }, R extends Record<string, unknown>>(rec: T | undefined, pick: (r: T) => R) =>
  rec ? { id: rec.id, ...pick(rec) } : null;

export class Inspector {
  constructor(private readonly store: FourMeStore) {}

  private get s(): FourMeStore {
    settleAsyncQueries(this.store);
    return this.store;
  }

  accounts() {
    return [...this.s.accounts.values()].map((a) => ({ ...a }));
  }

  ciView(c: CiRec) {
    const s = this.store;
    const product = s.products.get(c.productId);
    return {
      ...c,
      product: ref(product, (p) => ({
        name: p.name,
        brand: p.brand,
        model: p.model,
        uiExtensionId: p.uiExtensionId ?? null,
      })),
      category: ref(s.productCategories.get(product?.categoryId), (k) => ({
        reference: k.reference,
        name: k.name,
        ruleSet: k.ruleSet,
      })),
      supportTeam: ref(s.teams.get(c.supportTeamId), (t) => ({ name: t.name })),
      users: c.userIds.map((id) =>
        ref(s.people.get(id), (p) => ({ name: p.name, primaryEmail: p.primaryEmail ?? null })),
      ),
      serviceInstances: c.serviceInstanceIds.map((id) => ref(s.serviceInstances.get(id), (x) => ({ name: x.name }))),
    };
  }

  cis(account: string) {
    return this.s.cis.inAccount(account).map((c) => this.ciView(c));
  }

  productView(p: ProductRec) {
    const s = this.store;
    return {
      ...p,
      category: ref(s.productCategories.get(p.categoryId), (k) => ({
        reference: k.reference,
        name: k.name,
        ruleSet: k.ruleSet,
      })),
      supportTeam: ref(s.teams.get(p.supportTeamId), (t) => ({ name: t.name })),
    };
  }

  products(account: string) {
    return this.s.products.inAccount(account).map((p) => this.productView(p));
  }

  categories(account: string) {
    return this.s.productCategories.inAccount(account).map((c) => ({ ...c }));
  }

  people(account: string) {
    return this.s.people.inAccount(account).map((p) => ({ ...p }));
  }

  teams(account: string) {
    return this.s.teams.inAccount(account).map((t) => ({ ...t }));
  }

  serviceInstances(account: string) {
    return this.s.serviceInstances.inAccount(account).map((x) => ({ ...x }));
  }

  requestView(r: RequestRec) {
    const s = this.store;
    const person = (id?: string) =>
      ref(s.people.get(id), (p) => ({ name: p.name, primaryEmail: p.primaryEmail ?? null }));
    return {
      ...r,
      requestId: String(r.requestId),
      requestedFor: person(r.requestedForId),
      team: ref(s.teams.get(r.teamId), (t) => ({ name: t.name })),
      member: person(r.memberId),
      serviceInstance: ref(s.serviceInstances.get(r.serviceInstanceId), (x) => ({ name: x.name })),
      template: ref(s.requestTemplates.get(r.templateId), (t) => ({ subject: t.subject })),
      configurationItems: r.configurationItemIds.map((id) =>
        ref(s.cis.get(id), (c) => ({ name: c.name, status: c.status })),
      ),
      notes: r.noteIds
        .map((id) => s.notes.get(id))
        .filter((n) => n !== undefined)
        .map((n) => ({
          id: n.id,
          text: n.text,
          internal: n.internal,
          createdAt: n.createdAt,
          person: person(n.personId),
        })),
    };
  }

  requests(account: string) {
    return this.s.requests.inAccount(account).map((r) => this.requestView(r));
  }

  uiExtensions(account: string) {
    const s = this.s;
    return s.uiExtensions.inAccount(account).map((e) => {
      const { ...ext } = e;
      return {
        ...ext,
        activeVersion: s.uiExtensionVersions.get(e.activeVersionId) ?? null,
        versions: e.versionIds.map((id) => s.uiExtensionVersions.get(id)).filter((v) => v !== undefined),
      };
    });
  }

  appInstances() {
    const s = this.s;
    return s.appInstances
      .all()
      .map((i) => ({ ...i, appOfferingReference: s.appOfferings.get(i.appOfferingId)?.reference ?? null }));
  }

  /** Offerings with their configuration form's HTML (the active UI extension version), for the demo page. */
  appOfferings() {
    const s = this.s;
    return s.appOfferings
      .all()
      .map((o) => ({ ...o, formHtml: s.uiExtensionVersions.get(o.uiExtensionVersionId)?.html ?? null }));
  }

  webhooks(account: string) {
    return this.s.webhooks.inAccount(account).map(({ ...w }) => w);
  }
}
