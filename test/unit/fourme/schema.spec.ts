import { expect } from "chai";
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { projectSchema, referenceSchema, referenceSubsetSchema } from "./reference.js";

/** Every difference between our schema and the reference: a type, field, argument or value that is not there as-is. */
function subsetProblems(ours: GraphQLSchema, ref: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const type of Object.values(ours.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const other = ref.getType(type.name);
    if (!other) {
      problems.push(`type ${type.name} is not in the reference`);
      continue;
    }
    if (kind(type) !== kind(other)) {
      problems.push(`${type.name} is a ${kind(type)} here and a ${kind(other)} in the reference`);
      continue;
    }
    if (isEnumType(type) && isEnumType(other)) {
      for (const v of type.getValues()) {
        if (!other.getValue(v.name)) problems.push(`enum value ${type.name}.${v.name} is not in the reference`);
      }
    }
    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(other) || isInterfaceType(other))) {
      const refInterfaces = other.getInterfaces().map((i) => i.name);
      for (const i of type.getInterfaces()) {
        if (!refInterfaces.includes(i.name)) problems.push(`${type.name} implements ${i.name} only here`);
      }
      const refFields = other.getFields();
      for (const field of Object.values(type.getFields())) {
        const refField = refFields[field.name];
        if (!refField) {
          problems.push(`field ${type.name}.${field.name} is not in the reference`);
          continue;
        }
        if (String(field.type) !== String(refField.type)) {
          problems.push(`${type.name}.${field.name} is ${field.type} here, ${refField.type} in the reference`);
        }
        for (const arg of field.args) {
          const refArg = refField.args.find((a) => a.name === arg.name);
          if (!refArg) problems.push(`argument ${type.name}.${field.name}(${arg.name}) is not in the reference`);
          else if (String(arg.type) !== String(refArg.type)) {
            problems.push(
              `${type.name}.${field.name}(${arg.name}) is ${arg.type} here, ${refArg.type} in the reference`,
            );
          } else if (arg.defaultValue !== refArg.defaultValue) {
            problems.push(`${type.name}.${field.name}(${arg.name}) has another default than the reference`);
          }
        }
      }
    }
    if (isInputObjectType(type) && isInputObjectType(other)) {
      const refFields = other.getFields();
      for (const field of Object.values(type.getFields())) {
        const refField = refFields[field.name];
        if (!refField) problems.push(`input field ${type.name}.${field.name} is not in the reference`);
        else if (String(field.type) !== String(refField.type)) {
          problems.push(`${type.name}.${field.name} is ${field.type} here, ${refField.type} in the reference`);
        }
      }
      // Leaving out a required input field would let us send inputs the real API rejects.
      for (const refField of Object.values(refFields)) {
        if (String(refField.type).endsWith("!") && !type.getFields()[refField.name]) {
          problems.push(`required input field ${type.name}.${refField.name} is missing here`);
        }
      }
    }
  }
  return problems;
}

function kind(type: GraphQLNamedType): string {
  if (isScalarType(type)) return "scalar";
  if (isEnumType(type)) return "enum";
  if (isInputObjectType(type)) return "input";
  if (isInterfaceType(type)) return "interface";
  if (isObjectType(type)) return "object type";
  return "union";
}

describe("4me project schema (src/fourme/schema.graphql)", () => {
  it("is a valid standalone SDL with the root fields the connector uses", () => {
    const schema = projectSchema();
    const query = Object.keys(schema.getQueryType()!.getFields());
    const mutation = Object.keys(schema.getMutationType()!.getFields());
    expect(query).to.include.members(["node", "appInstances", "configurationItems", "people", "requests"]);
    expect(mutation).to.include.members(["appInstanceUpdate", "discoveredConfigurationItems", "requestCreate"]);
  });

  it("holds every type, field, argument and enum value exactly as the reference SDL (with its additions) does", () => {
    const ref = referenceSchema();
    expect(subsetProblems(projectSchema(), ref)).to.deep.equal([]);
  });

  it("needs the additions only for requestTemplates: against the subset alone, just those pieces are missing", () => {
    expect(subsetProblems(projectSchema(), referenceSubsetSchema())).to.deep.equal([
      "field Query.requestTemplates is not in the reference",
      "type RequestTemplateConnection is not in the reference",
      "type RequestTemplateFilter is not in the reference",
      "type RequestTemplateView is not in the reference",
    ]);
  });

  it("reports a field whose type differs from the reference, so the check above can fail", () => {
    const ref = referenceSchema();
    const drifted = projectSchema();
    // Simulate a careless edit: make a nullable reference field non-null.
    const field = drifted.getType("ConfigurationItem");
    if (!isObjectType(field)) throw new Error("ConfigurationItem missing");
    const serial = field.getFields().serialNr;
    serial.type = drifted.getType("Int") as typeof serial.type;
    expect(subsetProblems(drifted, ref)).to.deep.equal([
      "ConfigurationItem.serialNr is Int here, String in the reference",
    ]);
  });
});
