import { expect } from "chai";
import { graphqlServer, page, testClients, tokenEndpoint } from "./helpers.js";

const creds = { clientId: "cid", clientSecret: "x" };

async function setup(handlers: Parameters<typeof graphqlServer>[1]) {
  const { clients, graphql, oauth } = testClients("4me.com");
  tokenEndpoint(oauth);
  const server = graphqlServer(graphql, handlers);
  return { api: await clients.customer("widget", creds), server };
}

const ciNode = (id: string, serialNr: string) => ({
  id,
  name: `PC-${id}`,
  label: null,
  serialNr,
  systemID: null,
  source: null,
  sourceID: null,
  status: "in_production",
  lastSeenAt: null,
  inUseSince: null,
  ramAmount: null,
  remarks: null,
  updatedAt: null,
  product: null,
  supportTeam: null,
  users: { nodes: [] },
  serviceInstances: { nodes: [] },
  customFields: [],
});

/** Answers a wide query: each included list vN (or sN) through `answer`. */
function wide(prefix: string, answer: (values: string[], list: number) => unknown) {
  return (v: Record<string, unknown>) => {
    const data: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++)
      if (v[`i${i}`] === true) data[`${prefix}${i}`] = answer(v[`${prefix}${i}`] as string[], i);
    return data;
  };
}

describe("CustomerApi wide lookups", () => {
  it("prefetches 2,500 people in 3 e-mail requests of ten lists and 1 authentication-id request for the rest", async () => {
    const { api, server } = await setup({
      PeopleByPrimaryEmails: wide("v", (values) => ({
        nodes: values.filter((e) => !e.startsWith("ext")).map((e) => ({ id: `P-${e.toLowerCase()}`, primaryEmail: e })),
      })),
      PeopleByAuthenticationIDs: wide("v", (values) => ({
        nodes: values.filter((e) => e.startsWith("ext1")).map((e) => ({ id: `A-${e}`, authenticationID: e })),
      })),
    });
    const emails = Array.from({ length: 2500 }, (_, i) =>
      i % 50 === 0 ? `ext${i}@contoso.com` : `User${i}@contoso.com`,
    );
    await api.prefetchPeople([...emails, "user1@CONTOSO.com", " "]);

    const byEmail = server.of("PeopleByPrimaryEmails");
    expect(byEmail).to.have.length(3);
    expect(byEmail.map((c) => Object.keys(c.variables).filter((k) => c.variables[k] === true).length)).to.deep.equal([
      10, 10, 5,
    ]);
    expect((byEmail[2].variables.v5 as string[]).length).to.equal(0);
    expect(byEmail[0].query)
      .to.match(/disabled: false/)
      .and.match(/view: all/);
    // Only the 50 addresses no primary e-mail matched are asked again, by authentication id.
    const byAuth = server.of("PeopleByAuthenticationIDs");
    expect(byAuth).to.have.length(1);
    expect(byAuth[0].variables.v0).to.have.length(50);

    const found = await api.findPeopleByEmails(["user1@contoso.com", "ext100@contoso.com", "ext50@contoso.com"]);
    expect(server.sent.filter((s) => s.operationName.startsWith("People"))).to.have.length(4);
    expect(Object.fromEntries(found)).to.deep.equal({
      "user1@contoso.com": "P-user1@contoso.com",
      "ext100@contoso.com": "A-ext100@contoso.com",
    });
  });

  it("finds CIs for 1,050 serials in 2 requests, reading a full list on page by page", async () => {
    const { api, server } = await setup({
      ConfigurationItemsBySerials: wide("s", (values, list) =>
        list === 3
          ? page([ciNode(`CI-${values[0]}`, values[0])], true, "cursor-1")
          : page([ciNode(`CI-${values[0]}`, values[0])]),
      ),
      ConfigurationItemsBySerial: (v) => ({
        configurationItems: page([ciNode(`CI-more-${String(v.after)}`, "S")]),
      }),
    });
    const serials = Array.from({ length: 1050 }, (_, i) => `S${i}`);
    const cis = await api.findCisBySerials([...serials, "S1", ""]);

    expect(server.of("ConfigurationItemsBySerials")).to.have.length(2);
    expect(server.of("ConfigurationItemsBySerials")[0].variables.s0).to.have.length(100);
    expect(server.of("ConfigurationItemsBySerials")[1].variables).to.include({ i0: true, i1: false });
    const more = server.of("ConfigurationItemsBySerial");
    expect(more).to.have.length(1);
    expect(more[0].variables).to.deep.include({ after: "cursor-1" });
    expect(more[0].variables.serialNrs).to.deep.equal(serials.slice(300, 400));
    expect(cis.map((c) => c.id)).to.include.members(["CI-S0", "CI-S300", "CI-more-cursor-1", "CI-S1000"]);
    expect(cis).to.have.length(12);
  });

  it("writes 25 CI updates in 3 requests, and a group 4me refuses in part one update at a time", async () => {
    const { api, server } = await setup({
      ConfigurationItemUpdates: (v, call) => {
        const data: Record<string, unknown> = {};
        for (let i = 0; i < 10; i++) {
          if (v[`i${i}`] !== true) continue;
          const input = v[`u${i}`] as { id: string };
          data[`u${i}`] =
            call === 2 && i === 3
              ? { errors: [{ path: ["sourceID"], message: "has already been taken" }], configurationItem: null }
              : { errors: [], configurationItem: { id: input.id } };
        }
        return data;
      },
      ConfigurationItemUpdate: (v) => {
        const input = v.input as { id: string };
        return input.id === "CI13"
          ? {
              configurationItemUpdate: {
                errors: [{ path: ["sourceID"], message: "has already been taken" }],
                configurationItem: null,
              },
            }
          : { configurationItemUpdate: { errors: [], configurationItem: ciNode(input.id, "S") } };
      },
    });
    const updates = Array.from({ length: 25 }, (_, i) => ({
      id: `CI${i}`,
      patch: { source: "Intune", sourceID: `d${i}` },
    }));
    const outcomes = await api.updateCis(updates);

    expect(server.of("ConfigurationItemUpdates")).to.have.length(3);
    expect(server.of("ConfigurationItemUpdates")[2].variables).to.deep.include({ i4: true, i5: false, u5: { id: "" } });
    // The second group had a refusal: its ten updates went again one by one; only CI13 failed.
    expect(server.of("ConfigurationItemUpdate")).to.have.length(10);
    expect(outcomes.map((o) => o.update.id)).to.deep.equal(updates.map((u) => u.id));
    expect(outcomes.filter((o) => o.error).map((o) => [o.update.id, o.error])).to.deep.equal([
      ["CI13", "configurationItemUpdate: sourceID: has already been taken"],
    ]);
  });

  it("finds our products and those of the brands and models in one request, reading a full page on", async () => {
    const product = (id: string, brand: string, model: string, source: string | null = null) => ({
      id,
      name: `${brand} ${model}`,
      brand,
      model,
      productID: null,
      disabled: false,
      source,
      sourceID: source ? `${brand}_${model}` : null,
      productCategory: null,
      supportTeam: null,
      uiExtension: null,
    });
    const { api, server } = await setup({
      ProductsForReuse: () => ({
        ours: page([product("PR1", "Dell", "Latitude 5440", "Intune")]),
        byModel: page([product("PR2", "Dell", "OptiPlex 7010"), product("PR3", "HP", "Latitude 5440")], true, "c1"),
      }),
      ProductsByModel: () => ({ products: page([product("PR4", "hp ", "elitebook 840")]) }),
    });
    const found = await api.findProductsForReuse(
      ["Dell_Latitude 5440", "Dell_OptiPlex 7010"],
      ["Latitude 5440", "OptiPlex 7010", "EliteBook 840", "Latitude 5440"],
    );
    expect(server.of("ProductsForReuse")).to.have.length(1);
    expect(server.of("ProductsForReuse")[0].variables).to.deep.include({
      source: "Intune",
      models: ["Latitude 5440", "OptiPlex 7010", "EliteBook 840"],
    });
    expect(server.of("ProductsByModel")[0].variables).to.deep.include({ after: "c1" });
    expect(found.ours.map((p) => p.id)).to.deep.equal(["PR1"]);
    // Every brand of the models asked for: the run compares makes and models itself.
    expect(found.byModel.map((p) => p.id)).to.deep.equal(["PR2", "PR3", "PR4"]);
  });
});
