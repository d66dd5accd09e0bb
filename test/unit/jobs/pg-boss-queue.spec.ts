// PgBossQueue against a real PostgreSQL, in a schema of its own per run (skips with a notice when PostgreSQL is
// down, fails in CI). pg-boss polls on real time, so tests wait for conditions (bounded), never for fixed delays.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { AuthorizationError, UpstreamError } from "../../../src/errors.js";
import { PgBossQueue, type PgBossQueueOptions } from "../../../src/jobs/pg-boss-queue.js";
import type { JobContext, JobData } from "../../../src/jobs/types.js";
import { silentLogger } from "../../../src/logger.js";
import { TEST_DATABASE_URL, createTestSchema, requirePostgres, type TestSchema } from "../../helpers/pg.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves once `check` holds; fails after `timeoutMs`. */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("PgBossQueue (PostgreSQL)", function () {
  this.timeout(30_000);
  let schema: TestSchema;
  const queues: PgBossQueue[] = [];
  const releases: (() => void)[] = [];
  const children: ChildProcess[] = [];

  before(async function () {
    await requirePostgres(this);
  });

  beforeEach(async () => {
    schema = await createTestSchema("pgboss");
  });

  afterEach(async () => {
    for (const r of releases.splice(0)) r();
    for (const c of children.splice(0)) c.kill("SIGKILL");
    await Promise.all(queues.splice(0).map((q) => q.stop(1000)));
    await schema?.drop();
  });

  const start = async (options: Partial<PgBossQueueOptions> = {}) => {
    const queue = await PgBossQueue.start({
      connectionString: TEST_DATABASE_URL,
      schema: schema.schema,
      logger: silentLogger,
      pollingIntervalSeconds: 0.5,
      busyDelaySeconds: 1,
      retryDelaySeconds: 0,
      ...options,
    });
    queues.push(queue);
    return queue;
  };

  it("keeps one waiting job per singleton key and counts it in the queue depth", async () => {
    const queue = await start();
    await queue.enqueue("sync", { account: "a", trigger: "t1" }, { singletonKey: "a" });
    await queue.enqueue("sync", { account: "a", trigger: "t2" }, { singletonKey: "a" });
    await queue.enqueue("sync", { account: "b", trigger: "t1" }, { singletonKey: "b" });
    await queue.enqueue("validate-tenants", { account: "a", trigger: "t1" }, { singletonKey: "a" });
    expect(await queue.queueDepth()).to.equal(3);
  });

  it("runs one job per key at a time across two replicas, and a busy key does not hold up other keys", async () => {
    const [q1, q2] = [await start({ concurrency: 2 }), await start({ concurrency: 2 })];
    const running = new Map<string, number>();
    let maxPerKey = 0;
    const started: string[] = [];
    const gateA = deferred();
    releases.push(gateA.resolve);
    const handler = async (data: JobData) => {
      const n = (running.get(data.account) ?? 0) + 1;
      running.set(data.account, n);
      maxPerKey = Math.max(maxPerKey, n);
      started.push(`${data.account}:${data.trigger}`);
      if (data.account === "a" && data.trigger === "first") await gateA.promise;
      running.set(data.account, (running.get(data.account) ?? 1) - 1);
    };
    await q1.work("sync", handler);
    await q2.work("sync", handler);
    await q1.enqueue("sync", { account: "a", trigger: "first" }, { singletonKey: "a" });
    await waitFor(() => started.includes("a:first"), 10_000, "a:first to start");
    // While a runs: another a (any name), then b.
    await q2.enqueue("sync", { account: "a", trigger: "second" }, { singletonKey: "a" });
    await q2.enqueue("sync", { account: "b", trigger: "first" }, { singletonKey: "b" });
    await waitFor(() => started.includes("b:first"), 10_000, "b to run while a is busy");
    expect(started).to.not.include("a:second");
    gateA.resolve();
    await waitFor(() => started.includes("a:second"), 10_000, "a:second after a:first");
    expect(maxPerKey).to.equal(1);
    expect(started.filter((s) => s === "a:second")).to.have.length(1);
  });

  it("keeps two job names of one key apart too", async () => {
    const queue = await start({ concurrency: 2 });
    const gate = deferred();
    releases.push(gate.resolve);
    const log: string[] = [];
    await queue.work("sync", async () => {
      log.push("sync:start");
      await gate.promise;
      log.push("sync:end");
    });
    await queue.work("validate-tenants", async () => {
      log.push("validate");
    });
    await queue.enqueue("sync", { account: "a", trigger: "x" }, { singletonKey: "a" });
    await waitFor(() => log.includes("sync:start"));
    await queue.enqueue("validate-tenants", { account: "a", trigger: "x" }, { singletonKey: "a" });
    // validate-tenants is fetched and put back while the sync holds the key.
    await new Promise((r) => setTimeout(r, 1200));
    expect(log).to.deep.equal(["sync:start"]);
    gate.resolve();
    await waitFor(() => log.includes("validate"), 10_000, "validate after the sync");
    expect(log).to.deep.equal(["sync:start", "sync:end", "validate"]);
  });

  it("retries a job that failed on an outage, up to the limit, and not one that would fail the same way again", async () => {
    const queue = await start({ retryLimit: 2 });
    const attempts: Record<string, number[]> = { outage: [], refused: [] };
    await queue.work("sync", async (data, context) => {
      attempts[data.trigger]!.push(context!.attempt);
      if (data.trigger === "outage") throw new UpstreamError("4me answered 503", 503);
      throw new AuthorizationError("invalid_client", "4me");
    });
    await queue.enqueue("sync", { account: "a", trigger: "outage" }, { singletonKey: "a" });
    await queue.enqueue("sync", { account: "b", trigger: "refused" }, { singletonKey: "b" });
    await waitFor(() => attempts["outage"]!.length === 3, 20_000, "three attempts of the outage job");
    // Long enough for a retry of the refused job (retryDelay 0, polling every 0.5 s) to have come.
    await new Promise((r) => setTimeout(r, 1500));
    expect(attempts).to.deep.equal({ outage: [0, 1, 2], refused: [0] });
  });

  it("retries the job of a replica killed mid-job, after its expiry, on another replica that holds the key alone", async () => {
    const dying = spawn(
      process.execPath,
      ["--import", "tsx", "test/scale/fixtures/hanging-worker.ts", TEST_DATABASE_URL, schema.schema],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(dying);
    let out = "";
    dying.stdout.on("data", (c: Buffer) => (out += c.toString()));
    await waitFor(() => out.includes("ready"), 15_000, "the first replica to start");
    const queue = await start({ concurrency: 1, maintenanceIntervalSeconds: 1 });
    await queue.enqueue("sync", { account: "a", trigger: "webhook" }, { singletonKey: "a" });
    await waitFor(() => out.includes("started a"), 10_000, "the first replica to take the job");
    dying.kill("SIGKILL");
    const contexts: JobContext[] = [];
    await queue.work("sync", async (_data, ctx) => {
      contexts.push(ctx!);
    });
    await waitFor(() => contexts.length > 0, 20_000, "the retry on the surviving replica");
    expect(contexts).to.deep.equal([{ exclusive: true, attempt: 1 }]);
  });

  it("fires the scheduler tick once per tick period across two replicas, never two at once", async () => {
    const [q1, q2] = [await start(), await start()];
    const tickSeconds = 2;
    const ticks: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const tick = async () => {
      ticks.push(Date.now());
      maxRunning = Math.max(maxRunning, ++running);
      // Longer than the offer interval: both replicas offer meanwhile, and another slot may begin.
      await new Promise((r) => setTimeout(r, 1200));
      running--;
    };
    const begin = Date.now();
    await q1.scheduleTick(tick, tickSeconds);
    await q2.scheduleTick(tick, tickSeconds);
    // Each replica offers a tick every second: four offers per period between them, one of which may run.
    await new Promise((r) => setTimeout(r, 8000));
    const slot = (ms: number) => Math.floor(ms / (tickSeconds * 1000));
    const slotsSpanned = slot(Date.now()) - slot(begin) + 1;
    expect(ticks.length)
      .to.be.at.most(slotsSpanned)
      .and.at.least(slotsSpanned - 2);
    expect(maxRunning).to.equal(1);
  });

  it("drops the pg-boss cron schedule of earlier versions", async () => {
    const queue = await start();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO "${schema.schema}".schedule (name, cron, timezone, data, options) VALUES ('scheduler-tick', '* * * * *', 'UTC', '{}', '{}')`,
      );
      await queue.scheduleTick(async () => {}, 60);
      const { rows } = await client.query(`SELECT name FROM "${schema.schema}".schedule`);
      expect(rows).to.deep.equal([]);
    } finally {
      await client.end();
    }
  });
});
