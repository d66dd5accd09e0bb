// The "CIs without a service instance" count the alerts pass writes to the app instance: one counting query
// (src/fourme/operations/ConfigurationItemsWithoutServiceInstanceCount.graphql) through the CustomerApi, against the
// simulated 4me. Empty `values` means "has none" also on a list reference (a CI's service instances), and `negate`
// on the inactive statuses leaves the active CIs.
import { expect } from "chai";
import type { CustomerApi } from "../../../../src/fourme/customer-api.js";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { customerApiOn as customerApi } from "../../../helpers/sim-customer-api.js";
import { clientFor, SMALL_SEED, withSim, type Client } from "./helpers.js";

describe("CustomerApi.countCisWithoutServiceInstance on the simulated 4me", () => {
  let sim: FourMeSimulator;
  let acme: Client;
  let api: CustomerApi;
  let productId: string;
  let laptops: string;
  let ours: string[];
  const count = async (filter: string) =>
    (await acme.data(`{ configurationItems(first: 1, filter: { ${filter} }) { totalCount } }`)).configurationItems
      .totalCount as number;

  before(async () => {
    sim = await withSim();
    const seeded = sim.seedAccount("acme", {
      ...SMALL_SEED,
      serviceInstances: [{ name: "Laptops" }, { name: "Desktops" }],
    });
    const globexProduct = sim.seedAccount("globex", { ...SMALL_SEED, cis: [] }).productIds[0];
    productId = seeded.productIds[0];
    laptops = seeded.serviceInstanceIds["Laptops"];
    const desktops = seeded.serviceInstanceIds["Desktops"];
    api = await customerApi(sim, "acme");
    acme = await clientFor(sim, "acme");
    const ci = (i: number, extra: Record<string, unknown> = {}) => ({
      productId,
      status: "in_production" as const,
      name: `PC-${i}`,
      sourceID: `dev-${i}`,
      ...extra,
    });
    // Ours: 4 active without a service instance, 1 with one, 1 with two, 2 inactive without one.
    ours = [];
    for (const input of [
      ci(1),
      ci(2),
      ci(3, { status: "in_stock" }),
      ci(4, { status: "broken_down" }),
      ci(5, { serviceInstanceIds: [laptops] }),
      ci(6, { serviceInstanceIds: [laptops, desktops] }),
      ci(7, { status: "removed" }),
      ci(8, { status: "archived" }),
    ])
      ours.push((await api.createCi(input)).id);
    // Not ours: another source, and our source in another account.
    await api.createCi(ci(9, { source: "Lansweeper", sourceID: "ls-9" }));
    const globex = await customerApi(sim, "globex");
    await globex.createCi({ ...ci(10), productId: globexProduct });
  });
  after(() => sim.close());

  it("reads empty values on the service instances as 'has none' and negated empty values as 'has one'", async () => {
    // 10 CIs in acme: ours (8), the Lansweeper one, and SMALL_SEED's own CI (no source, no service instance).
    expect(await count(`serviceInstance: { values: [] }`)).to.equal(8);
    expect(await count(`serviceInstance: { values: [], negate: true }`)).to.equal(2);
    expect(await count(`serviceInstance: { values: ["${laptops}"] }`)).to.equal(2);
    expect(await count(`serviceInstance: { values: ["${laptops}"], negate: true }`)).to.equal(8);
    expect(
      await count(
        `source: { values: ["Intune"] } status: { values: [archived, to_be_removed, lost_or_stolen, removed], negate: true }`,
      ),
    ).to.equal(6);
  });

  it("counts our active CIs without a service instance in one request, and one less once one is linked", async () => {
    sim.resetStats();
    expect(await api.countCisWithoutServiceInstance()).to.equal(4);
    expect(sim.stats().byOperation).to.deep.equal({ ConfigurationItemsWithoutServiceInstanceCount: 1 });

    await api.updateCi(ours[0], { serviceInstanceIds: [laptops] });
    expect(await api.countCisWithoutServiceInstance()).to.equal(3);
    await api.updateCi(ours[1], { status: "archived" });
    expect(await api.countCisWithoutServiceInstance()).to.equal(2);
    await api.updateCi(ours[6], { status: "in_production" });
    expect(await api.countCisWithoutServiceInstance()).to.equal(3);
  });
});
