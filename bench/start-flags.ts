// The V8 flags `npm start` gives the connector, read from package.json's start script, so that a benchmark runs the
// connector as production does and its figures follow any change to the script. Some are in NODE_OPTIONS (yours
// are appended and win), some on node's command line: Node refuses --heap-growing-percent in NODE_OPTIONS. A
// benchmark passes them all as node arguments. BENCH_NODE_FLAGS overrides them ("" for V8's defaults), to compare.
import { readFileSync } from "node:fs";
import { packagePath } from "../src/package-root.js";

export function startNodeFlags(): string[] {
  const override = process.env.BENCH_NODE_FLAGS;
  if (override !== undefined) return override.split(/\s+/).filter(Boolean);
  const pkg = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const start = pkg.scripts["start"] ?? "";
  const inOptions = /NODE_OPTIONS="([^"$]*)/.exec(start)?.[1];
  const onCommandLine = /\bnode((?: --[\w-]+=\S+)*) /.exec(start)?.[1];
  if (inOptions === undefined || onCommandLine === undefined)
    throw new Error('package.json\'s start script is not NODE_OPTIONS="…" node [--flag=value…] dist/cli.js …');
  return `${inOptions} ${onCommandLine}`.split(/\s+/).filter(Boolean);
}
