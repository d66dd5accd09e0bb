// The scale tests' world: the sandbox simulators in the test process, one PostgreSQL schema (plus one for pg-boss),
// several connector replicas as child processes (test/scale/replica.ts), and customer accounts set up as an
// administrator would (install → tenant domain → consent → form save), with each delivery sent to the next replica.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Field, tenantField } from "../../src/app-instance/fields.js";
import { loadConfigurationForm } from "../../src/extension/render.js";
import { IMPORT_ALL, simulatorEnv } from "../../src/sandbox/harness.js";
import { followConsentLink } from "../../src/sandbox/consent-browser.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { Fleet, SimTenant } from "../../src/sandbox/fleet/types.js";
import { startFourMeSimulator, type FourMeSimulator } from "../../src/sandbox/fourme/index.js";
import { startMicrosoftSimulator, type MicrosoftSimulator } from "../../src/sandbox/microsoft/index.js";
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from "../helpers/pg.js";
import { waitFor } from "./helpers.js";

export const SUPPORT_TEAM = "Service Desk";
export const SERVICE_INSTANCE = "Endpoint Management (alerts)";
const MS_CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e";

export interface WorldOptions {
  accounts: number;
  devices: number;
  replicas: number;
  seed?: number;
  /** Raise compliance alerts (requests and notes) too. Default true. */
  alerts?: boolean;
  /** More environment for every replica. */
  env?: Record<string, string>;
  /** Node/V8 flags for the replica processes (the benchmark passes `npm start`'s). */
  nodeArgs?: string[];
}

export interface RunRow {
  status: string;
  counts: Record<string, number>;
  errors: string[];
  run_trigger: string;
  started_at: Date;
  ended_at: Date | null;
}

export interface ReplicaProcess {
  index: number;
  url: string;
  child?: ChildProcess;
  exited?: Promise<number | null>;
  logFile: string;
}

/** The URL with `options=-c search_path=<schema>` (kept apart from any other query parameters it has). */
function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export class World {
  readonly accounts: string[];
  readonly replicas: ReplicaProcess[] = [];
  /** Secrets the world handed out: none may be found in PostgreSQL or in the replicas' logs. */
  readonly secrets: string[] = [];
  private readonly logs: WriteStream[] = [];
  private readonly pool: pg.Pool;
  private next = 0;

  private constructor(
    readonly options: WorldOptions,
    readonly schema: TestSchema,
    readonly fourme: FourMeSimulator,
    readonly microsoft: MicrosoftSimulator,
    readonly fleets: Fleet[],
    private readonly env: Record<string, string>,
    readonly logDir: string,
  ) {
    this.accounts = fleets.map((_, i) => `scale-${i}`);
    this.pool = new pg.Pool({ ...schema.poolConfig, max: 3 });
  }

  static async start(options: WorldOptions): Promise<World> {
    const seed = options.seed ?? 1;
    const fleets = Array.from({ length: options.accounts }, (_, i) => {
      const fleet = generateFleet({
        seed: seed * 1000 + i,
        size: options.devices,
        tenants: [{ domain: `t${i}.example.com` }],
      });
      fleet.fourme.serviceInstances = [...(fleet.fourme.serviceInstances ?? []), { name: SERVICE_INSTANCE }];
      return fleet;
    });
    const schema = await createTestSchema("scale");
    const fourme = await startFourMeSimulator({ offering: { formHtml: loadConfigurationForm().html } });
    const msSecret = randomBytes(24).toString("base64url");
    const microsoft = await startMicrosoftSimulator({
      fleet: { seed, tenants: fleets.flatMap((f) => f.tenants), fourme: fleets[0]!.fourme },
      app: { clientId: MS_CLIENT_ID, clientSecret: msSecret },
    });
    const secretKey = randomBytes(32).toString("base64");
    const env: Record<string, string> = {
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      DATABASE_URL: withSearchPath(TEST_DATABASE_URL, schema.schema),
      SECRET_KEY: secretKey,
      ...simulatorEnv(fourme, microsoft),
      PGBOSS_SCHEMA: `${schema.schema}_boss`,
      // Each replica's metrics listener on a port of its own (the default, 9464, would be taken by the first).
      METRICS_PORT: "0",
      ...options.env,
    };
    const world = new World(options, schema, fourme, microsoft, fleets, env, mkdtempSync(join(tmpdir(), "scale-")));
    world.secrets.push(secretKey, msSecret, fourme.provider.clientSecret);
    for (const [i, account] of world.accounts.entries()) fourme.seedAccount(account, fleets[i]!.fourme);
    for (let i = 0; i < options.replicas; i++) {
      world.replicas.push({
        index: i,
        url: `http://127.0.0.1:${await freePort()}`,
        logFile: join(world.logDir, `replica-${i}.log`),
      });
    }
    // The first replica migrates the schemas alone; the others start together after it.
    await world.startReplica(0);
    await Promise.all(world.replicas.slice(1).map((r) => world.startReplica(r.index)));
    return world;
  }

  async startReplica(index: number): Promise<void> {
    const replica = this.replicas[index]!;
    const port = new URL(replica.url).port;
    const log = createWriteStream(replica.logFile, { flags: "a" });
    this.logs.push(log);
    const child = spawn(
      process.execPath,
      [...(this.options.nodeArgs ?? []), "--import", "tsx", "test/scale/replica.ts"],
      {
        env: { ...process.env, ...this.env, PORT: port, PUBLIC_URL: replica.url, REPLICA_NAME: `replica-${index}` },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      if (!out.includes("REPLICA READY")) out += c.toString();
      log.write(c);
    });
    child.stderr!.on("data", (c: Buffer) => log.write(c));
    replica.child = child;
    replica.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    await waitFor(() => out.includes("REPLICA READY") || child.exitCode !== null, 30_000, `replica ${index} to listen`);
    if (!out.includes("REPLICA READY"))
      throw new Error(`replica ${index} exited: ${readFileSync(replica.logFile, "utf8").slice(-2000)}`);
  }

  /** kill -9 (or another signal); resolves once the process is gone. */
  async stopReplica(index: number, signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    const replica = this.replicas[index]!;
    if (!replica.child || replica.child.exitCode !== null) return replica.child?.exitCode ?? null;
    replica.child.kill(signal);
    return replica.exited!;
  }

  /** The replica the next delivery goes to (round robin over the running ones). */
  nextReplica(): ReplicaProcess {
    const running = this.replicas.filter((r) => r.child && r.child.exitCode === null && r.child.signalCode === null);
    const replica = running[this.next++ % running.length]!;
    this.fourme.setConnectorWebhookUrl(`${replica.url}/webhooks/4me`);
    return replica;
  }

  tenantOf(account: string): SimTenant {
    const fleet = this.fleets[this.accounts.indexOf(account)]!;
    return this.microsoft.controls.tenant(fleet.tenants[0]!.domain);
  }

  formValues(account: string): Record<string, unknown> {
    const instance = this.fourme.inspect
      .appInstances()
      .find((i) => i.customerAccount === account && i.appOfferingReference === this.fourme.offeringReference);
    if (!instance) return {};
    return Object.fromEntries((instance.customFields as { id: string; value: unknown }[]).map((f) => [f.id, f.value]));
  }

  /** install (tenant domain) → consent → form save with the import on; each delivery to the next replica. */
  async setupAccount(account: string, opts: { save?: boolean } = {}): Promise<void> {
    const domain = this.tenantOf(account).domain;
    this.nextReplica();
    const { installation } = await this.fourme.installApp(account, {
      customFields: [
        { id: tenantField.domain(1), value: domain },
        { id: tenantField.cloud(1), value: "global" },
      ],
    });
    this.secrets.push(installation.clientSecret);
    await waitFor(
      () => typeof this.formValues(account)[tenantField.consentUrl(1)] === "string",
      20_000,
      `consent link of ${account}`,
    );
    const link = String(this.formValues(account)[tenantField.consentUrl(1)]);
    // The administrator signs in (form_post to whichever replica the load balancer picks), then consents.
    const visit = await followConsentLink(link);
    if (visit.status !== 200 || visit.result !== "connected") {
      throw new Error(`consent of ${account}: ${visit.status} ${visit.result ?? ""} (${visit.steps.join("; ")})`);
    }
    if (opts.save !== false) await this.saveForm(account);
  }

  /**
   * The administrator saves the form. A sync starts only when the save changes a setting (issue 14): `extra` fields
   * make a repeated save change one.
   */
  async saveForm(account: string, extra: { id: string; value: unknown }[] = []): Promise<void> {
    const instance = this.fourme.inspect.serviceInstances(account).find((s) => s.name === SERVICE_INSTANCE);
    this.nextReplica();
    const deliveries = await this.fourme.saveForm(account, [
      ...IMPORT_ALL,
      { id: Field.supportTeam, value: SUPPORT_TEAM },
      ...(this.options.alerts !== false
        ? [
            { id: Field.alertsEnabled, value: true },
            { id: Field.alertsServiceInstance, value: instance?.id ?? "" },
          ]
        : []),
      ...extra,
    ]);
    const bad = deliveries.filter((d) => d.status < 200 || d.status >= 300);
    if (bad.length) throw new Error(`form save of ${account}: deliveries answered ${bad.map((d) => d.status)}`);
  }

  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.pool.query<T>(sql, params).then((r) => r.rows);
  }

  /** Jobs waiting or running in pg-boss (job queues, not the scheduler's). */
  async openJobs(): Promise<number> {
    const rows = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${this.env.PGBOSS_SCHEMA}".job
       WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '\\_\\_pgboss%' AND name <> 'scheduler-tick'`,
    );
    return Number(rows[0]!.n);
  }

  /** Resolves once no job waits or runs and no run is marked running. */
  async settle(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if ((await this.openJobs()) > 0) return false;
        const running = await this.query("SELECT 1 FROM sync_runs WHERE status = 'running' LIMIT 1");
        return running.length === 0;
      },
      timeoutMs,
      "the replicas to finish every job",
      200,
    );
  }

  /** Finished runs per account (succeeded or partial, failed). */
  async runs(account: string): Promise<RunRow[]> {
    return this.query(
      "SELECT status, counts, errors, run_trigger, started_at, ended_at FROM sync_runs WHERE account = $1 ORDER BY started_at",
      [account],
    );
  }

  /** Runs of one account that overlapped in time (must never happen: one run per instance at a time). */
  async overlappingRuns(account: string): Promise<number> {
    const runs = await this.runs(account);
    let overlaps = 0;
    for (let i = 1; i < runs.length; i++) {
      const previousEnd = runs[i - 1]!.ended_at;
      if (!previousEnd || previousEnd > runs[i]!.started_at) overlaps++;
    }
    return overlaps;
  }

  logText(): string {
    return this.replicas.map((r) => readFileSync(r.logFile, "utf8")).join("\n");
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => this.stopReplica(r.index, "SIGKILL").catch(() => undefined)));
    for (const log of this.logs) log.end();
    await this.pool.end().catch(() => undefined);
    await this.fourme.close().catch(() => undefined);
    await this.microsoft.close().catch(() => undefined);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS "${this.env.PGBOSS_SCHEMA}" CASCADE`);
    } finally {
      await admin.end();
    }
    await this.schema.drop();
    // The replicas' logs go with the world, unless kept to look into (SCALE_KEEP_LOGS=1).
    if (process.env.SCALE_KEEP_LOGS === "1") console.log(`      replica logs kept in ${this.logDir}`);
    else rmSync(this.logDir, { recursive: true, force: true });
  }
}

/** What the connector made of an account in 4me, without record ids: CIs and requests by sourceID. */
export function cmdbView(fourme: FourMeSimulator, account: string): CmdbView {
  // Links carry the simulators' ports, which differ between worlds.
  return JSON.parse(
    JSON.stringify(rawView(fourme, account)).replace(/http:\/\/127\.0\.0\.1:\d+/g, "<sim>"),
  ) as CmdbView;
}

function rawView(fourme: FourMeSimulator, account: string) {
  const cis = fourme.inspect
    .cis(account)
    .filter((c) => c.source === "Intune")
    .map((c) => ({
      sourceID: c.sourceID,
      name: c.name,
      serialNr: c.serialNr,
      status: c.status,
      product: c.product?.name ?? null,
      supportTeam: c.supportTeam?.name ?? null,
      users: c.users.map((u) => u?.primaryEmail ?? null).sort(),
      customFields: [...(c.customFields ?? [])].sort((a, b) => a.id.localeCompare(b.id)),
    }))
    .sort((a, b) => String(a.sourceID).localeCompare(String(b.sourceID)));
  const requests = fourme.inspect
    .requests(account)
    .map((r) => ({
      sourceID: r.sourceID,
      subject: r.subject,
      status: r.status,
      cis: r.configurationItems.map((c) => c?.name ?? null),
      notes: r.notes.map((n) => n.text),
    }))
    .sort((a, b) => String(a.sourceID).localeCompare(String(b.sourceID)));
  return { cis, requests };
}

export type CmdbView = ReturnType<typeof rawView>;

/** Duplicates in a view: two CIs or two requests with one sourceID, or one note twice on a request. */
export function duplicatesIn(view: CmdbView): string[] {
  const out: string[] = [];
  const twice = (ids: unknown[]) => ids.filter((id, i) => ids.indexOf(id) !== i);
  for (const id of twice(view.cis.map((c) => c.sourceID))) out.push(`CI ${String(id)} twice`);
  for (const id of twice(view.cis.map((c) => c.serialNr).filter(Boolean))) out.push(`serial ${String(id)} twice`);
  for (const id of twice(view.requests.map((r) => r.sourceID))) out.push(`request ${String(id)} twice`);
  for (const r of view.requests)
    for (const n of twice(r.notes)) out.push(`note "${String(n).slice(0, 40)}" twice on ${r.sourceID}`);
  return out;
}

/**
 * The reference: the same account, fleet and form synced once by one embedded connector (SQLite, in-process
 * queue) against fresh simulators. Whatever the replicas did, the CMDB must end up like this.
 */
export async function referenceView(world: World, account: string, alerts = true): Promise<CmdbView> {
  const { startSandbox } = await import("../../src/sandbox/harness.js");
  const fleet = world.fleets[world.accounts.indexOf(account)]!;
  const sb = await startSandbox({ fleet, account, instantWaits: true });
  try {
    const instance = sb.fourme.inspect.serviceInstances(account).find((s) => s.name === SERVICE_INSTANCE);
    await sb.setup({
      fields: [
        ...IMPORT_ALL,
        { id: Field.supportTeam, value: SUPPORT_TEAM },
        ...(alerts
          ? [
              { id: Field.alertsEnabled, value: true },
              { id: Field.alertsServiceInstance, value: instance?.id ?? "" },
            ]
          : []),
      ],
    });
    await sb.idle();
    return cmdbView(sb.fourme, account);
  } finally {
    await sb.close();
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Replicas' log lines (pino JSON) with this message. */
export function logLines(text: string, msg: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
