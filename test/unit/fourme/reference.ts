// The project's SDL and the reference SDL it must be a faithful subset of (a copy in test/fixtures/reference/).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSchema, type GraphQLSchema } from "graphql";
import { REPO_ROOT, referencePath } from "../../helpers/reference.js";

export { REPO_ROOT };
export const REFERENCE_SDL_PATH = referencePath("4me-schema-subset.graphql");
export const PROJECT_SDL_PATH = resolve(REPO_ROOT, "src/fourme/schema.graphql");

export function projectSchema(): GraphQLSchema {
  return buildSchema(readFileSync(PROJECT_SDL_PATH, "utf8"));
}

/** The reference schema. */
export function referenceSchema(): GraphQLSchema {
  return buildSchema(readFileSync(REFERENCE_SDL_PATH, "utf8"));
}
