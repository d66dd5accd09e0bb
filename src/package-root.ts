// The package's root folder, whether this code runs from src/ (tsx) or compiled from dist/: files that are not
// TypeScript (app-offering/, ui-extension/, the 4me schema, the preview's stand-ins) are found from here, never
// relative to the module, whose depth differs between the two.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "app-offering"))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the connector's package root above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. packagePath("app-offering", "offering.json"). */
export const packagePath = (...parts: string[]): string => resolve(PACKAGE_ROOT, ...parts);
