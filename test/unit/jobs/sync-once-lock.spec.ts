// `sync --account` in PostgreSQL mode takes the account's lock that replicas' jobs run under (PgBossQueue), so it
// never runs beside a replica's run of the same account: while a job holds the account, the command refuses with
// exit code 75 and a message. Against a real PostgreSQL, fresh schemas; skips with a notice without it.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PgBossQueue } from "../../../src/jobs/pg-boss-queue.js";
import { silentLogger } from "../../../src/logger.js";
import { syncOnce } from "../../../src/main.js";
import { TEST_DATABASE_URL, createTestSchema, requirePostgres, type TestSchema } from "../../helpers/pg.js";

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the real command line; resolves with its exit code and stderr. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

describe("sync --account on PostgreSQL: the account's lock across replicas", function () {
  this.timeout(60_000);
  let schema: TestSchema;
  let bossSchema: string;
  let env: Record<string, string>;
  const queues: PgBossQueue[] = [];

  before(async function () {
    await requirePostgres(this);
  });

  beforeEach(async () => {
    schema = await createTestSchema("synconce");
    bossSchema = `${schema.schema}_boss`;
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema.schema}`);
    env = {
      FOURME_PROVIDER_ACCOUNT: "wdc",
      FOURME_PROVIDER_CLIENT_ID: "cli-test",
      FOURME_PROVIDER_CLIENT_SECRET: randomBytes(16).toString("hex"),
      MS_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      MS_CLIENT_SECRET: randomBytes(16).toString("hex"),
      DATABASE_URL: url.toString(),
      SECRET_KEY: randomBytes(32).toString("base64"),
      PGBOSS_SCHEMA: bossSchema,
      LOG_LEVEL: "silent",
    };
  });

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop(1000)));
    await schema?.drop();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${bossSchema}" CASCADE`).finally(() => admin.end());
  });

  /** A replica (a queue on the same pg-boss schema) whose sync job of `account` runs until released. */
  async function replicaWorkingOn(account: string) {
    // The connector's own wiring creates the store tables and the pg-boss schema first.
    expect(await syncOnce(account, env)).to.equal("failed");
    const queue = await PgBossQueue.start({
      connectionString: TEST_DATABASE_URL,
      schema: bossSchema,
      logger: silentLogger,
      pollingIntervalSeconds: 0.5,
    });
    queues.push(queue);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let state: "waiting" | "running" | "done" = "waiting";
    await queue.work("sync", async () => {
      state = "running";
      await released;
      state = "done";
    });
    await queue.enqueue("sync", { account, trigger: "webhook" }, { singletonKey: account });
    await waitFor(() => state === "running", 15_000, "the replica's job to start");
    return { queue, release, state: () => state };
  }

  it("refuses while a replica's job holds the account (exit 75 and a message), and runs once it is free", async () => {
    const replica = await replicaWorkingOn("acme");
    expect(await syncOnce("acme", env)).to.equal("busy");
    const { code, stderr } = await cli(["sync", "--account", "acme"], env);
    expect(code).to.equal(75);
    expect(stderr).to.match(/account acme is being synced or worked on by a replica right now; not run/);
    // Another account is not held up by acme's lock: it runs (and fails: no such app instance here).
    expect(await syncOnce("other", env)).to.equal("failed");
    replica.release();
    await waitFor(() => replica.state() === "done", 5_000, "the replica's job to end");
    // The account is free: the sync runs (and fails for the same reason), it is not refused.
    await waitFor(async () => (await syncOnce("acme", env)) !== "busy", 5_000, "the lock to be released");
  });

  it("takes no queued jobs of the cluster while it runs", async () => {
    expect(await syncOnce("acme", env)).to.equal("failed");
    const queue = await PgBossQueue.start({
      connectionString: TEST_DATABASE_URL,
      schema: bossSchema,
      logger: silentLogger,
    });
    queues.push(queue);
    await queue.enqueue("sync", { account: "other", trigger: "webhook" }, { singletonKey: "other" });
    expect(await syncOnce("acme", env)).to.equal("failed");
    expect(await queue.queueDepth()).to.equal(1);
  });
});
