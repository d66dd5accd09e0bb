// Compiles a benchmark entry (and the src/ modules it imports) to JavaScript under out/, so the process under test
// runs plain `node` on compiled code, as `npm start` runs the service (dist/), not the tsx loader.
import { execFileSync } from "node:child_process";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The compiled path of `entry` (a .ts file of this repository). */
export function compileForNode(entry: string, name: string): string {
  const outDir = join(ROOT, "out", name);
  execFileSync(
    process.execPath,
    [
      join(ROOT, "node_modules", "typescript", "bin", "tsc"),
      entry,
      ...["--outDir", outDir, "--rootDir", ROOT, "--module", "nodenext", "--moduleResolution", "nodenext"],
      ...["--target", "es2023", "--skipLibCheck", "--noCheck", "--types", "node"],
    ],
    { stdio: "inherit" },
  );
  return join(outDir, relative(ROOT, entry).replace(/\.ts$/, ".js"));
}
