// Every operation the 4me client sends (src/fourme/operations/*.graphql) executes against the simulator without
// GraphQL errors, with sample values for its required variables. This catches a filter, view or field the client
// uses that the sandbox does not serve. (Payload validation errors are expected: the values are samples.)
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect } from "chai";
import {
  getNullableType,
  Kind,
  print,
  visit,
  type ASTNode,
  type FragmentDefinitionNode,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { buildExecutableSchema } from "../../../../src/sandbox/fourme/graphql/schema.js";
import { REPO_ROOT } from "../../fourme/reference.js";
import { clientFor, SMALL_SEED, withSim, type Client } from "./helpers.js";

const DIR = resolve(REPO_ROOT, "src/fourme/operations");
const SCALARS: Record<string, unknown> = {
  String: "sample",
  ID: "sample-id",
  Int: 1,
  Float: 1,
  Boolean: true,
  ISO8601Timestamp: "2026-11-26T09:00:00Z",
  ISO8601Date: "2026-11-26",
  JSON: {},
  WebhookEvent: "app_instance.update",
};

/** A value of the type with every required field filled (optional ones left out). */
function sample(type: GraphQLInputType, depth = 0): unknown {
  const t = getNullableType(type);
  if (isListType(t)) return [sample(t.ofType, depth + 1)];
  if (isEnumType(t)) return t.getValues()[0].name;
  if (isInputObjectType(t)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(t.getFields()))
      if (isNonNullType(f.type) && depth < 8) out[f.name] = sample(f.type, depth + 1);
    return out;
  }
  return SCALARS[t.name];
}

function variablesFor(schema: GraphQLSchema, op: OperationDefinitionNode): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const def of op.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType;
    if (isNonNullType(type) && !def.defaultValue) vars[def.variable.name.value] = sample(type);
  }
  return vars;
}

const files = readdirSync(DIR, { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith(".graphql"));
const definitions = files.flatMap((f) => parse(readFileSync(resolve(DIR, f.name), "utf8")).definitions);
const fragments = new Map(
  definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .map((f) => [f.name.value, f]),
);
const operations = definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

/** The operation with the fragments it spreads (transitively): one document, as codegen sends it. */
function documentOf(op: OperationDefinitionNode): string {
  const used = new Set<string>();
  const walk = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name) || !fragments.has(name)) return;
        used.add(name);
        walk(fragments.get(name)!);
      },
    });
  walk(op);
  return [op, ...[...used].map((n) => fragments.get(n)!)].map((d) => print(d)).join("\n");
}

describe("4me simulator: the client's own operations", () => {
  let sim: FourMeSimulator;
  let client: Client;
  const schema = buildExecutableSchema({});
  before(async () => {
    sim = await withSim();
    sim.seedAccount(sim.provider.account, SMALL_SEED);
    client = await clientFor(sim, sim.provider.account);
  });
  after(() => sim.close());

  it("finds the client's operations", () => expect(operations.length).to.be.greaterThan(10));

  for (const op of operations) {
    const name = op.name?.value ?? "(anonymous)";
    it(`executes ${name} without GraphQL errors`, async () => {
      const res = await client.gql(documentOf(op), variablesFor(schema, op), name);
      expect(res.status).to.equal(200);
      expect(res.body.errors, `${name}: ${JSON.stringify(res.body.errors)}`).to.equal(undefined);
    });
  }
});
