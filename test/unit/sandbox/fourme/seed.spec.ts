import { expect } from "chai";
import type { FourMeSeed as FleetFourMeSeed } from "../../../../src/sandbox/fleet/types.js";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, withSim } from "./helpers.js";

describe("4me simulator seeding", () => {
  let sim: FourMeSimulator;
  before(async () => {
    sim = await withSim();
  });
  after(() => sim.close());

  it("accepts the fleet generator's seed and serves it through GraphQL", async () => {
    // Typed as the fleet generator's FourMeSeed: the compiler checks the two shapes stay compatible.
    const seed: FleetFourMeSeed = {
      people: [
        { name: "Jane Doe", primaryEmail: "jane@example.com", authenticationID: "jane" },
        { name: "Old", primaryEmail: "old@example.com", disabled: true },
      ],
      teams: [{ name: "Endpoint Team" }],
      serviceInstances: [{ name: "Windows laptops" }],
      products: [
        {
          brand: "HP",
          model: "EliteBook 840 G9",
          name: "HP EliteBook 840 G9",
          categoryReference: "laptop",
          categoryName: "Laptop",
        },
      ],
      cis: [
        { name: "PC-1", serialNr: "5CG1", brand: "HP", model: "EliteBook 840 G9", status: "in_production" },
        { name: "PC-2", serialNr: "5CG1", brand: "HP", model: "EliteBook 840 G9", status: "archived" },
        { name: "PHONE", serialNr: "F2L", brand: "Apple", model: "iPhone 15", status: "in_production" },
      ],
    };
    const result = sim.seedAccount("acme", seed);
    expect(result.ciIds).to.have.length(3);
    expect(Object.keys(result.serviceInstanceIds)).to.deep.equal(["Windows laptops"]);
    const c = await clientFor(sim, "acme");
    const d = await c.data(`{
      configurationItems(first: 10, filter: { serialNr: { values: ["5cg1"] } }) { nodes { name status supportTeam { name } product { name productCategory { reference ruleSet } } } }
      people(first: 10, filter: { disabled: false, primaryEmail: { values: [], negate: true } }) { nodes { name authenticationID } }
      serviceInstances(first: 10) { nodes { name status supportTeam { name } } }
    }`);
    expect(d.configurationItems.nodes).to.deep.equal([
      {
        name: "PC-1",
        status: "in_production",
        supportTeam: { name: "Endpoint Team" },
        product: { name: "HP EliteBook 840 G9", productCategory: { reference: "laptop", ruleSet: "physical_asset" } },
      },
      {
        name: "PC-2",
        status: "archived",
        supportTeam: { name: "Endpoint Team" },
        product: { name: "HP EliteBook 840 G9", productCategory: { reference: "laptop", ruleSet: "physical_asset" } },
      },
    ]);
    expect(d.people.nodes).to.deep.equal([{ name: "Jane Doe", authenticationID: "jane" }]);
    expect(d.serviceInstances.nodes).to.deep.equal([
      { name: "Windows laptops", status: "in_production", supportTeam: { name: "Endpoint Team" } },
    ]);
    // A CI whose product was not in the seed gets one in a fallback category.
    expect(sim.inspect.products("acme").map((p) => p.name)).to.deep.equal(["HP EliteBook 840 G9", "Apple iPhone 15"]);
  });

  it("gives an account with no seeded teams a Workplace Support team", () => {
    const r = sim.seedAccount("globex", { people: [], products: [], cis: [] });
    expect(sim.accounts.teams.get(r.supportTeamId)!.name).to.equal("Workplace Support");
  });
});
