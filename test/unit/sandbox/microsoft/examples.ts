// Reads the Graph examples copied into test/fixtures/reference/graph-examples (see its README).
import { graphExample } from "../../../helpers/reference.js";

/** The parsed example. */
export const example = (name: string): Record<string, unknown> => graphExample(name);

export const sortedKeys = (o: unknown): string[] => Object.keys(o as object).sort();

/** The key set of the first item of an example's `value` array (or of its `body.value`). */
export function exampleItemKeys(name: string): string[] {
  const e = example(name);
  const value = (e["value"] ?? (e["body"] as Record<string, unknown>)["value"]) as unknown[];
  return sortedKeys(value[0]);
}
