// Sync benchmark against the sandbox with rate limits off, for issue 6's figures: 4me GraphQL requests per 1,000
// devices on the first import (result-link polls counted apart: they are GETs, not API calls), customer and
// provider mutations on an unchanged re-sync, wall time of both runs, and peak RSS of the connector process.
//
//   npx tsx bench/sync.ts [devices] [--os-cis=off] [--tracked=<n>] [--beta-outage]   (default 10,000; e.g. 100000)
//
// Operating-system CIs (issue 17) are on, as the form's default; --os-cis=off measures the import without them.
// --tracked=<n> sets the form's tracked software to the first n (≤ 20) patterns of bench/tracked-patterns.ts, which
// match the simulator's titles (about 30 % of the devices have one). --beta-outage fails Graph's beta endpoint (503)
// for the re-sync: each device keeps the beta fields it was last written with, so it still writes nothing.
//
// Three processes: this launcher; the connector, built by buildConnector as `serve` builds it (SQLite file in a
// temporary folder) and run with the V8 flags of `npm start`, so its RSS is its own and what production sees; and the
// simulated 4me and Microsoft (a lazily computed fleet from 20,000 devices) playing 4me, Entra ID, Intune and the
// administrator (install, tenant in the form, consent, import switched on: that form save runs the first sync).
// The simulators work on the other core. Wall time depends on what else the machine runs: CPU seconds are printed
// for each process too.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { writeHeapSnapshot } from "node:v8";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Field, tenantField } from "../src/app-instance/fields.js";
import { BENCH_PATTERNS } from "./tracked-patterns.js";
import { readConfig } from "../src/config.js";
import { buildConnector } from "../src/connector.js";
import { InProcessQueue } from "../src/jobs/in-process-queue.js";
import { createLogger, silentLogger } from "../src/logger.js";
import { followConsentLink } from "../src/sandbox/consent-browser.js";
import { IMPORT_ALL, virtualClock } from "../src/sandbox/harness.js";
import { listen } from "../src/server/listen.js";
import { compileForNode } from "./compile.js";
import { startNodeFlags } from "./start-flags.js";

const DEVICES = Number(process.argv.find((a, i) => i >= 2 && /^\d+$/.test(a)) ?? 10_000);
const ACCOUNT = "widget-data";
const SEED = 7;
const OS_CIS_FLAG = "--os-cis=off";
const OS_CIS = !process.argv.includes(OS_CIS_FLAG);
const TRACKED_FLAG = process.argv.find((a) => a.startsWith("--tracked="));
const TRACKED = BENCH_PATTERNS.slice(0, Number(TRACKED_FLAG?.slice("--tracked=".length) ?? 0));
const BETA_OUTAGE_FLAG = "--beta-outage";
const BETA_OUTAGE = process.argv.includes(BETA_OUTAGE_FLAG);
const MB = 1024 * 1024;

interface SimInfo {
  fourme: {
    domain: string;
    graphqlUrl: string;
    oauthTokenUrl: string;
    accountUrlTemplate: string;
    provider: { account: string; clientId: string; clientSecret: string };
    offeringReference: string;
    webhookPublicKeyPem: string;
    webhookAudience?: string;
  };
  microsoft: { clientId: string; clientSecret: string; loginUrl: string; graphUrl: string; url: string };
  tenants: { domain: string; cloud: string }[];
}

type Command =
  | { cmd: "install"; connectorUrl: string; fields: { id: string; value: unknown }[] }
  | { cmd: "consent" }
  | { cmd: "saveForm"; fields: { id: string; value: unknown }[] }
  | { cmd: "idle" }
  | { cmd: "stats" }
  | { cmd: "resetStats" }
  | { cmd: "failBeta" }
  | { cmd: "usage" };

/** Child: both simulators and the administrator, answering one JSON line per command line. */
async function serve(): Promise<void> {
  // Imported here only: the connector process must not carry the simulators' modules in its RSS.
  const { generateFleet } = await import("../src/sandbox/fleet/generate.js");
  const { startFourMeSimulator } = await import("../src/sandbox/fourme/index.js");
  const { startMicrosoftSimulator } = await import("../src/sandbox/microsoft/index.js");
  const { loadConfigurationForm } = await import("../src/extension/render.js");
  const fleet = generateFleet({ seed: SEED, size: DEVICES, lazy: DEVICES >= 20_000 });
  const fourme = await startFourMeSimulator({ offering: { formHtml: loadConfigurationForm().html } });
  const msClientSecret = randomBytes(24).toString("base64url");
  const microsoft = await startMicrosoftSimulator({
    fleet,
    app: { clientId: "6731de76-14a6-49ae-97bc-6eba6914391e", clientSecret: msClientSecret },
  });
  fourme.seedAccount(ACCOUNT, fleet.fourme);
  const info: SimInfo = {
    fourme: {
      domain: fourme.domain,
      graphqlUrl: fourme.graphqlUrl,
      oauthTokenUrl: fourme.oauthTokenUrl,
      accountUrlTemplate: fourme.accountUrlTemplate,
      provider: fourme.provider,
      offeringReference: fourme.offeringReference,
      webhookPublicKeyPem: fourme.webhookPublicKeyPem,
      webhookAudience: fourme.webhookAudience,
    },
    microsoft: {
      clientId: microsoft.app.clientId,
      clientSecret: microsoft.app.clientSecret ?? "",
      loginUrl: microsoft.loginUrl,
      graphUrl: microsoft.graphUrl,
      url: microsoft.url,
    },
    tenants: fleet.tenants.map((t) => ({ domain: t.domain, cloud: t.cloud })),
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);

  const formValues = () => {
    const instance = fourme.inspect
      .appInstances()
      .find((i) => i.customerAccount === ACCOUNT && i.appOfferingReference === fourme.offeringReference);
    return Object.fromEntries(
      ((instance?.customFields ?? []) as { id: string; value: unknown }[]).map((f) => [f.id, f.value]),
    );
  };
  const handle = async (c: Command): Promise<unknown> => {
    switch (c.cmd) {
      case "install":
        fourme.setConnectorWebhookUrl(`${c.connectorUrl}/webhooks/4me`);
        await fourme.installApp(ACCOUNT, { customFields: c.fields });
        break;
      case "consent": {
        // As an Entra admin: sign in through each consent link, then consent (consent-browser.ts plays the browser).
        const values = formValues();
        for (const [id, link] of Object.entries(values)) {
          if (!/^tenant_\d+_consent_url$/.test(id) || typeof link !== "string" || !link.startsWith("http")) continue;
          const visit = await followConsentLink(link);
          if (visit.result !== "connected") throw new Error(`consent link: ${visit.steps.join("; ")}`);
        }
        break;
      }
      case "saveForm":
        await fourme.saveForm(ACCOUNT, c.fields);
        break;
      case "idle":
        break;
      case "stats":
        return fourme.stats();
      case "resetStats":
        fourme.resetStats();
        break;
      case "failBeta":
        microsoft.controls.failBeta(503);
        break;
      case "usage": {
        const u = process.resourceUsage();
        return { maxRss: u.maxRSS * 1024, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6 };
      }
    }
    await fourme.idle();
    return true;
  };
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    try {
      process.stdout.write(`${JSON.stringify({ ok: await handle(JSON.parse(line) as Command) })}\n`);
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
    }
  }
  await fourme.close();
  await microsoft.close();
}

async function main(): Promise<void> {
  // BENCH_CPU_PROF_DIR=dir: a CPU profile of the simulators' process too (the connector's: node --cpu-prof).
  const dir = process.env.BENCH_CPU_PROF_DIR;
  const profile = dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, "--import", "tsx", fileURLToPath(import.meta.url), "--serve", String(DEVICES)],
    {
      stdio: ["pipe", "pipe", "inherit"],
      // graphql-js skips its development-only checks (instanceOf across realms) in production mode.
      env: { ...process.env, NODE_OPTIONS: "", NODE_ENV: "production" },
    },
  );
  const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const r = await replies.next();
    if (r.done) throw new Error("the simulator process ended");
    return JSON.parse(r.value as string) as T;
  };
  const info = await next<SimInfo>();
  const ask = async <T = unknown>(c: Command): Promise<T> => {
    child.stdin!.write(`${JSON.stringify(c)}\n`);
    const r = await next<{ ok?: T; error?: string }>();
    if (r.error !== undefined) throw new Error(`simulator: ${r.error}`);
    return r.ok as T;
  };

  let peakRss = process.memoryUsage().rss;
  let startRss = peakRss; // set again once the connector is built
  // What the process held when its RSS peaked: the V8 heap (used and reserved) against native memory (SQLite,
  // buffers), so a peak can be told apart from garbage the collector had not yet reclaimed.
  let atPeak = { ...process.memoryUsage(), ...residentKinds() };
  // BENCH_MEMORY_TRACE=1: the connector logs at info into this process, and each log line marks the phase the run
  // is in, so the peak is attributed to a phase ("after 'plan ready'") and each phase's high-water mark is printed.
  const trace = process.env.BENCH_MEMORY_TRACE === "1";
  let resyncing = false;
  let phase = "start";
  let phaseAtPeak = phase;
  const phases = new Map<string, number>();
  const logger = trace
    ? createLogger("info", {
        write(line: string) {
          const msg = (JSON.parse(line) as { msg?: string }).msg ?? "?";
          phase = `after '${msg}'`;
          // BENCH_HEAP_SNAPSHOT=<dir>: a heap snapshot when the re-sync's plan is ready (where its peak was).
          if (msg === "plan ready" && resyncing && process.env.BENCH_HEAP_SNAPSHOT)
            console.error(
              `heap snapshot: ${writeHeapSnapshot(join(process.env.BENCH_HEAP_SNAPSHOT, "resync.heapsnapshot"))}`,
            );
        },
      })
    : silentLogger;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    phases.set(phase, Math.max(phases.get(phase) ?? 0, m.rss));
    if (m.rss > peakRss) [peakRss, atPeak, phaseAtPeak] = [m.rss, { ...m, ...residentKinds() }, phase];
  }, 25);
  const clock = virtualClock();
  const dbFile = join(mkdtempSync(join(os.tmpdir(), "sync-bench-")), "connector.db");
  const route: { handler?: Parameters<typeof listen>[0] } = {};
  const server = await listen((req, res) => (route.handler ? route.handler(req, res) : res.writeHead(503).end()), {
    host: "127.0.0.1",
    port: 0,
  });
  const config = readConfig({
    PUBLIC_URL: server.url,
    LOG_LEVEL: "silent",
    // A SQLite file, as production keeps it (an in-memory database would add the ledger to the RSS).
    DATABASE_URL: dbFile,
    SECRET_KEY: randomBytes(32).toString("base64"),
    FOURME_DOMAIN: info.fourme.domain,
    FOURME_GRAPHQL_URL: info.fourme.graphqlUrl,
    FOURME_OAUTH_URL: info.fourme.oauthTokenUrl,
    FOURME_ACCOUNT_URL_TEMPLATE: info.fourme.accountUrlTemplate,
    FOURME_PROVIDER_ACCOUNT: info.fourme.provider.account,
    FOURME_PROVIDER_CLIENT_ID: info.fourme.provider.clientId,
    FOURME_PROVIDER_CLIENT_SECRET: info.fourme.provider.clientSecret,
    FOURME_OFFERING_REFERENCE: info.fourme.offeringReference,
    FOURME_WEBHOOK_PUBLIC_KEY: info.fourme.webhookPublicKeyPem,
    ...(info.fourme.webhookAudience ? { FOURME_WEBHOOK_AUDIENCE: info.fourme.webhookAudience } : {}),
    MS_CLIENT_ID: info.microsoft.clientId,
    MS_CLIENT_SECRET: info.microsoft.clientSecret,
    MS_LOGIN_URL: info.microsoft.loginUrl,
    MS_GRAPH_URL: info.microsoft.graphUrl,
    MS_ADMIN_CENTER_URL: `${info.microsoft.url}/intune`,
  });
  // Rate limits off and every wait (result polls, retries) on a virtual clock: the figures are the work itself.
  const connector = await buildConnector(config, logger, {
    scheduler: false,
    fourme: { rateLimits: { burstCap: 0, requestsPerHour: 0 }, clock },
    intune: { sleep: clock.sleep, now: clock.now },
  });
  route.handler = connector.app;
  startRss = process.memoryUsage().rss;
  const atStart = { ...process.memoryUsage(), ...residentKinds() };
  const idle = async () => {
    for (;;) {
      await ask({ cmd: "idle" });
      const queue = connector.queue;
      if (!(queue instanceof InProcessQueue)) return;
      const { waiting, running } = queue.counts();
      if (waiting === 0 && running === 0) return;
      await queue.onIdle();
      await nextTurn();
    }
  };

  const tenantFields = info.tenants.flatMap((t, i) => [
    { id: tenantField.domain(i + 1), value: t.domain },
    { id: tenantField.cloud(i + 1), value: t.cloud },
  ]);
  await ask({ cmd: "install", connectorUrl: server.url, fields: tenantFields });
  await idle();
  await ask({ cmd: "consent" });
  await idle();

  type Stats = { total: number; byOperation: Record<string, number>; byMutation: Record<string, number> };
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  const polls = () => connector.fourme.stats.count("asyncQuery.resultUrl");

  await ask({ cmd: "resetStats" });
  connector.fourme.stats.reset();
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let c = cpu();
  let t = performance.now();
  // Saving the form with the import switched on runs the first import, as in production.
  await ask({
    cmd: "saveForm",
    fields: [
      ...IMPORT_ALL,
      { id: Field.supportTeam, value: "Service Desk" },
      { id: Field.osCis, value: OS_CIS },
      ...(TRACKED.length ? [{ id: Field.trackedSoftware, value: TRACKED.join("\n") }] : []),
    ],
  });
  await idle();
  const firstMs = performance.now() - t;
  const firstCpu = cpu() - c;
  const firstPeak = peakRss;
  const firstAtPeak = atPeak;
  const firstPhaseAtPeak = phaseAtPeak;
  const beforeResync = (peakRss = process.memoryUsage().rss);
  const first = await ask<Stats>({ cmd: "stats" });
  const firstPolls = polls();
  const firstRun = (await connector.store.listRuns(ACCOUNT, 1))[0];

  await ask({ cmd: "resetStats" });
  if (BETA_OUTAGE) await ask({ cmd: "failBeta" });
  connector.fourme.stats.reset();
  c = cpu();
  t = performance.now();
  resyncing = true;
  const resync = await connector.syncNow(ACCOUNT, "bench-resync");
  await idle();
  const resyncMs = performance.now() - t;
  const resyncCpu = cpu() - c;
  const second = await ask<Stats>({ cmd: "stats" });
  clearInterval(sampler);
  const sim = await ask<{ maxRss: number; cpuSeconds: number }>({ cmd: "usage" });
  child.stdin!.end();
  await connector.stop();
  await server.close();
  rmSync(dirname(dbFile), { recursive: true, force: true });

  const { appInstanceUpdate: providerWrites = 0, ...customerMutations } = second.byMutation;
  const perThousand = (n: number) => ((n / DEVICES) * 1000).toFixed(1);
  const lines = [
    `devices: ${DEVICES} (seed ${SEED}); first run ${firstRun?.status}: created ${firstRun?.counts.created ?? 0}, updated ${firstRun?.counts.updated ?? 0}, matched by serial ${firstRun?.counts.matched_by_serial ?? 0}; operating-system CIs ${OS_CIS ? `on: ${firstRun?.counts.os_cis_created ?? 0} created` : "off"}`,
    ...(TRACKED.length
      ? [
          `tracked software: ${TRACKED.length} patterns; first run ${firstRun?.counts.software_cis_created ?? 0} software CIs created, ${firstRun?.counts.software_relations_added ?? 0} relations, ${firstRun?.counts.software_graph_requests ?? 0} extra Graph requests; re-sync ${resync.run?.counts.software_unchanged ?? 0} unchanged, ${resync.run?.counts.software_graph_requests ?? 0} extra Graph requests`,
        ]
      : []),
    `first import: ${(firstMs / 1000).toFixed(1)} s wall (connector CPU ${firstCpu.toFixed(1)} s), ${first.total} 4me GraphQL requests = ${perThousand(first.total)} per 1,000 devices (goal ≤ 13), + ${firstPolls} result-link polls (${perThousand(firstPolls)} per 1,000; GETs, not GraphQL)`,
    `  by operation: ${JSON.stringify(first.byOperation)}`,
    `unchanged re-sync${BETA_OUTAGE ? ` with Graph beta failing (beta fields kept for ${resync.run?.counts.beta_fields_kept ?? 0} devices, missing for ${resync.run?.counts.beta_fields_missing ?? 0})` : ""} (${resync.run?.status}): ${(resyncMs / 1000).toFixed(1)} s wall (connector CPU ${resyncCpu.toFixed(1)} s), ${second.total} requests, customer mutations ${sum(customerMutations)} (goal 0), provider mutations ${providerWrites} (appInstanceUpdate: run start, and summary with breakdown)`,
    `  by operation: ${JSON.stringify(second.byOperation)}`,
    `peak RSS of the connector process (${START_FLAGS.join(" ")}, as npm start): ${(startRss / MB).toFixed(0)} MB when built, ${(firstPeak / MB).toFixed(0)} MB during the first import, ${(peakRss / MB).toFixed(0)} MB during the re-sync (${(beforeResync / MB).toFixed(0)} MB before it), ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB max (goal for 100k < 300 MB); simulators' process: ${(sim.maxRss / MB).toFixed(0)} MB, ${sim.cpuSeconds.toFixed(0)} s CPU in all`,
    `  when built: ${heap(atStart)}`,
    `  at the first import's peak: ${heap(firstAtPeak)}`,
    `  at the re-sync's peak: ${heap(atPeak)}`,
    ...(trace
      ? [
          `  peaks in phases: first import ${firstPhaseAtPeak}, re-sync ${phaseAtPeak}`,
          ...[...phases].map(([p, rss]) => `    ${p}: ${(rss / MB).toFixed(0)} MB`),
        ]
      : []),
    `machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end, rate limits off, waits virtual`,
    `reproduce: npx tsx bench/sync.ts ${DEVICES}${OS_CIS ? "" : ` ${OS_CIS_FLAG}`}${TRACKED_FLAG ? ` ${TRACKED_FLAG}` : ""}${BETA_OUTAGE ? ` ${BETA_OUTAGE_FLAG}` : ""}`,
  ];
  console.log(lines.join("\n"));
}

/** Resident memory by kind (Linux): anonymous (heap, malloc) and file-backed (the node binary, native addons). */
function residentKinds(): { anon: number; file: number } {
  let status = "";
  try {
    status = readFileSync("/proc/self/status", "utf8");
  } catch {
    return { anon: 0, file: 0 };
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { anon: kb("RssAnon"), file: kb("RssFile") + kb("RssShmem") };
}

function heap(m: NodeJS.MemoryUsage & { anon: number; file: number }): string {
  const mb = (n: number) => `${(n / MB).toFixed(0)} MB`;
  return `RSS ${mb(m.rss)} = file-backed ${mb(m.file)} + anonymous ${mb(m.anon)}; V8 heap ${mb(m.heapUsed)} used of ${mb(m.heapTotal)}, anonymous outside it ${mb(m.anon - m.heapTotal)} (external ${mb(m.external)})`;
}

/** The connector runs with the V8 flags `npm start` gives it, so its RSS is what production would see. */
const START_FLAGS = startNodeFlags();

async function launch(): Promise<void> {
  // Compiled JavaScript on plain node, as `npm start` runs dist/; BENCH_RUNNER=tsx for the TypeScript loader.
  const here = fileURLToPath(import.meta.url);
  const entry = process.env.BENCH_RUNNER === "tsx" ? [...process.execArgv, here] : [compileForNode(here, "bench-sync")];
  const connector = spawn(
    process.execPath,
    [
      ...START_FLAGS,
      ...entry,
      "--connector",
      String(DEVICES),
      ...(OS_CIS ? [] : [OS_CIS_FLAG]),
      ...(TRACKED_FLAG ? [TRACKED_FLAG] : []),
      ...(BETA_OUTAGE ? [BETA_OUTAGE_FLAG] : []),
    ],
    {
      stdio: "inherit",
    },
  );
  process.exitCode = await new Promise<number>((resolve) => connector.once("exit", (code) => resolve(code ?? 1)));
}

if (process.argv.includes("--serve")) await serve();
else if (process.argv.includes("--connector")) await main();
else await launch();
