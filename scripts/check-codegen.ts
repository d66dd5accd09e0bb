// Fails (exit 1) when the committed generated SDK differs from what codegen.yml produces now, so a schema or
// operation edit without `npm run codegen` cannot slip through. Regenerates in memory; writes the fresh output to a
// temporary file only to show the difference.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generate, loadCodegenConfig } from "@graphql-codegen/cli";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<number> {
  const { config } = await loadCodegenConfig({ configFilePath: join(root, "codegen.yml") });
  const outputs = await generate({ ...config, cwd: root, silent: true }, false);
  let stale = 0;
  for (const output of outputs) {
    const path = resolve(root, output.filename);
    let committed: string | undefined;
    try {
      committed = readFileSync(path, "utf8");
    } catch {
      committed = undefined;
    }
    if (committed === output.content) continue;
    stale++;
    const fresh = join(mkdtempSync(join(tmpdir(), "codegen-check-")), output.filename.replaceAll("/", "_"));
    writeFileSync(fresh, output.content);
    const line = committed === undefined ? 0 : firstDifferentLine(committed, output.content);
    console.error(
      committed === undefined
        ? `codegen check: ${output.filename} is missing.`
        : `codegen check: ${output.filename} is out of date (first difference at line ${line}; fresh output in ${fresh}).`,
    );
  }
  if (stale > 0) {
    console.error("The generated 4me SDK does not match src/fourme/schema.graphql and operations: run npm run codegen");
    return 1;
  }
  console.log(`codegen check: ${outputs.length} generated file(s) up to date.`);
  return 0;
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`codegen check failed to run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
