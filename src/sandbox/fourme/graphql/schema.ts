// Executes the project's own 4me schema (src/fourme/schema.graphql) with graphql-js: the SDL is built as is and
// the simulator's resolvers are attached to its fields, so the sandbox can never serve a field the client cannot ask
// for, nor miss one the client's documents validate against.
import { packagePath } from "../../../package-root.js";
import { readFileSync } from "node:fs";
import {
  buildSchema,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  isScalarType,
  Kind,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type ValueNode,
} from "graphql";
import { decodeNodeId, GRAPHQL_TYPE } from "../ids.js";
import type { GqlContext } from "./context.js";

export const PROJECT_SCHEMA_PATH = packagePath("src", "fourme", "schema.graphql");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Resolver = GraphQLFieldResolver<any, GqlContext, any>;
export type ResolverMap = Record<string, Record<string, Resolver>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Input dates and timestamps are checked like 4me does: a malformed one is an argument error. */
function checkedScalar(name: string, pattern: RegExp) {
  const check = (v: unknown) => {
    if (typeof v !== "string" || !pattern.test(v) || Number.isNaN(Date.parse(v))) {
      throw new GraphQLError(`${name} expects an ISO 8601 value, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  return {
    parseValue: check,
    parseLiteral: (ast: ValueNode) => check(ast.kind === Kind.STRING ? ast.value : undefined),
  };
}

/** Builds the schema and wires `resolvers` (type → field → resolver) into it. Unknown types and fields are skipped. */
export function buildExecutableSchema(resolvers: ResolverMap, sdl?: string): GraphQLSchema {
  const schema = buildSchema(sdl ?? readFileSync(PROJECT_SCHEMA_PATH, "utf8"));
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const defs = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      if (defs[fieldName]) defs[fieldName].resolve = resolve;
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInterfaceType(type)) {
      type.resolveType = (value: { id?: string; __typename?: string }) =>
        value.__typename ?? (value.id ? GRAPHQL_TYPE[decodeNodeId(value.id)?.type ?? "Person"] : undefined);
    }
    if (isScalarType(type)) {
      if (type.name === "ISO8601Date") Object.assign(type, checkedScalar(type.name, DATE));
      if (type.name === "ISO8601Timestamp") Object.assign(type, checkedScalar(type.name, TIMESTAMP));
    }
  }
  return schema;
}
