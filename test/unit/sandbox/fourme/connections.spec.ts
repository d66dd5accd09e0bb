import { expect } from "chai";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, SMALL_SEED, withSim, type Client } from "./helpers.js";

describe("4me simulator connections, filters and views", () => {
  let sim: FourMeSimulator;
  let acme: Client;
  before(async () => {
    sim = await withSim();
    sim.seedAccount("acme", {
      ...SMALL_SEED,
      cis: Array.from({ length: 130 }, (_, i) => ({
        name: `PC-${String(i).padStart(3, "0")}`,
        serialNr: `SN${i}`,
        brand: "Dell",
        model: "Latitude 7440",
        status: i % 10 === 0 ? "removed" : "in_production",
      })),
    });
    sim.seedAccount("globex", {
      people: [{ name: "Other", primaryEmail: "jane.doe@example.com" }],
      products: [],
      cis: [],
    });
    acme = await clientFor(sim, "acme");
  });
  after(() => sim.close());

  it("requires first or last between 1 and 100 on every connection", async () => {
    for (const args of ["first: 0", "first: 101", "last: 0", "last: 101", ""]) {
      const r = await acme.gql(`{ configurationItems${args ? `(${args})` : ""} { nodes { id } } }`);
      expect(r.body.errors, args).to.have.length(1);
      expect(r.body.errors![0].message).to.match(/first|last/);
    }
    const nested = await acme.gql(`{ configurationItems(first: 1) { nodes { users { nodes { id } } } } }`);
    expect(nested.body.errors![0].message).to.match(/users/);
    expect((await acme.gql(`{ configurationItems(first: 100) { nodes { id } } }`)).body.errors).to.equal(undefined);
    expect((await acme.gql(`{ configurationItems(last: 1) { nodes { id } } }`)).body.errors).to.equal(undefined);
  });

  it("pages with after/endCursor until hasNextPage is false, with totalCount", async () => {
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const d: {
        configurationItems: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          nodes: { name: string }[];
        };
      } = await acme.data(
        `query($after: String) { configurationItems(first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }`,
        { after },
      );
      expect(d.configurationItems.totalCount).to.equal(130);
      names.push(...d.configurationItems.nodes.map((n) => n.name));
      if (!d.configurationItems.pageInfo.hasNextPage) break;
      after = d.configurationItems.pageInfo.endCursor;
    }
    expect(names).to.have.length(130);
    expect(new Set(names).size).to.equal(130);
  });

  it("filters on values, negate, and empty values", async () => {
    const removed = await acme.data(
      `{ configurationItems(first: 100, filter: { status: { values: [removed] } }) { totalCount } }`,
    );
    expect(removed.configurationItems.totalCount).to.equal(13);
    const active = await acme.data(
      `{ configurationItems(first: 100, filter: { status: { values: [removed], negate: true } }) { totalCount } }`,
    );
    expect(active.configurationItems.totalCount).to.equal(117);
    const noSource = await acme.data(
      `{ configurationItems(first: 1, filter: { sourceID: { values: [] } }) { totalCount } }`,
    );
    expect(noSource.configurationItems.totalCount).to.equal(130);
    const withSource = await acme.data(
      `{ configurationItems(first: 1, filter: { sourceID: { values: [], negate: true } }) { totalCount } }`,
    );
    expect(withSource.configurationItems.totalCount).to.equal(0);
    const serial = await acme.data(
      `{ configurationItems(first: 10, filter: { serialNr: { values: ["sn7", "SN8 "] } }) { nodes { name } } }`,
    );
    expect(serial.configurationItems.nodes.map((n: { name: string }) => n.name)).to.deep.equal(["PC-007", "PC-008"]);
  });

  it("filters people on primaryEmail, authenticationID and disabled", async () => {
    const q = `query($v: [String!]!) { people(first: 10, view: all, filter: { primaryEmail: { values: $v }, disabled: false }) { nodes { name } } }`;
    const d = await acme.data(q, { v: ["jane.doe@example.com", "gone@example.com"] });
    expect(d.people.nodes.map((n: { name: string }) => n.name)).to.deep.equal(["Jane Doe"]);
    const auth = await acme.data(
      `{ people(first: 1, filter: { authenticationID: { values: ["jane@corp"] } }) { nodes { name } } }`,
    );
    expect(auth.people.nodes[0].name).to.equal("Jane Doe");
  });

  it("keeps customers apart, and view all adds the directory account's people", async () => {
    const q = `{ people(first: 10, view: all, filter: { primaryEmail: { values: ["jane.doe@example.com"] } }) { nodes { name } } }`;
    expect((await acme.data(q)).people.nodes.map((n: { name: string }) => n.name)).to.deep.equal(["Jane Doe"]);
    const globex = await clientFor(sim, "globex");
    expect((await globex.data(q)).people.nodes.map((n: { name: string }) => n.name)).to.deep.equal(["Other"]);
    expect(
      (await globex.data(`{ configurationItems(first: 1) { totalCount } }`)).configurationItems.totalCount,
    ).to.equal(0);
    sim.setDirectoryAccount("globex", "acme");
    const all = await globex.data(q);
    expect(all.people.nodes.map((n: { name: string }) => n.name)).to.deep.equal(["Jane Doe", "Other"]);
    const current = await globex.data(q.replace("view: all", "view: current_account"));
    expect(current.people.nodes).to.have.length(1);
  });

  it("hides another account's record from node(id)", async () => {
    const id = (await acme.data(`{ configurationItems(first: 1) { nodes { id } } }`)).configurationItems.nodes[0].id;
    expect((await acme.data(`query($id: ID!) { node(id: $id) { id } }`, { id })).node.id).to.equal(id);
    const globex = await clientFor(sim, "globex");
    expect((await globex.data(`query($id: ID!) { node(id: $id) { id } }`, { id })).node).to.equal(null);
  });

  it("refuses a filter field the sandbox does not implement instead of ignoring it", async () => {
    const r = await acme.gql(
      `{ configurationItems(first: 1, filter: { contract: { values: ["x"] } }) { totalCount } }`,
    );
    expect(r.body.errors![0].message).to.match(/does not support filtering configurationItems on `contract`/);
  });

  it("orders by the requested field and direction", async () => {
    const d = await acme.data(
      `{ configurationItems(first: 2, order: [{ field: name, direction: desc }]) { nodes { name } } }`,
    );
    expect(d.configurationItems.nodes.map((n: { name: string }) => n.name)).to.deep.equal(["PC-129", "PC-128"]);
  });

  it("uses opaque base64 node ids naming the domain, type and number", async () => {
    const id = (await acme.data(`{ configurationItems(first: 1) { nodes { id } } }`)).configurationItems.nodes[0]
      .id as string;
    expect(Buffer.from(id, "base64url").toString()).to.match(/^4me\.com\/Ci\/\d+$/);
  });
});
