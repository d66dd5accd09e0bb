import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Kind,
  parse,
  validate,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from "graphql";
import { REPO_ROOT, projectSchema, referenceSchema } from "./reference.js";

const OPERATIONS_DIR = join(REPO_ROOT, "src/fourme/operations");
const files = readdirSync(OPERATIONS_DIR)
  .filter((f) => f.endsWith(".graphql"))
  .sort();
const parsed = new Map(files.map((f) => [f, parse(readFileSync(join(OPERATIONS_DIR, f), "utf8"))]));
const fragments = new Map<string, FragmentDefinitionNode>();
for (const doc of parsed.values()) {
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
}

/** The file's operation with every fragment it spreads, transitively (codegen joins all files the same way). */
function executableDocument(doc: DocumentNode): DocumentNode {
  const definitions: DefinitionNode[] = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const included = new Set<string>();
  const queue = [...definitions];
  while (queue.length > 0) {
    visit(queue.pop()!, {
      FragmentSpread(node) {
        const name = node.name.value;
        if (included.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`fragment ${name} is not defined in any operation file`);
        included.add(name);
        definitions.push(fragment);
        queue.push(fragment);
      },
    });
  }
  return { kind: Kind.DOCUMENT, definitions };
}

function errorsAgainst(schema: GraphQLSchema, file: string): string[] {
  return validate(schema, executableDocument(parsed.get(file)!)).map((e) => e.message);
}

describe("4me operations (src/fourme/operations/*.graphql)", () => {
  const ours = projectSchema();
  const ref = referenceSchema();

  it("holds one named operation per file, named like the file", () => {
    expect(files.length).to.be.greaterThan(30);
    for (const [file, doc] of parsed) {
      const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
      expect(operations, file).to.have.length(1);
      expect(operations[0].name?.value, file).to.equal(file.replace(/\.graphql$/, ""));
    }
  });

  for (const file of files) {
    it(`${file} is valid against our schema`, () => {
      expect(errorsAgainst(ours, file)).to.deep.equal([]);
    });
    it(`${file} is valid against the reference SDL`, () => {
      expect(errorsAgainst(ref, file)).to.deep.equal([]);
    });
  }

  it("rejects a quoted enum literal, as the real API's validator does", () => {
    const doc = parse(
      `query Bad { configurationItems(first: 1, filter: { status: { values: ["removed"] } }) { nodes { id } } }`,
    );
    expect(validate(ours, doc).map((e) => e.message)).to.have.length(1);
  });
});
