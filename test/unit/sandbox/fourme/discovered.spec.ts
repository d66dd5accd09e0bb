import { expect } from "chai";
import { ManualClock, type FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, SMALL_SEED, withSim, type Client, type Json } from "./helpers.js";

const UPLOAD = `mutation($input: DiscoveredConfigurationItemsInput!) {
  discoveredConfigurationItems(input: $input) {
    errors { path message }
    configurationItems { id sourceID }
    asyncQuery { id status resultUrl errorCount resultCount createdAt completedAt }
  }
}`;

type Ci = Record<string, unknown> & { sourceID: string; name: string };
const laptop = (cis: Ci[], product: Record<string, unknown> = {}) => ({
  reference: "laptop",
  name: "Laptop",
  meta: { strategy: "CREATE" },
  products: [
    {
      sourceID: "dell_latitude_7440",
      name: "Dell Latitude 7440",
      brand: "Dell",
      model: "Latitude 7440",
      meta: { strategy: "CREATE" },
      configurationItems: cis,
      ...product,
    },
  ],
});
const input = (cis: Ci[], extra: Record<string, unknown> = {}) => ({
  source: "Intune",
  supportTeam: "Workplace Support",
  physicalAssets: [laptop(cis)],
  ...extra,
});
const ci = (n: number, extra: Record<string, unknown> = {}): Ci => ({
  sourceID: `dev-${n}`,
  name: `LAPTOP-${n}`,
  status: "in_production",
  meta: { strategy: "UPDATE" },
  ...extra,
});

describe("4me simulator discoveredConfigurationItems", () => {
  const clock = new ManualClock();
  let sim: FourMeSimulator;
  let acme: Client;
  let jane: string;
  let john: string;

  /** Submits, checks the result URL holds {} before the delay, advances the clock and returns the result. */
  async function upload(payload: Record<string, unknown>): Promise<Json> {
    const sent = (await acme.data(UPLOAD, { input: payload })).discoveredConfigurationItems;
    expect(sent.errors, JSON.stringify(sent.errors)).to.equal(null);
    expect(sent.configurationItems).to.equal(null);
    expect(sent.asyncQuery.status).to.equal("queued");
    expect(await (await fetch(sent.asyncQuery.resultUrl)).json()).to.deep.equal({});
    clock.advance(2_000);
    return ((await (await fetch(sent.asyncQuery.resultUrl)).json()) as Json).data.discoveredConfigurationItems;
  }

  before(async () => {
    sim = await withSim({ clock, discoveryDelayMs: 2_000 });
    const seeded = sim.seedAccount("acme", SMALL_SEED);
    [jane, john] = seeded.personIds;
    acme = await clientFor(sim, "acme");
  });
  after(() => sim.close());

  it("answers at once with an asyncQuery whose result URL holds {} until the delay has passed", async () => {
    const result = await upload(input([ci(1, { serialNr: "NEW-1", userIds: [jane] })]));
    expect(result.errors).to.equal(null);
    expect(result.configurationItems).to.have.length(1);
    expect(result.configurationItems[0].sourceID).to.equal("dev-1");
    expect(result.asyncQuery).to.deep.include({ status: "completed", errorCount: 0, resultCount: 1 });
    const stored = sim.inspect.cis("acme").find((c) => c.sourceID === "dev-1")!;
    expect(stored).to.deep.include({ source: "Intune", name: "LAPTOP-1", status: "in_production" });
    expect(stored.users.map((u) => u!.id)).to.deep.equal([jane]);
  });

  it("matches an existing CI by serial number on first upload and gives it the sourceID", async () => {
    const before = sim.inspect.cis("acme").find((c) => c.name === "OLD-LAPTOP-1")!;
    const result = await upload(input([ci(2, { serialNr: " 5cg1234xyz" })]));
    expect(result.configurationItems[0].id).to.equal(before.id);
    const after = sim.inspect.cis("acme").find((c) => c.id === before.id)!;
    expect(after).to.deep.include({ source: "Intune", sourceID: "dev-2", name: "LAPTOP-2" });
    expect(sim.inspect.cis("acme")).to.have.length(2);
  });

  it("matches by source and sourceID afterwards, and by an alternative source (rewriting the source)", async () => {
    const r1 = await upload(input([ci(2, { name: "RENAMED-2", serialNr: "5CG1234XYZ" })]));
    expect(r1.configurationItems[0].id).to.equal(sim.inspect.cis("acme").find((c) => c.sourceID === "dev-2")!.id);
    const legacy = sim.accounts.cis.inAccount("acme").find((c) => c.sourceID === "dev-1")!;
    sim.accounts.cis.update(legacy, { source: "Intune-legacy" });
    const r2 = await upload(input([ci(1)], { alternativeSources: ["Intune-legacy"] }));
    expect(r2.configurationItems[0].id).to.equal(legacy.id);
    expect(sim.accounts.cis.get(legacy.id)!.source).to.equal("Intune");
  });

  it("points a CI at its operating system only when that is a software CI (category with the software rule set)", async () => {
    const made = await acme.data(
      `mutation { productCategoryCreate(input: { name: "Operating System Software", group: "Software", ruleSet: software }) {
        errors { message } productCategory { reference ruleSet } } }`,
      {},
    );
    expect(made.productCategoryCreate.productCategory).to.deep.equal({
      reference: "software/operating_system_software",
      ruleSet: "software",
    });
    const os = await upload({
      source: "Intune",
      supportTeam: "Workplace Support",
      physicalAssets: [
        {
          reference: "software/operating_system_software",
          name: "Operating System Software",
          products: [
            {
              sourceID: "os_microsoft_windows_11_enterprise",
              name: "Microsoft Windows 11 Enterprise",
              brand: "Microsoft",
              model: "Windows 11 Enterprise",
              configurationItems: [{ sourceID: "os:w11", name: "Windows 11 Enterprise 23H2", status: "in_production" }],
            },
          ],
        },
      ],
    });
    const osId = os.configurationItems[0].id as string;
    const hardware = sim.inspect.cis("acme").find((c) => c.sourceID === "dev-1")!.id;
    const result = await upload(input([ci(30, { operatingSystemId: osId }), ci(31, { operatingSystemId: hardware })]));
    expect(result.errors).to.deep.equal([
      {
        path: ["physicalAssets", "0", "products", "0", "configurationItems", "1", "operatingSystemId"],
        message: "Operating system 'LAPTOP-1' is not a software configuration item",
      },
    ]);
    expect(sim.inspect.cis("acme").find((c) => c.sourceID === "dev-30")!.operatingSystemId).to.equal(osId);
    const read = await acme.data(
      `query($id: ID!) { node(id: $id) { ... on ConfigurationItem { operatingSystem { name } } } }`,
      { id: result.configurationItems[0].id },
    );
    expect(read.node.operatingSystem.name).to.equal("Windows 11 Enterprise 23H2");
  });

  it("stores ciRelations.childIds as the CI's whole child list, and refuses an id that is no CI of the account", async () => {
    const [a, b] = ["dev-1", "dev-2"].map((s) => sim.inspect.cis("acme").find((c) => c.sourceID === s)!.id);
    await upload(input([ci(40, { ciRelations: { childIds: [a, b] } })]));
    const parent = () => sim.inspect.cis("acme").find((c) => c.sourceID === "dev-40")!;
    expect(parent().childIds).to.deep.equal([a, b]);
    // Sent again with one child: the list is replaced (the connector always sends the whole list).
    await upload(input([ci(40, { ciRelations: { childIds: [b] } })]));
    expect(parent().childIds).to.deep.equal([b]);
    const refused = await upload(input([ci(40, { ciRelations: { childIds: [b, "nope"] } })]));
    expect(refused.errors[0].path.at(-1)).to.equal("childIds");
    expect(parent().childIds).to.deep.equal([b]);
  });

  it("reports per-item validation errors with a path to the item, without failing the others", async () => {
    const result = await upload(
      input([
        ci(10, { serialNr: "S".repeat(51) }),
        ci(11),
        ci(12, { name: "N".repeat(161) }),
        ci(13, { status: undefined, meta: undefined }),
        ci(14, { customFields: [{ id: "x", value: 1 }] }),
      ]),
    );
    const at = (k: number) => ["physicalAssets", "0", "products", "0", "configurationItems", String(k)];
    expect(result.errors).to.deep.equal([
      { path: [...at(0), "serialNr"], message: "Serial number is too long (maximum is 50 characters)" },
      { path: [...at(2), "name"], message: "Name is too long (maximum is 160 characters)" },
      { path: [...at(3), "status"], message: "Status can't be blank" },
      {
        path: [...at(4), "customFields"],
        message: "Custom field 'x' is not defined by the UI extension of this record",
      },
    ]);
    expect(result.configurationItems.map((c: Json) => c.sourceID)).to.deep.equal(["dev-11"]);
    expect(result.asyncQuery).to.deep.include({ errorCount: 4, resultCount: 1 });
  });

  it("refuses more than 100 CIs in one call", async () => {
    const p = (await acme.data(UPLOAD, { input: input(Array.from({ length: 101 }, (_, i) => ci(100 + i))) }))
      .discoveredConfigurationItems;
    expect(p.asyncQuery).to.equal(null);
    expect(p.errors[0].path).to.deep.equal(["physicalAssets"]);
  });

  it("appends or replaces users as referenceStrategies.ciUserIds says", async () => {
    await upload(input([ci(1, { userIds: [john] })], { referenceStrategies: { ciUserIds: { strategy: "APPEND" } } }));
    const users = () =>
      sim.inspect
        .cis("acme")
        .find((c) => c.sourceID === "dev-1")!
        .users.map((u) => u!.id);
    expect(users()).to.deep.equal([jane, john]);
    await upload(input([ci(1, { userIds: [john] })], { referenceStrategies: { ciUserIds: { strategy: "REPLACE" } } }));
    expect(users()).to.deep.equal([john]);
  });

  it("leaves an existing CI alone under CREATE, and creates a missing category with the physical_asset rule set", async () => {
    await upload(input([ci(1, { name: "IGNORED", meta: { strategy: "CREATE" } })]));
    expect(sim.inspect.cis("acme").find((c) => c.sourceID === "dev-1")!.name).to.equal("LAPTOP-1");
    const payload = {
      source: "Intune",
      physicalAssets: [
        {
          reference: "mobile_phone",
          name: "Mobile phone",
          products: [
            {
              sourceID: "apple_iphone_15",
              name: "Apple iPhone 15",
              brand: "Apple",
              model: "iPhone 15",
              configurationItems: [ci(50)],
            },
          ],
        },
      ],
    };
    // A new product without a support team gives its CIs none, and 4me requires one.
    const noTeam = await upload(payload);
    expect(noTeam.errors).to.deep.equal([
      {
        path: ["physicalAssets", "0", "products", "0", "configurationItems", "0", "supportTeamId"],
        message: "Support team can't be blank",
      },
    ]);
    const result = await upload({ ...payload, supportTeam: "Workplace Support" });
    expect(result.errors, JSON.stringify(result.errors)).to.equal(null);
    const category = sim.inspect.categories("acme").find((c) => c.reference === "mobile_phone")!;
    expect(category.ruleSet).to.equal("physical_asset");
    const product = sim.inspect.products("acme").find((p) => p.sourceID === "apple_iphone_15")!;
    expect(product).to.deep.include({ brand: "Apple", source: "Intune" });
  });

  it("updates a product under UPDATE and honours its UI extension for CI custom fields", async () => {
    const html = '<input id="intune_os">';
    const ext = await acme.data(
      `mutation($html: String) { uiExtensionCreate(input: { name: "Intune", category: product, html: $html, activate: true }) { uiExtension { id } } }`,
      { html },
    );
    const extId = ext.uiExtensionCreate.uiExtension.id;
    const payload = {
      source: "Intune",
      physicalAssets: [
        laptop([ci(11, { customFields: [{ id: "intune_os", value: "Windows 11" }] })], {
          uiExtensionId: extId,
          meta: { strategy: "UPDATE" },
        }),
      ],
    };
    const result = await upload(payload);
    expect(result.errors).to.equal(null);
    expect(sim.inspect.products("acme").find((p) => p.sourceID === "dell_latitude_7440")!.uiExtensionId).to.equal(
      extId,
    );
    expect(sim.inspect.cis("acme").find((c) => c.sourceID === "dev-11")!.customFields).to.deep.equal([
      { id: "intune_os", value: "Windows 11" },
    ]);
  });

  it("reports an ambiguous serial number instead of merging", async () => {
    sim.seedAccount("acme", {
      people: [],
      products: [],
      cis: [1, 2].map((i) => ({
        name: `TWIN-${i}`,
        serialNr: "TWIN",
        brand: "Dell",
        model: "Latitude 7440",
        status: "in_production",
      })),
    });
    const result = await upload(input([ci(60, { serialNr: "TWIN" })]));
    expect(result.errors[0].message).to.match(/matches 2 configuration items/);
    expect(result.configurationItems).to.deep.equal([]);
  });
});
