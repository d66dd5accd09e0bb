// Request templates in the simulated 4me: the requestTemplates connection (filters subject, id, disabled, source,
// dates; views; paging limits) as the current SDK has it (test/fixtures/reference/4me-schema-additions.graphql),
// `node` by id, and requestCreate's templateId, each kept to the account, like teams and service instances.
import { expect } from "chai";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, SMALL_SEED, withSim, type Client } from "./helpers.js";

const LIST = `query($filter: RequestTemplateFilter, $view: RequestTemplateView) {
  requestTemplates(first: 100, filter: $filter, view: $view) { totalCount nodes { id subject disabled } }
}`;
const CREATE = `mutation($input: RequestCreateInput!) {
  requestCreate(input: $input) { errors { path message } request { id } }
}`;
const SUBJECT = "Device not compliant";

describe("4me simulator request templates", () => {
  let sim: FourMeSimulator;
  let acme: Client;
  let ids: { enabled: string; disabled: string; other: string; globex: string; jane: string };

  before(async () => {
    sim = await withSim();
    const seeded = sim.seedAccount("acme", {
      ...SMALL_SEED,
      requestTemplates: [{ subject: SUBJECT }, { subject: "Laptop stolen" }],
    });
    const retired = sim.seedAccount("acme", {
      people: [],
      products: [],
      cis: [],
      requestTemplates: [{ subject: SUBJECT, disabled: true }],
    });
    const globex = sim.seedAccount("globex", {
      people: [],
      products: [],
      cis: [],
      requestTemplates: [{ subject: SUBJECT }],
    });
    ids = {
      enabled: seeded.requestTemplateIds[SUBJECT]!,
      other: seeded.requestTemplateIds["Laptop stolen"]!,
      disabled: retired.requestTemplateIds[SUBJECT]!,
      globex: globex.requestTemplateIds[SUBJECT]!,
      jane: seeded.personIds[0]!,
    };
    acme = await clientFor(sim, "acme");
  });
  after(() => sim.close());

  const list = async (filter: unknown, view?: string) =>
    (await acme.data(LIST, { filter, view })).requestTemplates as {
      totalCount: number;
      nodes: { id: string; subject: string; disabled: boolean }[];
    };

  it("filters on subject (exact, never another account's), disabled and id", async () => {
    const bySubject = await list({ subject: { values: [SUBJECT] } }, "all");
    expect(bySubject.nodes.map((n) => n.id).sort()).to.deep.equal([ids.enabled, ids.disabled].sort());
    expect((await list({ subject: { values: [SUBJECT.toUpperCase()] } })).totalCount).to.equal(0);
    const enabled = await list({ subject: { values: [SUBJECT] }, disabled: false });
    expect(enabled.nodes).to.deep.equal([{ id: ids.enabled, subject: SUBJECT, disabled: false }]);
    expect((await list({ id: { values: [ids.other] } })).nodes.map((n) => n.subject)).to.deep.equal(["Laptop stolen"]);
    expect((await list({ subject: { values: [SUBJECT], negate: true } })).nodes.map((n) => n.id)).to.deep.equal([
      ids.other,
    ]);
    expect((await list({ id: { values: [ids.globex] } })).totalCount).to.equal(0);
    expect((await list({ createdAt: { greaterThan: "2000-01-01T00:00:00Z" } })).totalCount).to.equal(3);
  });

  it("refuses what 4me refuses on its other connections: no first/last, a filter or view outside the schema", async () => {
    for (const query of [
      `{ requestTemplates { nodes { id } } }`,
      `{ requestTemplates(first: 101) { nodes { id } } }`,
      `{ requestTemplates(first: 1, filter: { name: { values: ["x"] } }) { nodes { id } } }`,
      `{ requestTemplates(first: 1, view: archive) { nodes { id } } }`,
    ]) {
      const r = await acme.gql(query);
      expect(r.body.errors, query).to.have.length.greaterThan(0);
    }
  });

  it("finds a template by node id in its own account only", async () => {
    const q = `query($id: ID!) { node(id: $id) { __typename ... on RequestTemplate { subject disabled } } }`;
    expect((await acme.data(q, { id: ids.enabled })).node).to.deep.equal({
      __typename: "RequestTemplate",
      subject: SUBJECT,
      disabled: false,
    });
    expect((await acme.data(q, { id: ids.globex })).node).to.equal(null);
  });

  it("creates a request from an enabled template of the account; refuses another account's or a disabled one", async () => {
    const base = { subject: "x", category: "incident", requestedForId: ids.jane };
    const ok = (await acme.data(CREATE, { input: { ...base, templateId: ids.enabled } })).requestCreate;
    expect(ok.errors).to.equal(null);
    const created = sim.inspect.requests("acme").find((r) => r.id === ok.request.id);
    expect(created?.templateId).to.equal(ids.enabled);
    expect(created?.template).to.deep.equal({ id: ids.enabled, subject: SUBJECT });
    for (const [id, message] of [
      [ids.globex, /Request template not found/],
      [ids.disabled, /Request template is disabled/],
    ] as const) {
      const p = (await acme.data(CREATE, { input: { ...base, templateId: id } })).requestCreate;
      expect(p.request).to.equal(null);
      expect(p.errors.map((e: { path: string[] }) => e.path.join("."))).to.deep.equal(["templateId"]);
      expect(p.errors[0].message).to.match(message);
    }
  });
});
