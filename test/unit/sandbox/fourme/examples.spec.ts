// Every operation in test/fixtures/reference/4me-operations-examples.graphql runs against the simulator without GraphQL
// errors. Operations with variables get real ids and must also succeed in their payload; inline literals carry ids
// of someone else's 4me, so their payload holds validation errors (at least one "not found"), each with a path.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { Kind, parse, print, type OperationDefinitionNode } from "graphql";
import { referencePath } from "../../../helpers/reference.js";
import { CASES, type State } from "./examples-cases.js";
import { clientFor, SMALL_SEED, withSim } from "./helpers.js";
import { startReceiver, type Receiver } from "./receiver.js";

const EXAMPLES = referencePath("4me-operations-examples.graphql");

const operations = parse(readFileSync(EXAMPLES, "utf8")).definitions.filter(
  (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
);

describe("4me simulator: reference example operations", () => {
  const state = {} as State;
  let receiver: Receiver;

  before(async function () {
    receiver = await startReceiver();
    state.sim = await withSim({ webhooks: { connectorUrl: receiver.url } });
    const seeded = state.sim.seedAccount("acme", SMALL_SEED);
    state.customer = await clientFor(state.sim, "acme");
    state.provider = await clientFor(state.sim, state.sim.provider.account);
    state.ids = { product: seeded.productIds[0], jane: seeded.personIds[0] };
    const html = '<input id="intune_compliance_state"><input id="intune_encrypted" type="checkbox">';
    const ext = await state.customer.data(
      `mutation { uiExtensionCreate(input: { name: "Intune", category: product, html: ${JSON.stringify(html)}, activate: true }) { uiExtension { id } } }`,
    );
    await state.customer.data(
      `mutation($id: ID!, $ext: ID!) { productUpdate(input: { id: $id, uiExtensionId: $ext }) { product { id } } }`,
      { id: state.ids.product, ext: ext.uiExtensionCreate.uiExtension.id },
    );
    await state.sim.installApp("acme");
  });
  after(async () => {
    await state.sim?.close();
    await receiver?.close();
  });

  it("has a case for every example operation", () => {
    expect(operations.map((o) => o.name?.value)).to.have.members(Object.keys(CASES));
  });

  for (const op of operations) {
    const name = op.name!.value;
    it(`executes ${name} without GraphQL errors`, async () => {
      const c = CASES[name];
      if (name === "RequestCreate") {
        const found = await state.customer.data(
          `{ configurationItems(first: 1, filter: { sourceID: { values: ["0f6c1c5e-bbbb"] } }) { nodes { id } } }`,
        );
        state.ids.discovered = found.configurationItems.nodes[0].id;
      }
      const client = c.provider ? state.provider : state.customer;
      const res = await client.gql(print(op), c.vars?.(state), name);
      expect(res.status).to.equal(200);
      expect(res.body.errors, JSON.stringify(res.body.errors)).to.equal(undefined);
      for (const [field, value] of Object.entries(res.body.data ?? {})) {
        const errors = (value as { errors?: { path: string[]; message: string }[] } | null)?.errors;
        if (!op.operation.startsWith("mutation") || !errors) continue;
        if (c.foreignIds) {
          expect(
            errors.some((e) => /not found/i.test(e.message)),
            JSON.stringify(errors),
          ).to.equal(true);
          for (const e of errors) expect(e.path).to.be.an("array").with.length.above(0);
        } else expect(errors, `${field}: ${JSON.stringify(errors)}`).to.equal(null);
      }
      await c.check?.(res.body.data, state);
    });
  }
});
