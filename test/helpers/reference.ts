// The one place tests find the reference fact files copied into test/fixtures/reference/ (see its README): they
// are part of the repository, so the checks against them always run.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REFERENCE_DIR = resolve(REPO_ROOT, "test/fixtures/reference");
export const GRAPH_EXAMPLES_DIR = resolve(REFERENCE_DIR, "graph-examples");

/** The path of a reference file, e.g. `4me-schema-subset.graphql` or `graph-examples/batch-response.json`. */
export const referencePath = (name: string): string => resolve(REFERENCE_DIR, name);

/** A parsed Graph example from graph-examples/. */
export function graphExample<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(resolve(GRAPH_EXAMPLES_DIR, name), "utf8")) as T;
}
