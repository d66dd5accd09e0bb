// The tracked-software read (issue 17) against the simulated Graph: a lazy tenant of N devices (default 100,000),
// about 30 % of them with some of the catalogue's titles, and 20 tracked-software patterns. Reports the extra Graph
// requests of one run (the detectedApps catalogue pages + each matching app's managedDevices pages), the wall time
// and CPU of the read, and the reader's peak RSS. Intune's per-app limits (2,000 requests / 20 s) are enforced.
//
//   npx tsx bench/detected-apps.ts [--devices 100000]
//
// This process hosts the simulator and is not measured (its catalogue is built before the read starts, as Intune
// keeps it); the reader runs in a child process on JavaScript compiled by tsc, as the service runs.
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { compileForNode } from "./compile.js";
import type { SimConnection } from "./sim-intune-client.js";
import { BENCH_PATTERNS } from "./tracked-patterns.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
};
const MB = 1024 * 1024;
const HERE = fileURLToPath(import.meta.url);

type SimInfo = SimConnection;

async function read(info: SimInfo): Promise<void> {
  const { simIntuneClient } = await import("./sim-intune-client.js");
  const { matchingPattern } = await import("../src/sync/software-patterns.js");
  const client = simIntuneClient(info);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await client.readTrackedApps((app) => matchingPattern(BENCH_PATTERNS, app.displayName) !== undefined);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  const devices = new Set<string>();
  let installs = 0;
  for (const a of result.apps) {
    installs += a.deviceIds.length;
    for (const id of a.deviceIds) devices.add(id);
  }
  process.stdout.write(
    `${JSON.stringify({
      graphRequests: result.requests,
      catalogueEntries: result.catalogueSize,
      trackedAppVersions: result.apps.length,
      installations: installs,
      devicesWithTrackedSoftware: devices.size,
      seconds: +seconds.toFixed(2),
      readerCpuSeconds: +((used.user + used.system) / 1e6).toFixed(2),
      peakRssMb: +(Math.max(peak, process.memoryUsage().rss) / MB).toFixed(1),
    })}\n`,
  );
}

async function main(): Promise<void> {
  const devices = Number(arg("--devices", "100000"));
  const { generateFleet } = await import("../src/sandbox/fleet/generate.js");
  const { startMicrosoftSimulator } = await import("../src/sandbox/microsoft/index.js");
  const { catalogueOf } = await import("../src/sandbox/microsoft/graph-apps.js");
  const fleet = generateFleet({ seed: 1, size: devices, lazy: true, tenants: [{ domain: "contoso.com" }] });
  const t0 = performance.now();
  catalogueOf(fleet.tenants[0]!); // Intune has its catalogue ready; the simulator computes it once, here
  const catalogueBuildSeconds = +((performance.now() - t0) / 1000).toFixed(2);
  const sim = await startMicrosoftSimulator({ fleet, consented: "all", enforceLimits: true });
  const info: SimInfo = {
    clientId: sim.app.clientId,
    clientSecret: sim.app.clientSecret ?? "",
    loginUrl: sim.loginUrl,
    graphUrl: sim.graphUrl,
    tenantId: fleet.tenants[0]!.tenantId,
  };
  try {
    const entry = compileForNode(HERE, "bench-detected-apps");
    sim.controls.resetStats();
    const child = spawn(process.execPath, [entry, "--read"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_DETECTED_APPS: JSON.stringify(info) },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`reader exited with ${code}`);
    const result = JSON.parse(out.trim().split("\n").pop()!) as Record<string, number>;
    const stats = sim.controls.stats();
    console.log(
      JSON.stringify(
        {
          devices,
          patterns: BENCH_PATTERNS.length,
          ...result,
          simulatorByRoute: stats.byRoute,
          simulatorByStatus: stats.byStatus,
          extraGraphRequestsPer1000Devices: +((result["graphRequests"]! / devices) * 1000).toFixed(2),
          simulatorCatalogueBuildSeconds: catalogueBuildSeconds,
          machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, node ${process.version}`,
        },
        null,
        2,
      ),
    );
  } finally {
    await sim.close();
  }
}

if (process.argv.includes("--read")) await read(JSON.parse(process.env.BENCH_DETECTED_APPS ?? "{}") as SimInfo);
else await main();
