import { expect } from "chai";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, SMALL_SEED, withSim } from "./helpers.js";

describe("4me simulator smoke", () => {
  let sim: FourMeSimulator;
  before(async () => {
    sim = await withSim();
    sim.seedAccount("acme", SMALL_SEED);
  });
  after(() => sim.close());

  it("serves seeded CIs through GraphQL", async () => {
    const c = await clientFor(sim, "acme");
    const d = await c.data(
      `{ configurationItems(first: 10) { totalCount nodes { id name serialNr product { brand model productCategory { reference } } supportTeam { name } } } }`,
    );
    expect(d.configurationItems.totalCount).to.equal(1);
    expect(d.configurationItems.nodes[0].product.productCategory.reference).to.equal("laptop");
  });
});
