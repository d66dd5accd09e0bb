// Webhook verify-and-acknowledge latency at a fixed request rate, on loopback.
//
//   npx tsx bench/webhook-latency.ts [--rate=200] [--seconds=10] [--alg=RS256|ES512] [--db=file|memory]
//
// The receiver (createApp with a SQLite store and the in-process queue) runs in a child process, so the
// load generator does not share its event loop. Tokens are signed before the clock starts. Requests go out on a
// fixed schedule (open loop, at most 256 in flight) and each latency is measured from the moment the request was
// due to its complete answer, so a stalled server shows up as latency rather than as a slower rate.
// The load is bounded: at most 60 s and 2,000 requests/s.
// --db=file (the default) is what `serve` runs by default: a SQLite file in a temporary folder, WAL, every durable
// write fsynced; --db=memory leaves the disk out.
import { fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { join } from "node:path";
import os from "node:os";
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { startNodeFlags } from "./start-flags.js";

interface Options {
  rate: number;
  seconds: number;
  alg: string;
  db: "file" | "memory";
}

function parseArgs(argv: string[]): Options {
  const get = (name: string, dflt: string) =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  const rate = Math.min(2000, Math.max(1, Number(get("rate", "200"))));
  const seconds = Math.min(60, Math.max(1, Number(get("seconds", "10"))));
  const alg = get("alg", "RS256").toUpperCase();
  if (!/^(RS|ES)(256|384|512)$/.test(alg)) throw new Error(`--alg must be RS256..ES512, not ${alg}`);
  const db = get("db", "file");
  if (db !== "file" && db !== "memory") throw new Error(`--db must be file or memory, not ${db}`);
  return { rate, seconds, alg, db };
}

// ---- the receiver, in the child process ----
async function serve(publicKeyPem: string, databaseUrl: string): Promise<void> {
  const { readConfig } = await import("../src/config.js");
  const { silentLogger } = await import("../src/logger.js");
  const { openStore } = await import("../src/store/open-store.js");
  const { InProcessQueue } = await import("../src/jobs/in-process-queue.js");
  const { createApp } = await import("../src/server/app.js");
  const { listen } = await import("../src/server/listen.js");

  const config = readConfig({
    FOURME_PROVIDER_ACCOUNT: "wdc",
    FOURME_WEBHOOK_PUBLIC_KEY: publicKeyPem,
    DATABASE_URL: databaseUrl,
    SECRET_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "silent",
  });
  const store = await openStore(config, silentLogger);
  const queue = new InProcessQueue({ concurrency: 4 });
  // The jobs the webhooks queue are not part of the acknowledgement; they just complete.
  for (const name of ["refresh-instance", "sync", "validate-tenants"] as const) await queue.work(name, async () => {});
  const app = createApp({
    config,
    store,
    logger: silentLogger,
    queue,
    appInstances: { getAppInstance: async () => undefined },
  });
  const server = await listen(app);
  let cpuAtStart = process.cpuUsage();
  process.send!({ url: server.url });
  process.on("message", async (msg: { stop?: boolean; measure?: boolean }) => {
    if (msg.measure) {
      cpuAtStart = process.cpuUsage();
      process.send!({ measuring: true });
      return;
    }
    if (!msg.stop) return;
    const cpu = process.cpuUsage(cpuAtStart);
    const instances = (await store.listInstances()).length;
    await queue.stop(1000);
    await server.close();
    await store.close();
    process.send!({ instances, cpuMs: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
  });
}

// ---- the load generator ----
async function signAll(privateKey: CryptoKey, alg: string, count: number): Promise<string[]> {
  const iat = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const account = `customer-${i % 100}`;
    // Half secrets-update (sealed write), half app_instance.update (upsert + queue): the two busy provider events.
    const payload =
      i % 2 === 0
        ? {
            app_offering: { reference: "microsoft_intune", id: 1 },
            customer_account_id: account,
            application: { nodeID: "n", client_id: `client-${i}`, client_secret: randomBytes(24).toString("hex") },
          }
        : {
            app_offering: { reference: "microsoft_intune", id: 1 },
            customer_account_id: account,
            disabled: false,
            enabled_by_customer: true,
            suspended: false,
          };
    const data = {
      webhook_id: 7,
      account_id: "wdc",
      account: "https://wdc.4me.com",
      name: "Intune connector",
      event: i % 2 === 0 ? "app_instance.secrets-update" : "app_instance.update",
      object_id: i,
      object_nodeID: `node-${i}`,
      person_id: 6,
      person_name: "Bench",
      payload,
    };
    tokens.push(
      await new SignJWT({ data })
        .setProtectedHeader({ alg, typ: "JWT" })
        .setIssuer("https://wdc.4me.com")
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setJti(randomBytes(32).toString("hex"))
        .setSubject("7")
        .sign(privateKey),
    );
  }
  return tokens;
}

function post(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/webhooks/4me`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(body),
          "x-4me-delivery": randomUUID(),
          "user-agent": "4me/1.0 (https://developer.4me.com/v1/webhooks)",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const total = Math.round(options.rate * options.seconds);
  const { privateKey, publicKey } = await generateKeyPair(options.alg, { extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  const tokens = await signAll(privateKey, options.alg, total);

  const child = fork(new URL(import.meta.url).pathname, ["--serve"], {
    // The receiver runs with `npm start`'s V8 flags, as in production. BENCH_CPU_PROF_DIR=/tmp/prof writes a V8 CPU
    // profile of the receiver process there.
    execArgv: [
      ...startNodeFlags(),
      ...process.execArgv,
      ...(process.env.BENCH_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve) => {
      child.once("message", (m) => resolve(m as Record<string, unknown>));
    });
  const dbDir = options.db === "file" ? await mkdtemp(join(os.tmpdir(), "webhook-bench-")) : undefined;
  child.send({ publicKeyPem, databaseUrl: dbDir ? join(dbDir, "connector.db") : ":memory:" });
  const { url } = (await next()) as { url: string };

  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  // Warm-up outside the measurement: JIT, the key cache, SQLite statements.
  for (let i = 0; i < 50; i++) await post(agent, url, JSON.stringify({ jwt: "x.y.z" }));

  child.send({ measure: true });
  await next();

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  const interval = 1000 / options.rate;
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= 256) await Promise.race(inFlight);
    const p = post(agent, url, JSON.stringify({ jwt: tokens[i] }))
      .then((status) => {
        latencies.push(performance.now() - due);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();

  child.send({ stop: true });
  const { instances, cpuMs } = (await next()) as { instances: number; cpuMs: number };
  if (dbDir) await rm(dbDir, { recursive: true, force: true });

  const sorted = [...latencies].sort((a, b) => a - b);
  const p = (q: number) => `${percentile(sorted, q).toFixed(2)} ms`;
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2));
  const answers = [...statuses].map(([s, n]) => `${s}×${n}`).join(", ");
  const met = percentile(sorted, 99) < 20 ? "met" : "NOT met";
  const lines = [
    "webhook verify-and-acknowledge latency (loopback, open loop)",
    `  command:   npx tsx bench/webhook-latency.ts --rate=${options.rate} --seconds=${options.seconds} --alg=${options.alg} --db=${options.db}`,
    `  machine:   ${cpus[0]?.model ?? "unknown cpu"}, ${cpus.length} cores, ${os.platform()} ${os.release()}, node ${process.version}`,
    `  load avg:  ${load.join(" ")} (1/5/15 min at the end; other work on the machine inflates the latency)`,
    `  sent:      ${total} requests in ${elapsed.toFixed(2)} s (${(total / elapsed).toFixed(1)} req/s; target ${options.rate} req/s)`,
    `  answers:   ${answers}${errors ? `; ${errors} transport errors` : ""}`,
    `  store:     SQLite ${options.db === "file" ? "file (WAL, synchronous=FULL)" : ":memory:"}; ${instances} app instances recorded (${Math.min(total, 100)} expected)`,
    `  server:    ${(cpuMs / total).toFixed(3)} ms CPU per request (receiver process, user + system; node ${startNodeFlags().join(" ")})`,
    `  latency:   p50 ${p(50)}, p90 ${p(90)}, p99 ${p(99)}, max ${p(100)}`,
    `  goal:      p99 < 20 ms at 200 req/s: ${met}${options.rate === 200 ? "" : " (this run was not at 200 req/s)"}`,
  ];
  console.log(lines.join("\n"));
}

if (process.argv.includes("--serve")) {
  process.once("message", (msg: { publicKeyPem: string; databaseUrl: string }) => {
    serve(msg.publicKeyPem, msg.databaseUrl).catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
