// Locates the shared reference SDL (../shared/reference next to the repository). It exists in CI and on the
// development machine, not on a user's fresh clone: tests that need it skip with a visible note.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, type GraphQLSchema } from "graphql";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const REFERENCE_SDL_PATH = resolve(REPO_ROOT, "../shared/reference/4me-schema-subset.graphql");
export const PROJECT_SDL_PATH = resolve(REPO_ROOT, "src/fourme/schema.graphql");

export function projectSchema(): GraphQLSchema {
  return buildSchema(readFileSync(PROJECT_SDL_PATH, "utf8"));
}

/** The reference schema, or undefined (after printing why) when the shared folder is absent. */
export function referenceSchema(): GraphQLSchema | undefined {
  if (!existsSync(REFERENCE_SDL_PATH)) {
    console.log(`      (skipped: reference SDL not found at ${REFERENCE_SDL_PATH})`);
    return undefined;
  }
  return buildSchema(readFileSync(REFERENCE_SDL_PATH, "utf8"));
}
