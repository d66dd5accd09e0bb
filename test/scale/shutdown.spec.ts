// Graceful shutdown of a replica (child process, SIGTERM): it stops taking requests and jobs, lets the running job
// finish within the timeout, or releases it to another replica after the timeout, and exits 0.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { PgBossQueue } from "../../src/jobs/pg-boss-queue.js";
import type { JobContext } from "../../src/jobs/types.js";
import { silentLogger } from "../../src/logger.js";
import { TEST_DATABASE_URL, createTestSchema, requirePostgres, type TestSchema } from "../helpers/pg.js";
import { waitFor } from "./helpers.js";

interface Replica {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function startSlowWorker(schema: string, jobMs: number, timeoutMs: number): Replica {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "test/scale/fixtures/slow-worker.ts",
      TEST_DATABASE_URL,
      schema,
      String(jobMs),
      String(timeoutMs),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, out: () => out, exited };
}

describe("graceful shutdown of a replica (PostgreSQL, child process)", function () {
  this.timeout(40_000);
  let schema: TestSchema;
  let queue: PgBossQueue | undefined;
  const children: ChildProcess[] = [];

  before(async function () {
    await requirePostgres(this);
  });
  beforeEach(async () => {
    schema = await createTestSchema("shutdown");
    queue = await PgBossQueue.start({
      connectionString: TEST_DATABASE_URL,
      schema: schema.schema,
      logger: silentLogger,
      concurrency: 1,
      pollingIntervalSeconds: 0.5,
      retryDelaySeconds: 0,
    });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
    await queue?.stop(1000);
    await schema?.drop();
  });

  const jobState = async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ state: string }>(
        `SELECT state FROM "${schema.schema}".job WHERE name = 'sync' ORDER BY created_on`,
      );
      return rows.map((r) => r.state);
    } finally {
      await client.end();
    }
  };

  it("on SIGTERM stops taking requests and jobs at once, lets a request in flight and the running job finish, and exits 0", async () => {
    const replica = startSlowWorker(schema.schema, 1500, 10_000);
    children.push(replica.child);
    await waitFor(() => replica.out().includes("ready"), 15_000, "the replica");
    const url = /ready (\S+)/.exec(replica.out())![1]!;
    await queue!.enqueue("sync", { account: "a", trigger: "t" }, { singletonKey: "a" });
    await waitFor(() => replica.out().includes("started a"), 10_000, "the job to start");
    // A second job waits: the stopping replica must not take it, not even while a slow request (3 s, longer than
    // job a) keeps its listener draining.
    await queue!.enqueue("sync", { account: "b", trigger: "t" }, { singletonKey: "b" });
    const inFlight = fetch(`${url}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 200));
    replica.child.kill("SIGTERM");
    await waitFor(
      async () =>
        await fetch(url).then(
          () => false,
          () => true,
        ),
      5000,
      "the listener to close",
    );
    expect(await replica.exited).to.equal(0);
    expect(await inFlight).to.equal("slow ok");
    expect(replica.out()).to.include("finished a");
    expect(replica.out()).to.not.include("started b");
    expect(await jobState()).to.deep.equal(["completed", "created"]);
  });

  it("releases a job still running at the timeout to another replica, and exits 0", async () => {
    const replica = startSlowWorker(schema.schema, 60_000, 1000);
    children.push(replica.child);
    await waitFor(() => replica.out().includes("ready"), 15_000, "the replica");
    await queue!.enqueue("sync", { account: "a", trigger: "t" }, { singletonKey: "a" });
    await waitFor(() => replica.out().includes("started a"), 10_000, "the job to start");
    const stoppedAt = Date.now();
    replica.child.kill("SIGTERM");
    expect(await replica.exited).to.equal(0);
    expect(Date.now() - stoppedAt).to.be.below(8000);
    expect(replica.out()).to.not.include("finished a");
    const contexts: JobContext[] = [];
    await queue!.work("sync", async (_d, ctx) => void contexts.push(ctx!));
    await waitFor(() => contexts.length > 0, 10_000, "another replica to take the released job");
    expect(contexts).to.deep.equal([{ exclusive: true, attempt: 1 }]);
  });
});
