import { expect } from "chai";
import nock from "nock";
import { AppError, UpstreamError } from "../../../src/errors.js";
import { FourMeCredentialsError } from "../../../src/fourme/token-cache.js";
import type { DiscoveredCi, DiscoveredUpload } from "../../../src/fourme/types.js";
import { graphqlServer, page, testClients, tokenEndpoint } from "./helpers.js";

const creds = { clientId: "cid", clientSecret: "x" };
const failure = (e: unknown) => e;

async function setup(handlers: Parameters<typeof graphqlServer>[1], options: Parameters<typeof testClients>[1] = {}) {
  const { clients, clock, graphql, oauth } = testClients("4me.com", options);
  tokenEndpoint(oauth);
  const server = graphqlServer(graphql, handlers);
  return { api: await clients.customer("widget", creds), server, clock, clients };
}

const ciNode = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  name: `PC-${id}`,
  label: null,
  serialNr: null,
  systemID: null,
  source: "Intune",
  sourceID: `dev-${id}`,
  status: "in_production",
  lastSeenAt: null,
  inUseSince: null,
  ramAmount: null,
  remarks: null,
  updatedAt: null,
  product: null,
  supportTeam: null,
  users: { nodes: [{ id: "P1" }] },
  serviceInstances: { nodes: [] },
  customFields: [],
  ...over,
});

const upload = (n: number): Omit<DiscoveredUpload, "source"> => ({
  categories: [
    {
      reference: "laptop",
      name: "Laptop",
      products: [
        {
          sourceID: "dell_latitude_7440",
          name: "Dell Latitude 7440",
          brand: "Dell",
          model: "Latitude 7440",
          strategy: "CREATE",
          configurationItems: Array.from({ length: n }, (_, i): DiscoveredCi => ({
            sourceID: `dev-${i}`,
            name: `PC-${i}`,
            status: "in_production",
            strategy: "UPDATE",
          })),
        },
      ],
    },
  ],
});

describe("CustomerApi", () => {
  describe("people", () => {
    it("looks up 250 e-mails in 3 calls of at most 100, by primary e-mail then authentication id, and caches them", async () => {
      const { api, server } = await setup({
        PeopleByIdentifiers: (v) => {
          const values = v.values as string[];
          return {
            byPrimaryEmail: {
              nodes: values
                .filter((e) => e.startsWith("user1"))
                .map((e) => ({ id: `P-${e.toLowerCase()}`, primaryEmail: e.toLowerCase() })),
            },
            byAuthenticationID: {
              nodes: values
                .filter((e) => e.startsWith("user1") || e.startsWith("user2"))
                .map((e) => ({ id: `A-${e.toLowerCase()}`, authenticationID: e })),
            },
          };
        },
      });
      const emails = Array.from({ length: 250 }, (_, i) => `User${i}@Contoso.com`.replace("User", "user"));
      const found = await api.findPeopleByEmails([...emails, "USER1@contoso.com", "  "]);

      const calls = server.of("PeopleByIdentifiers");
      expect(calls.map((c) => (c.variables.values as string[]).length)).to.deep.equal([100, 100, 50]);
      expect(calls[0].query)
        .to.match(/view: all/)
        .and.match(/disabled: false/);
      // primaryEmail wins over authenticationID; authenticationID is the fallback; keys are lower-cased.
      expect(found.get("user1@contoso.com")).to.equal("P-user1@contoso.com");
      expect(found.get("user2@contoso.com")).to.equal("A-user2@contoso.com");
      expect(found.has("user3@contoso.com")).to.equal(false);

      await api.findPeopleByEmails(emails.slice(0, 50));
      expect(server.of("PeopleByIdentifiers")).to.have.length(3);
    });
  });

  describe("discovered CI upload", () => {
    it("submits the batch and polls resultUrl with backoff until it holds the result", async () => {
      const resultUrl = "https://results.example.com/aq/1.json";
      let polls = 0;
      nock("https://results.example.com")
        .persist()
        .get("/aq/1.json")
        .reply(() => {
          polls++;
          if (polls === 1) return [200, ""];
          if (polls === 2) return [200, "{}"];
          return [
            200,
            {
              data: {
                discoveredConfigurationItems: {
                  errors: [
                    {
                      path: ["physicalAssets", "0", "products", "0", "configurationItems", "1"],
                      message: "Serial number has already been taken",
                    },
                  ],
                  asyncQuery: { id: "AQ1", status: "completed", resultUrl, errorCount: 1, resultCount: 1 },
                  configurationItems: [
                    { id: "CI0", sourceID: "dev-0", serialNr: null, status: "in_production", product: { id: "PR1" } },
                  ],
                },
              },
            },
          ];
        });
      const { api, server, clock, clients } = await setup({
        DiscoveredConfigurationItems: () => ({
          discoveredConfigurationItems: {
            errors: [],
            asyncQuery: { id: "AQ1", status: "queued", resultUrl, errorCount: null, resultCount: null },
            configurationItems: null,
          },
        }),
      });
      const result = await api.uploadDiscovered(upload(2));

      expect(result).to.deep.equal({
        items: [{ id: "CI0", sourceID: "dev-0", serialNr: undefined, status: "in_production", productId: "PR1" }],
        errors: [
          {
            path: ["physicalAssets", "0", "products", "0", "configurationItems", "1"],
            message: "Serial number has already been taken",
          },
        ],
        errorCount: 1,
      });
      expect(polls).to.equal(3);
      expect(clock.sleeps).to.deep.equal([500, 750, 1125]);
      const input = server.of("DiscoveredConfigurationItems")[0].variables.input as Record<string, unknown>;
      expect(input.source).to.equal("Intune");
      expect(JSON.stringify(input)).to.include('"meta":{"strategy":"UPDATE"}');
      expect(clients.stats.count("asyncQuery.resultUrl")).to.equal(3);
    });

    it("learns over a run's batches to read a result early when 4me has it at once, and falls back to the schedule", async () => {
      let notReady = 0;
      let reads = 0;
      const resultUrl = "https://results.example.com/aq/3.json";
      nock("https://results.example.com")
        .persist()
        .get("/aq/3.json")
        .reply(() => {
          reads++;
          if (notReady > 0) {
            notReady--;
            return [200, "{}"];
          }
          return [200, { data: { discoveredConfigurationItems: { errors: [], configurationItems: [] } } }];
        });
      const { api, clock } = await setup({
        DiscoveredConfigurationItems: () => ({
          discoveredConfigurationItems: {
            errors: [],
            asyncQuery: { id: "AQ3", status: "queued", resultUrl, errorCount: null, resultCount: null },
            configurationItems: null,
          },
        }),
      });
      // Ready at every first read: each first wait is half the one before, down to 50 ms.
      for (let i = 0; i < 6; i++) await api.uploadDiscovered(upload(1));
      expect(clock.sleeps).to.deep.equal([500, 250, 125, 63, 50, 50]);
      expect(reads).to.equal(6);
      // Not ready at the early read: the next read is where the schedule had it (500 ms), then the pace resets.
      clock.sleeps.length = 0;
      notReady = 1;
      await api.uploadDiscovered(upload(1));
      await api.uploadDiscovered(upload(1));
      expect(clock.sleeps).to.deep.equal([50, 450, 500]);
      expect(reads).to.equal(9);
      // Slower: one early read (at 250 ms, learnt from the batch before), then the schedule's reads at 500 and
      // 1,250 ms; the next batch reads at 500 ms first, as without learning.
      clock.sleeps.length = 0;
      notReady = 2;
      await api.uploadDiscovered(upload(1));
      await api.uploadDiscovered(upload(1));
      expect(clock.sleeps).to.deep.equal([250, 250, 750, 500]);
    });

    it("refuses more than 100 CIs in one upload before calling 4me", async () => {
      const { api, server } = await setup({});
      const err = await api.uploadDiscovered(upload(101)).then(undefined, failure);
      expect(err).to.be.instanceOf(AppError);
      expect((err as Error).message).to.include("at most 100");
      expect(server.sent).to.have.length(0);
    });

    it("stops waiting after the bounded total wait", async () => {
      nock("https://results.example.com").persist().get("/aq/2.json").reply(200, "{}");
      const { api, clock } = await setup(
        {
          DiscoveredConfigurationItems: () => ({
            discoveredConfigurationItems: {
              errors: null,
              asyncQuery: {
                id: "AQ2",
                status: "queued",
                resultUrl: "https://results.example.com/aq/2.json",
                errorCount: null,
                resultCount: null,
              },
              configurationItems: null,
            },
          }),
        },
        { customer: { discovery: { initialDelayMs: 1000, maxDelayMs: 1000, maxWaitMs: 5000 } } },
      );
      const err = await api.uploadDiscovered(upload(1)).then(undefined, failure);
      expect(err).to.be.instanceOf(UpstreamError);
      expect((err as Error).message).to.include("not ready after 5000 ms");
      expect(clock.sleeps).to.deep.equal([1000, 1000, 1000, 1000, 1000]);
    });
  });

  describe("CIs", () => {
    it("looks CIs up by sourceID in chunks of 100 and follows every page", async () => {
      const { api, server } = await setup({
        ConfigurationItemsBySource: (v) => {
          const ids = v.sourceIDs as string[];
          if (v.after === null || v.after === undefined) {
            return { configurationItems: page([ciNode(ids[0])], ids.length === 100, ids.length === 100 ? "c1" : null) };
          }
          return { configurationItems: page([ciNode(`${ids[0]}-p2`)]) };
        },
      });
      const ids = Array.from({ length: 150 }, (_, i) => `d${i}`);
      const cis = await api.findCisBySource([...ids, "d0"]);
      const calls = server.of("ConfigurationItemsBySource");
      expect(calls.map((c) => [(c.variables.sourceIDs as string[]).length, c.variables.after ?? null])).to.deep.equal([
        [100, null],
        [100, "c1"],
        [50, null],
      ]);
      expect(calls[0].variables.source).to.equal("Intune");
      expect(cis.map((c) => c.id)).to.deep.equal(["d0", "d0-p2", "d100"]);
      expect(cis[0]).to.include({ name: "PC-d0", status: "in_production", label: undefined });
      expect(cis[0].userIds).to.deep.equal(["P1"]);
    });
  });

  describe("products and categories", () => {
    it("keeps only the exact brand/model pairs, compared case-insensitively", async () => {
      const product = (id: string, brand: string, model: string) => ({
        id,
        name: `${brand} ${model}`,
        brand,
        model,
        productID: null,
        disabled: false,
        source: null,
        sourceID: null,
        productCategory: null,
        supportTeam: null,
        uiExtension: null,
      });
      const { api, server } = await setup({
        ProductsByModel: () => ({
          products: page([product("PR1", "Dell", "Latitude 7440"), product("PR3", "Dell Inc.", "Latitude 5540")]),
        }),
      });
      const found = await api.findProductsByModels(["Latitude 7440", "Latitude 5540", "Latitude 7440"]);
      // Any brand: the caller compares makes and models (Dell and Dell Inc. are one).
      expect(found.map((p) => p.id)).to.deep.equal(["PR1", "PR3"]);
      expect(server.of("ProductsByModel")).to.have.length(1);
      expect(server.of("ProductsByModel")[0].variables).to.deep.include({ models: ["Latitude 7440", "Latitude 5540"] });
    });

    it("leaves out the name lookup when only references are asked, and creates physical-asset categories", async () => {
      const category = {
        id: "PC1",
        name: "Laptop",
        group: "Computer",
        reference: "computer/laptop",
        ruleSet: "physical_asset",
        disabled: false,
      };
      const { api, server } = await setup({
        ProductCategoriesLookup: () => ({ byReference: { nodes: [category] } }),
        ProductCategoryCreate: () => ({ productCategoryCreate: { errors: [], productCategory: category } }),
      });
      const found = await api.findCategories({ references: ["computer/laptop"] });
      expect(found.map((c) => c.reference)).to.deep.equal(["computer/laptop"]);
      expect(server.of("ProductCategoriesLookup")[0].variables).to.include({ withReferences: true, withNames: false });
      await api.createCategory({ name: "Laptop", group: "Computer" });
      const create = server.of("ProductCategoryCreate")[0];
      expect(create.query).to.include("$ruleSet: ProductCategoryRuleSet! = physical_asset");
      expect(create.variables).to.deep.equal({ name: "Laptop", group: "Computer", source: "Intune" });
    });
  });

  describe("requests", () => {
    const request = (over: Record<string, unknown> = {}) => ({
      id: "R1",
      requestId: "70454",
      subject: "s",
      status: "assigned",
      category: "incident",
      impact: "low",
      source: "Intune",
      sourceID: "dev-1",
      createdAt: null,
      completedAt: null,
      requestedFor: null,
      serviceInstance: null,
      team: null,
      member: null,
      configurationItems: { nodes: [{ id: "CI1" }] },
      ...over,
    });

    it("finds open requests by source, creates one, adds a note and completes it", async () => {
      const { api, server } = await setup({
        RequestsBySource: () => ({ requests: page([request(), request({ id: "R0", status: "completed" })]) }),
        RequestCreate: () => ({ requestCreate: { errors: [], request: request() } }),
        NoteCreate: () => ({ noteCreate: { errors: [], note: { id: "N1", createdAt: null } } }),
        RequestUpdate: () => ({ requestUpdate: { errors: [], request: request({ status: "completed" }) } }),
      });
      const open = await api.findOpenRequestsBySource(["dev-1"]);
      expect(open.map((r) => r.id)).to.deep.equal(["R1"]);
      expect(open[0].ciIds).to.deep.equal(["CI1"]);

      await api.createRequest({
        subject: "Intune compliance: PC-1 is noncompliant",
        category: "incident",
        impact: "low",
        sourceID: "dev-1",
        configurationItemIds: ["CI1"],
      });
      expect(server.of("RequestCreate")[0].variables.input).to.include({
        source: "Intune",
        sourceID: "dev-1",
        category: "incident",
      });

      await api.addNote("R1", "Firewall now fails too", { internal: false });
      expect(server.of("NoteCreate")[0].variables.input).to.deep.equal({
        ownerId: "R1",
        text: "Firewall now fails too",
        internal: false,
      });

      const done = await api.completeRequest("R1", "The device is compliant again.");
      expect(done.status).to.equal("completed");
      expect(server.of("RequestUpdate")[0].variables.input).to.deep.equal({
        id: "R1",
        status: "completed",
        completionReason: "solved",
        note: "The device is compliant again.",
      });
    });
  });

  describe("CI UI extension", () => {
    const ext = (html: string) => ({
      id: "UE1",
      name: "Microsoft Intune device",
      title: "Microsoft Intune",
      category: "product",
      disabled: false,
      source: "Intune",
      sourceID: "intune_ci_extension",
      activeVersion: { id: "V1", versionNr: 1, html, css: "c", javascript: "j" },
    });

    it("writes nothing when the active version matches, and activates a new version when it differs", async () => {
      const { api, server } = await setup({
        UiExtensionsBySource: () => ({ uiExtensions: { nodes: [ext("<div>v1</div>")] } }),
        UiExtensionUpdate: () => ({ uiExtensionUpdate: { errors: [], uiExtension: ext("<div>v2</div>") } }),
      });
      expect((await api.upsertCiUiExtension("<div>v1</div>", "c", "j")).action).to.equal("unchanged");
      expect(server.of("UiExtensionUpdate")).to.have.length(0);
      expect((await api.upsertCiUiExtension("<div>v2</div>", "c", "j")).action).to.equal("updated");
      expect(server.of("UiExtensionsBySource")[0].variables).to.deep.equal({
        source: "Intune",
        sourceID: "intune_ci_extension",
      });
      expect(server.of("UiExtensionUpdate")[0].variables.input).to.include({
        id: "UE1",
        html: "<div>v2</div>",
        activate: true,
      });
    });

    it("creates the extension with category product when none exists", async () => {
      const { api, server } = await setup({
        UiExtensionsBySource: () => ({ uiExtensions: { nodes: [] } }),
        UiExtensionCreate: () => ({ uiExtensionCreate: { errors: [], uiExtension: ext("<p/>") } }),
      });
      expect((await api.upsertCiUiExtension("<p/>", "c", "j")).action).to.equal("created");
      expect(server.of("UiExtensionCreate")[0].query).to.match(/uiExtensionCreate/);
      expect(server.of("UiExtensionCreate")[0].variables.input).to.include({
        category: "product",
        activate: true,
        source: "Intune",
      });
    });
  });

  it("reads customer credentials from the store, and says so when none were received", async () => {
    const { clients } = testClients("4me.com", {
      store: {
        getSecrets: async (account: string) =>
          account === "widget" ? { application: { client_id: "cid", client_secret: "x" } } : {},
      },
    });
    expect((await clients.customer("widget")).account).to.equal("widget");
    const err = await clients.customer("acme").then(undefined, failure);
    expect(err).to.be.instanceOf(FourMeCredentialsError);
    expect((err as FourMeCredentialsError).reason).to.equal("missing_credentials");
  });
});
