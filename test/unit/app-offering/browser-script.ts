// Loads a browser script (the form's or the CI extension's) into a bare V8 context, as a page without 4me's
// ITRP would: only its pure part runs, and it exposes its functions on the global object.
import { readFileSync } from "node:fs";
import vm from "node:vm";

export function loadBrowserScript<T>(path: string, globalName: string, globals: Record<string, unknown> = {}): T {
  return runBrowserScript<T>(readFileSync(path, "utf8"), path, globalName, globals);
}

/** The same for a script given as text (the form's, which loadConfigurationForm assembles from its parts). */
export function runBrowserScript<T>(
  source: string,
  filename: string,
  globalName: string,
  globals: Record<string, unknown> = {},
): T {
  const context = vm.createContext({ ...globals });
  vm.runInContext(source, context, { filename });
  const api = (context as Record<string, unknown>)[globalName];
  if (!api) throw new Error(`${filename} did not define ${globalName}`);
  return api as T;
}
