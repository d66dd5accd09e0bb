// The project's SDL and the reference SDL it must be a faithful subset of (copies in test/fixtures/reference/): the
// shared reconstructed subset plus our cited additions from the current SDK (4me-schema-additions.graphql).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSchema, type GraphQLSchema } from "graphql";
import { REPO_ROOT, referencePath } from "../../helpers/reference.js";

export { REPO_ROOT };
export const REFERENCE_SDL_PATH = referencePath("4me-schema-subset.graphql");
export const REFERENCE_ADDITIONS_PATH = referencePath("4me-schema-additions.graphql");
export const PROJECT_SDL_PATH = resolve(REPO_ROOT, "src/fourme/schema.graphql");

export function projectSchema(): GraphQLSchema {
  return buildSchema(readFileSync(PROJECT_SDL_PATH, "utf8"));
}

/** The reference schema: the subset with the additions (type extensions and new types) applied. */
export function referenceSchema(): GraphQLSchema {
  return buildSchema(`${readFileSync(REFERENCE_SDL_PATH, "utf8")}\n${readFileSync(REFERENCE_ADDITIONS_PATH, "utf8")}`);
}

/** The subset alone, without our additions. */
export function referenceSubsetSchema(): GraphQLSchema {
  return buildSchema(readFileSync(REFERENCE_SDL_PATH, "utf8"));
}
