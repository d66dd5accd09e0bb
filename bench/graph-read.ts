// Reads a simulated Intune tenant of N devices (default 100,000) through the real reader (MSAL tokens, throttled
// Graph HTTP, v1.0 pages with the beta fields merged) and reports pages/s, devices/s and peak RSS of the reading
// process. The simulator runs in a child process, so its memory is not counted. Goal: < 150 MB RSS at 100k, and
// no growth with fleet size (compare --devices 10000 with the default).
//
//   npx tsx bench/graph-read.ts [--devices 100000] [--page 1000] [--no-beta]
//   NODE_OPTIONS="--max-old-space-size=96 --max-semi-space-size=4" npx tsx bench/graph-read.ts   (heap capped)
// The reader retains ~14 MB of heap after GC at any fleet size; above that, peak RSS is V8 deferring collection.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { BreakdownAccumulator } from "../src/intune/breakdown.js";
import { createIntuneClient } from "../src/intune/intune-client.js";
import { MsalGraphTokens } from "../src/intune/tokens.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const DEVICES = Number(arg("--devices", "100000"));
const PAGE = Number(arg("--page", "1000"));
const BETA = !process.argv.includes("--no-beta");
const MB = 1024 * 1024;

interface SimInfo {
  clientId: string;
  clientSecret: string;
  loginUrl: string;
  graphUrl: string;
  tenantId: string;
}

/** Child: the simulator with a lazy fleet (devices computed on demand), until the parent closes stdin. */
async function serve(): Promise<void> {
  // Imported here only: the reading process must not carry the simulator's modules in its RSS.
  const { generateFleet } = await import("../src/sandbox/fleet/generate.js");
  const { startMicrosoftSimulator } = await import("../src/sandbox/microsoft/index.js");
  const fleet = generateFleet({ seed: 1, size: DEVICES, lazy: true, tenants: [{ domain: "contoso.com" }] });
  const sim = await startMicrosoftSimulator({ fleet, consented: "all" });
  const info: SimInfo = {
    clientId: sim.app.clientId,
    clientSecret: sim.app.clientSecret ?? "",
    loginUrl: sim.loginUrl,
    graphUrl: sim.graphUrl,
    tenantId: fleet.tenants[0].tenantId,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.stdin.on("end", () => void sim.close().then(() => process.exit(0)));
  process.stdin.resume();
}

async function main(): Promise<void> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--serve", "--devices", String(DEVICES)],
    // The simulator runs with default V8 flags whatever NODE_OPTIONS the reading process was given.
    { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, NODE_OPTIONS: "" } },
  );
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<SimInfo>((resolve, reject) => {
    lines.once("line", (l) => resolve(JSON.parse(l) as SimInfo));
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });

  const microsoft = {
    clientId: info.clientId,
    clientSecret: info.clientSecret,
    loginUrl: info.loginUrl,
    graphUrl: info.graphUrl,
  };
  const client = createIntuneClient(
    { tenantId: info.tenantId, cloud: "global" },
    { microsoft, tokens: new MsalGraphTokens(microsoft) },
  );

  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peakRss = baseline;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 10);

  const breakdown = new BreakdownAccumulator();
  let pages = 0;
  let devices = 0;
  let betaPages = 0;
  let skipped = 0;
  const started = performance.now();
  for await (const page of client.readDevices({ pageSize: PAGE, beta: BETA })) {
    pages++;
    devices += page.devices.length;
    skipped += page.skipped.length;
    if (page.beta) betaPages++;
    breakdown.add(page.devices); // what a sync does with a page, minus the 4me writes
    sample();
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  sample();
  child.stdin!.end();

  const maxRssKb = process.resourceUsage().maxRSS;
  const result = {
    devices,
    pages,
    betaPages,
    skipped,
    seconds: +seconds.toFixed(2),
    pagesPerSecond: +(pages / seconds).toFixed(1),
    devicesPerSecond: Math.round(devices / seconds),
    baselineRssMb: +(baseline / MB).toFixed(1),
    peakRssMb: +(peakRss / MB).toFixed(1),
    maxRssMb: +(maxRssKb / 1024).toFixed(1),
    peakHeapUsedMb: +(peakHeap / MB).toFixed(1),
    breakdownTotal: breakdown.result().total,
    nodeOptions: process.env.NODE_OPTIONS ?? "",
    goal: "peak RSS < 150 MB",
    met: maxRssKb / 1024 < 150,
  };
  console.log(JSON.stringify(result, null, 2));
  if (devices !== DEVICES) {
    console.error(`read ${devices} devices, expected ${DEVICES}`);
    process.exitCode = 1;
  }
}

if (process.argv.includes("--serve")) await serve();
else await main();
