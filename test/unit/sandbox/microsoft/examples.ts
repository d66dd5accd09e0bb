// Reads ../shared/reference/graph-examples/*.json. The folder exists in CI and on the development machine, not on
// a user's fresh clone: checks against it skip with a visible note when it is absent.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const EXAMPLES_DIR = resolve(REPO_ROOT, "../shared/reference/graph-examples");

/** The parsed example, or undefined (after saying so) when the reference folder is absent. */
export function example(name: string): Record<string, unknown> | undefined {
  const path = resolve(EXAMPLES_DIR, name);
  if (!existsSync(path)) {
    console.log(`      (skipped: reference example not found at ${path})`);
    return undefined;
  }
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

export const sortedKeys = (o: unknown): string[] => Object.keys(o as object).sort();

/** The key set of the first item of an example's `value` array (or of its `body.value`). */
export function exampleItemKeys(name: string): string[] | undefined {
  const e = example(name);
  if (!e) return undefined;
  const value = (e["value"] ?? (e["body"] as Record<string, unknown>)["value"]) as unknown[];
  return sortedKeys(value[0]);
}
