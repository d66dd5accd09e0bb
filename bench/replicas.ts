// Scale-out benchmark (issue 9): connector replicas as child processes (test/scale/replica.ts, the production wiring
// on PostgreSQL + pg-boss), the sandbox simulators in this process, everything on loopback, rate limits off.
//
//   npx tsx bench/replicas.ts [--accounts=20] [--devices=500] [--webhooks=2000] [--replicas=1,3]
//
// For each replica count:
// - webhooks: a storm of signed deliveries captured from the 4me simulator (10% duplicates, 10% forged), 64 in
//   flight, round-robin over the replicas (the accounts' import is still off, so the storm measures the receivers,
//   not syncs); throughput, p50 and p99 latency;
// - sync: every account's form save switches the import on at once; time until every run has finished;
// - overhead: CPU seconds of the replica processes per 10,000 devices synced, and each replica's peak RSS (VmHWM),
//   with `npm start`'s memory flags.
// Needs PostgreSQL at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); uses fresh schemas and
// drops them. Bounded: at most 100 accounts × 20,000 devices, 20,000 webhooks.
import { readFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import { TEST_DATABASE_URL } from "../test/helpers/pg.js";
import { buildStorm, sendStorm } from "../test/scale/storm.js";
import { World, inBatches } from "../test/scale/world.js";
import { startNodeFlags } from "./start-flags.js";

function arg(name: string, dflt: string): string {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
}
const ACCOUNTS = Math.min(100, Math.max(1, Number(arg("accounts", "20"))));
const DEVICES = Math.min(20_000, Math.max(1, Number(arg("devices", "500"))));
const WEBHOOKS = Math.min(20_000, Math.max(10, Number(arg("webhooks", "2000"))));
const REPLICAS = arg("replicas", "1,3")
  .split(",")
  .map((n) => Math.min(8, Math.max(1, Number(n))));

/** The replicas run with `npm start`'s memory flags (package.json), so their peak RSS is what production sees. */
const REPLICA_NODE_FLAGS = startNodeFlags();

/** user + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime, in clock ticks (USER_HZ, 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** Peak resident set of a process (VmHWM), MB. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmHWM:"));
  return Math.round(Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function runFor(replicas: number) {
  const world = await World.start({
    accounts: ACCOUNTS,
    devices: DEVICES,
    replicas,
    alerts: false,
    nodeArgs: REPLICA_NODE_FLAGS,
    env: { LOG_LEVEL: "warn", REPLICA_EXPIRE_SECONDS: "900" },
  });
  try {
    const pids = world.replicas.map((r) => r.child!.pid!);
    await inBatches(world.accounts, 4, (a) => world.setupAccount(a, { save: false }));
    await world.settle(120_000);

    // Webhooks: form saves without fields (the import stays off: the receivers' work, not syncs).
    let n = 0;
    const storm = await buildStorm(
      world.fourme,
      () => world.fourme.saveForm(world.accounts[n++ % ACCOUNTS]!, []),
      WEBHOOKS,
    );
    const started = performance.now();
    const results = await sendStorm(
      storm,
      world.replicas.map((r) => r.url),
    );
    const seconds = (performance.now() - started) / 1000;
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const failed = results.filter((r) => r.status === 0 || r.status >= 500);
    const errors = failed.length;
    const errorKinds = [...new Set(failed.map((r) => `${r.status} ${r.message}`))].slice(0, 5);
    await world.settle(120_000);

    // Sync: every account at once.
    const cpuBefore = pids.map(cpuSeconds);
    const syncStarted = performance.now();
    await inBatches(world.accounts, 8, (a) => world.saveForm(a));
    await world.settle(30 * 60_000);
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    const cpu = pids.map((pid, i) => cpuSeconds(pid) - cpuBefore[i]!);
    const runs = await world.query<{ status: string; n: string; seen: string }>(
      "SELECT status, count(*) AS n, sum((counts->>'seen')::int) AS seen FROM sync_runs WHERE (counts->>'in_scope')::int > 0 GROUP BY status",
    );
    const seen = runs.reduce((s, r) => s + Number(r.seen), 0);
    return {
      replicas,
      webhooks: {
        sent: results.length,
        perSecond: Math.round(results.length / seconds),
        p50: Math.round(pct(ms, 0.5)),
        p99: Math.round(pct(ms, 0.99)),
        errors,
        errorKinds,
      },
      sync: {
        seconds: Math.round(syncSeconds * 10) / 10,
        runs: runs.map((r) => `${r.n} ${r.status}`).join(", "),
        devices: seen,
      },
      cpuPer10k: Math.round((cpu.reduce((a, b) => a + b, 0) / Math.max(1, seen)) * 10_000 * 10) / 10,
      peakRssMb: pids.map(peakRssMb),
    };
  } finally {
    await world.close();
  }
}

const pgVersion = await (async () => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return String((await client.query("SHOW server_version")).rows[0].server_version);
  } finally {
    await client.end();
  }
})();

console.log(
  `command: npx tsx bench/replicas.ts --accounts=${ACCOUNTS} --devices=${DEVICES} --webhooks=${WEBHOOKS} --replicas=${REPLICAS.join(",")}`,
);
console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}, Node ${process.version}, PostgreSQL ${pgVersion}`,
);
console.log(
  `the simulators and the load generator share the machine with the replicas; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")}`,
);
console.log(`replicas: node ${REPLICA_NODE_FLAGS.join(" ")}\n`);
for (const replicas of REPLICAS) {
  const r = await runFor(replicas);
  console.log(`${r.replicas} replica(s):`);
  console.log(
    `  webhooks: ${r.webhooks.sent} in flight 64: ${r.webhooks.perSecond}/s, p50 ${r.webhooks.p50} ms, p99 ${r.webhooks.p99} ms, 5xx/errors ${r.webhooks.errors}${r.webhooks.errors ? ` (${r.webhooks.errorKinds.join("; ")})` : ""}`,
  );
  console.log(
    `  sync ${ACCOUNTS} accounts × ${DEVICES} devices: ${r.sync.seconds} s (${r.sync.runs}; ${r.sync.devices} devices)`,
  );
  console.log(
    `  CPU ${r.cpuPer10k} s per 10,000 devices synced (all replicas); peak RSS per replica ${r.peakRssMb.join(", ")} MB`,
  );
  console.log(`  load average after: ${os.loadavg()[0]!.toFixed(1)}`);
}
