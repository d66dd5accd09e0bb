// Reads a simulated Intune tenant of N devices (default 100,000) through the real reader (MSAL tokens, throttled
// Graph HTTP, v1.0 pages with the beta fields merged) and reports pages/s, devices/s and peak RSS of the reading
// process. Goal: < 150 MB RSS at 100k, and no growth with fleet size (compare --devices 10000 with the default).
//
//   npx tsx bench/graph-read.ts [--devices 100000] [--page 1000] [--no-beta] [--runner node|tsx]
//                               [--node-options "<flags>"]   (add --expose-gc to see the live heap after GC)
//
// This process hosts the simulator (lazy fleet) and is not measured. The reader runs in a child process:
// - runner node (default): plain `node` on JavaScript emitted by tsc (--noCheck) under out/, as `npm start` runs the
//   compiled service (dist/);
// - runner tsx: `node --import tsx`, as development runs it: the TypeScript loader adds ~33 MB (Node 20 runs loader
//   hooks on a thread of their own).
// --node-options become the reader's node arguments (default: the V8 flags of the `start` script in package.json), so
// the default figure is production's; pass --node-options "" for V8's defaults. README "Memory" has the figures.
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { compileForNode } from "./compile.js";
import type { SimConnection } from "./sim-intune-client.js";
import { startNodeFlags } from "./start-flags.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
};
const MB = 1024 * 1024;
const HERE = fileURLToPath(import.meta.url);

interface SimInfo extends SimConnection {
  devices: number;
  page: number;
  beta: boolean;
}

/** Child: reads the tenant with the real client and prints one JSON line of figures. */
async function read(info: SimInfo): Promise<void> {
  // Imported here so that the orchestrating parent's modules never decide what the child carries.
  const { BreakdownAccumulator } = await import("../src/intune/breakdown.js");
  const { simIntuneClient } = await import("./sim-intune-client.js");
  const client = simIntuneClient(info);

  const baseline = process.memoryUsage().rss;
  const peak = { rss: baseline, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
  };
  const timer = setInterval(sample, 10);

  const breakdown = new BreakdownAccumulator();
  let pages = 0;
  let devices = 0;
  let betaPages = 0;
  let skipped = 0;
  let liveHeap = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for await (const page of client.readDevices({ pageSize: info.page, beta: info.beta })) {
    pages++;
    devices += page.devices.length;
    skipped += page.skipped.length;
    if (page.beta) betaPages++;
    breakdown.add(page.devices); // what a sync does with a page, minus the 4me writes
    sample();
    // With --node-options "--expose-gc": what stays live (every 10th page), to tell data from V8's slack.
    if (globalThis.gc && pages % 10 === 0) {
      globalThis.gc();
      liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(timer);
  sample();
  const mb = (n: number) => +(n / MB).toFixed(1);
  const result = {
    devices,
    pages,
    betaPages,
    skipped,
    seconds: +seconds.toFixed(2),
    pagesPerSecond: +(pages / seconds).toFixed(1),
    devicesPerSecond: Math.round(devices / seconds),
    // The reader's own CPU (user + system): steadier than wall time on a shared, loaded machine.
    readerCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    baselineRssMb: mb(baseline),
    peakRssMb: mb(peak.rss),
    maxRssMb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    peakHeapUsedMb: mb(peak.heapUsed),
    peakHeapTotalMb: mb(peak.heapTotal),
    peakExternalMb: mb(peak.external),
    ...(globalThis.gc ? { liveHeapAfterGcMb: mb(liveHeap) } : {}),
    breakdownTotal: breakdown.result().total,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Emits JavaScript for this file and what it imports (no type check: `npm run typecheck` does that). */
async function main(): Promise<void> {
  const devices = Number(arg("--devices", "100000"));
  const page = Number(arg("--page", "1000"));
  const runner = arg("--runner", "node");
  if (runner !== "node" && runner !== "tsx") throw new Error("--runner is node or tsx");
  const nodeOptions = arg("--node-options", startNodeFlags().join(" "));
  const nodeArgs = nodeOptions.split(/\s+/).filter(Boolean);

  const { generateFleet } = await import("../src/sandbox/fleet/generate.js");
  const { startMicrosoftSimulator } = await import("../src/sandbox/microsoft/index.js");
  const fleet = generateFleet({ seed: 1, size: devices, lazy: true, tenants: [{ domain: "contoso.com" }] });
  const sim = await startMicrosoftSimulator({ fleet, consented: "all" });
  const info: SimInfo = {
    clientId: sim.app.clientId,
    clientSecret: sim.app.clientSecret ?? "",
    loginUrl: sim.loginUrl,
    graphUrl: sim.graphUrl,
    tenantId: fleet.tenants[0].tenantId,
    devices,
    page,
    beta: !process.argv.includes("--no-beta"),
  };
  try {
    const entry = runner === "node" ? [compileForNode(HERE, "bench-graph-read")] : ["--import", "tsx", HERE];
    const loadBefore = loadavg()[0];
    // As node arguments, not NODE_OPTIONS: Node refuses some V8 flags there (--heap-growing-percent).
    const child = spawn(process.execPath, [...nodeArgs, ...entry, "--read"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_GRAPH_READ: JSON.stringify(info) },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`reader exited with ${code}`);
    const result = JSON.parse(out.trim().split("\n").pop()!) as { devices: number; maxRssMb: number };
    const report = {
      ...result,
      runner,
      nodeOptions,
      machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, node ${process.version}`,
      load1mBeforeAfter: [+loadBefore.toFixed(2), +loadavg()[0].toFixed(2)],
      goal: "peak RSS < 150 MB",
      met: result.maxRssMb < 150,
    };
    console.log(JSON.stringify(report, null, 2));
    if (result.devices !== devices) {
      console.error(`read ${result.devices} devices, expected ${devices}`);
      process.exitCode = 1;
    }
  } finally {
    await sim.close();
  }
}

if (process.argv.includes("--read")) await read(JSON.parse(process.env.BENCH_GRAPH_READ ?? "{}") as SimInfo);
else await main();
