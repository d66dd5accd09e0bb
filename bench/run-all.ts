// `npm run bench`: the quick benchmarks, one after the other, each printing its own figures (a few minutes in all
// on a 2-core machine). The README's headline figures come from the longer runs named in its table (e.g.
// `npx tsx bench/sync.ts 100000`, `npx tsx bench/replicas.ts`), which are not repeated here.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

export const QUICK_BENCHES: [file: string, args: string[]][] = [
  ["webhook-latency.ts", ["--seconds=10"]],
  ["graph-read.ts", ["--devices", "20000"]],
  ["sync.ts", ["10000"]],
  ["alerts.ts", ["10000", "1000"]],
];

let failed = 0;
for (const [file, args] of QUICK_BENCHES) {
  console.log(`\n== npx tsx bench/${file} ${args.join(" ")}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", join(HERE, file), ...args], { stdio: "inherit" });
  if (run.status !== 0) {
    failed++;
    console.error(`bench/${file} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
