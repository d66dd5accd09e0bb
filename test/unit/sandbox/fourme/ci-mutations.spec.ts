import { expect } from "chai";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, SMALL_SEED, withSim, type Client, type Json } from "./helpers.js";

const CREATE = `mutation($input: ConfigurationItemCreateInput!) {
  configurationItemCreate(input: $input) { errors { path message } configurationItem { id name serialNr status customFields { id value } users(first: 5) { nodes { id } } } }
}`;
const UPDATE = `mutation($input: ConfigurationItemUpdateInput!) {
  configurationItemUpdate(input: $input) { errors { path message } configurationItem { id name status } }
}`;

describe("4me simulator CI mutations", () => {
  let sim: FourMeSimulator;
  let acme: Client;
  let productId: string;
  let bareProductId: string;
  let janeId: string;
  const create = async (input: Record<string, unknown>) =>
    (await acme.data(CREATE, { input: { productId, status: "in_production", ...input } })).configurationItemCreate;

  before(async () => {
    sim = await withSim();
    const seeded = sim.seedAccount("acme", {
      ...SMALL_SEED,
      products: [
        ...SMALL_SEED.products,
        {
          brand: "HP",
          model: "EliteBook 840",
          name: "HP EliteBook 840",
          categoryReference: "laptop",
          categoryName: "Laptop",
        },
      ],
    });
    [productId, bareProductId] = seeded.productIds;
    janeId = seeded.personIds[0];
    acme = await clientFor(sim, "acme");
    const html = `<div class="row"><label for="intune_os">OS</label><input id="intune_os" type="text"></div>
      <select id="intune_ownership"><option value="company">Company</option></select><div id="intune_notes" class="rich-text"></div>`;
    const ext = await acme.data(
      `mutation($html: String) { uiExtensionCreate(input: { name: "Intune", category: product, html: $html, activate: true }) { uiExtension { id } } }`,
      { html },
    );
    await acme.data(
      `mutation($id: ID!, $ext: ID!) { productUpdate(input: { id: $id, uiExtensionId: $ext }) { errors { message } } }`,
      {
        id: productId,
        ext: ext.uiExtensionCreate.uiExtension.id,
      },
    );
  });
  after(() => sim.close());

  it("creates a CI with users and the custom fields its product's UI extension defines", async () => {
    const p = await create({
      name: "LAPTOP-1",
      serialNr: "AAA1",
      userIds: [janeId],
      customFields: [
        { id: "intune_os", value: "Windows" },
        { id: "intune_ownership", value: "company" },
        { id: "intune_notes", value: "* a" },
      ],
    });
    expect(p.errors).to.equal(null);
    expect(p.configurationItem.customFields).to.deep.equal([
      { id: "intune_os", value: "Windows" },
      { id: "intune_ownership", value: "company" },
      { id: "intune_notes", value: "* a" },
    ]);
    expect(p.configurationItem.users.nodes).to.deep.equal([{ id: janeId }]);
  });

  it("gives payload errors for a blank or unknown productId, and a GraphQL error when productId or status is missing", async () => {
    expect((await create({ productId: "" })).errors).to.deep.include({
      path: ["productId"],
      message: "Product can't be blank",
    });
    const unknown = await create({ productId: "NG1lLmNvbS9Qcm9kdWN0Lzk5OTk" });
    expect(unknown.errors[0].path).to.deep.equal(["productId"]);
    expect(unknown.configurationItem).to.equal(null);
    // The schema makes both non-null (ConfigurationItemCreateInput.productId: ID!, status: CiStatus!).
    const missing = await acme.gql(CREATE, { input: { name: "X" } });
    const messages = missing.body.errors!.map((e) => e.message).join(" ");
    expect(messages).to.match(/productId/);
    expect(messages).to.match(/status/);
  });

  it("refuses a serial number over 50 characters and a name over 160", async () => {
    const p = await create({ name: "N".repeat(161), serialNr: "S".repeat(51) });
    expect(p.errors).to.deep.equal([
      { path: ["name"], message: "Name is too long (maximum is 160 characters)" },
      { path: ["serialNr"], message: "Serial number is too long (maximum is 50 characters)" },
    ]);
    expect((await create({ name: "N".repeat(160), serialNr: "S".repeat(50) })).errors).to.equal(null);
  });

  it("refuses a second CI with the same brand and serial number in the account, but not another brand's", async () => {
    expect((await create({ name: "DUP-1", serialNr: "DUP123" })).errors).to.equal(null);
    const again = await create({ name: "DUP-2", serialNr: "dup123 " });
    expect(again.errors).to.deep.equal([{ path: ["serialNr"], message: "Serial number has already been taken" }]);
    expect((await create({ name: "DUP-3", serialNr: "DUP123", productId: bareProductId })).errors).to.equal(null);
  });

  it("refuses custom field ids the product's UI extension does not define, and any on a product without one", async () => {
    const unknown = await create({
      name: "CF-1",
      customFields: [
        { id: "intune_os", value: "x" },
        { id: "nope", value: 1 },
      ],
    });
    expect(unknown.errors).to.deep.equal([
      { path: ["customFields"], message: "Custom field 'nope' is not defined by the UI extension of this record" },
    ]);
    const bare = await create({
      name: "CF-2",
      productId: bareProductId,
      customFields: [{ id: "intune_os", value: "x" }],
    });
    expect(bare.errors[0].path).to.deep.equal(["customFields"]);
  });

  it("updates a CI, merges custom fields, and clears one set to null", async () => {
    const ci = (
      await create({
        name: "UPD-1",
        customFields: [
          { id: "intune_os", value: "Windows" },
          { id: "intune_ownership", value: "company" },
        ],
      })
    ).configurationItem;
    const input = { id: ci.id, status: "removed", customFields: [{ id: "intune_os", value: null }] };
    expect((await acme.data(UPDATE, { input })).configurationItemUpdate.configurationItem.status).to.equal("removed");
    const d: Json = await acme.data(
      `query($id: ID!) { node(id: $id) { ... on ConfigurationItem { customFields { id value } } } }`,
      { id: ci.id },
    );
    expect(d.node.customFields).to.deep.equal([{ id: "intune_ownership", value: "company" }]);
    const missing = await acme.data(UPDATE, { input: { id: "NG1lLmNvbS9DaS85OTk5", name: "x" } });
    expect(missing.configurationItemUpdate.errors[0].path).to.deep.equal(["id"]);
  });

  it("treats a create whose name belongs to an inactive CI as an update of that CI (4me's discovery rule)", async () => {
    const old = (await create({ name: "REUSED-NAME" })).configurationItem;
    await acme.data(UPDATE, { input: { id: old.id, status: "archived" } });
    const again = await create({ name: "REUSED-NAME", status: "in_production" });
    expect(again.configurationItem.id).to.equal(old.id);
    expect(again.configurationItem.status).to.equal("in_production");
  });

  it("requires a support team unless the status is removed", async () => {
    const team = sim.accounts.teams.inAccount("acme")[0];
    sim.accounts.products.update(sim.accounts.products.get(bareProductId)!, { supportTeamId: undefined });
    const p = await create({ name: "NO-TEAM", productId: bareProductId });
    expect(p.errors).to.deep.equal([{ path: ["supportTeamId"], message: "Support team can't be blank" }]);
    expect((await create({ name: "NO-TEAM", productId: bareProductId, status: "removed" })).errors).to.equal(null);
    expect((await create({ name: "TEAM", productId: bareProductId, supportTeamId: team.id })).errors).to.equal(null);
  });

  it("refuses unknown dates as argument errors", async () => {
    const r = await acme.gql(CREATE, { input: { productId, status: "in_production", inUseSince: "yesterday" } });
    expect(r.body.errors![0].message).to.match(/ISO 8601/);
  });
});
