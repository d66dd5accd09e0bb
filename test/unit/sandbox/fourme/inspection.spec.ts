import { expect } from "chai";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, SMALL_SEED, withSim, type Client, type Json } from "./helpers.js";

const get = async (sim: FourMeSimulator, path: string) => {
  const res = await fetch(`${sim.url}${path}`);
  return { status: res.status, total: res.headers.get("x-total-count"), body: (await res.json()) as Json };
};
const post = async (sim: FourMeSimulator, path: string, body: unknown = {}) =>
  (
    await fetch(`${sim.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    })
  ).json() as Promise<Json>;

describe("4me simulator inspection API and request counting", () => {
  let sim: FourMeSimulator;
  let acme: Client;
  before(async () => {
    sim = await withSim();
    sim.seedAccount("acme", SMALL_SEED);
    acme = await clientFor(sim, "acme");
  });
  after(() => sim.close());

  it("counts every request by operation name, root query field and mutation", async () => {
    sim.resetStats();
    await acme.gql(`query Cis { configurationItems(first: 1) { totalCount } people(first: 1) { totalCount } }`);
    await acme.gql(`query Cis { configurationItems(first: 1) { totalCount } }`);
    const pid = sim.inspect.products("acme")[0].id;
    const create = `mutation Two($p: ID!) { a: configurationItemCreate(input: { productId: $p, status: in_production, name: "A" }) { errors { message } } b: configurationItemCreate(input: { productId: $p, status: in_production, name: "B" }) { errors { message } } }`;
    await acme.gql(create, { p: pid });
    await acme.gql(`{ me { id } }`);
    await acme.gql(`not graphql`);
    const s = sim.stats();
    expect(s.total).to.equal(5);
    expect(s.byOperation).to.deep.equal({ Cis: 2, Two: 1, "(anonymous)": 1, "(invalid)": 1 });
    expect(s.byQueryField).to.deep.equal({ configurationItems: 2, people: 1, me: 1 });
    expect(s.byMutation).to.deep.equal({ configurationItemCreate: 2 });
    expect(s.mutations).to.equal(2);
    expect(s.byAccount.acme).to.equal(5);
    const viaHttp = await get(sim, "/_sandbox/stats");
    expect(viaHttp.body.byMutation).to.deep.equal({ configurationItemCreate: 2 });
    expect((await post(sim, "/_sandbox/stats/reset")).total).to.equal(0);
  });

  it("lists CIs, products, categories, people, teams and requests with references resolved", async () => {
    const cis = await get(sim, "/_sandbox/accounts/acme/cis?limit=1");
    expect(cis.total).to.equal("3");
    expect(cis.body).to.have.length(1);
    expect(cis.body[0]).to.deep.include({ name: "OLD-LAPTOP-1", serialNr: "5CG1234XYZ" });
    expect(cis.body[0].product).to.deep.include({ brand: "Dell", model: "Latitude 7440" });
    expect(cis.body[0].category).to.deep.include({ reference: "laptop", ruleSet: "physical_asset" });
    expect((await get(sim, "/_sandbox/accounts/acme/products")).body[0].category.reference).to.equal("laptop");
    expect((await get(sim, "/_sandbox/accounts/acme/categories")).body.map((c: Json) => c.reference)).to.deep.equal([
      "laptop",
    ]);
    expect((await get(sim, "/_sandbox/accounts/acme/people")).body.map((p: Json) => p.primaryEmail)).to.include(
      "jane.doe@example.com",
    );
    expect((await get(sim, "/_sandbox/accounts/acme/teams")).body[0].name).to.equal("Workplace Support");
    expect((await get(sim, "/_sandbox/accounts/acme/requests")).body).to.deep.equal([]);
    expect((await get(sim, "/_sandbox/accounts")).body.map((a: Json) => a.id)).to.include.members(["wdc", "acme"]);
  });

  it("lists UI extensions with their versions and app offerings", async () => {
    await acme.data(
      `mutation { uiExtensionCreate(input: { name: "X", category: product, html: "<input id='a'>", activate: true }) { uiExtension { id } } }`,
    );
    const ext = (await get(sim, "/_sandbox/accounts/acme/ui-extensions")).body[0];
    expect(ext.activeVersion).to.deep.include({ versionNr: 1, status: "active", html: "<input id='a'>" });
    const again = await acme.data(
      `mutation($id: ID!) { uiExtensionUpdate(input: { id: $id, html: "<input id='b'>", activate: true }) { uiExtension { activeVersion { versionNr html } } } }`,
      { id: ext.id },
    );
    expect(again.uiExtensionUpdate.uiExtension.activeVersion).to.deep.equal({ versionNr: 2, html: "<input id='b'>" });
    expect(sim.inspect.uiExtensions("acme")[0].versions.map((v) => v.status)).to.deep.equal(["archived", "active"]);
    expect((await get(sim, "/_sandbox/app-offerings")).body[0].reference).to.equal(sim.offeringReference);
  });

  it("switches the discovery delay, rate limits and token expiry over HTTP", async () => {
    expect(await post(sim, "/_sandbox/discovery-delay", { ms: 5 })).to.deep.equal({ ms: 5 });
    expect(
      (
        await fetch(`${sim.url}/_sandbox/discovery-delay`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: "{}",
        })
      ).status,
    ).to.equal(400);
    expect((await post(sim, "/_sandbox/rate-limits", { requestsPerHour: 10 })).requestsPerHour).to.equal(10);
    expect((await acme.gql(`{ me { id } }`)).headers.get("x-ratelimit-limit")).to.equal("10");
    await post(sim, "/_sandbox/rate-limits", { requestsPerHour: 3600 });
    await post(sim, "/_sandbox/tokens/expire");
    expect((await acme.gql(`{ me { id } }`)).status).to.equal(401);
  });
});
