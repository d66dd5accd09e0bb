import { expect } from "chai";
import { AuthorizationError, UpstreamError } from "../../../src/errors.js";
import { InProcessQueue } from "../../../src/jobs/in-process-queue.js";
import type { JobData } from "../../../src/jobs/types.js";
import { createLogger } from "../../../src/logger.js";

/** A promise with its resolve handle: jobs finish when the test says so, never after a real delay. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
/** Lets queued microtasks and p-queue's scheduling run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A handler that records starts and waits for the test to release each run. */
function controlled() {
  const started: JobData[] = [];
  const gates: ReturnType<typeof deferred<void>>[] = [];
  let running = 0;
  let maxRunning = 0;
  const handler = async (data: JobData) => {
    started.push(data);
    running++;
    maxRunning = Math.max(maxRunning, running);
    const gate = deferred();
    gates.push(gate);
    await gate.promise;
    running--;
  };
  return {
    handler,
    started,
    get maxRunning() {
      return maxRunning;
    },
    release: async (i: number) => {
      gates[i].resolve();
      await settle();
    },
  };
}

describe("InProcessQueue", () => {
  it("runs a queued job with its data", async () => {
    const queue = new InProcessQueue();
    const seen: JobData[] = [];
    await queue.work("sync", async (data) => {
      seen.push(data);
    });
    await queue.enqueue("sync", { account: "widget", trigger: "cli" });
    await queue.onIdle();
    expect(seen).to.deep.equal([{ account: "widget", trigger: "cli" }]);
  });

  it("keeps jobs queued before their handler is registered until it is", async () => {
    const queue = new InProcessQueue();
    await queue.enqueue("alerts", { account: "a", trigger: "schedule" });
    await settle();
    expect(queue.counts()).to.deep.equal({ waiting: 1, running: 0 });
    const seen: string[] = [];
    await queue.work("alerts", async (d) => {
      seen.push(d.account);
    });
    await queue.onIdle();
    expect(seen).to.deep.equal(["a"]);
  });

  it("does not queue a job twice while one with the same name and key is waiting", async () => {
    const queue = new InProcessQueue();
    const seen: string[] = [];
    await queue.enqueue("sync", { account: "widget", trigger: "first" }, { singletonKey: "widget" });
    await queue.enqueue("sync", { account: "widget", trigger: "second" }, { singletonKey: "widget" });
    await queue.enqueue("validate-tenants", { account: "widget", trigger: "third" }, { singletonKey: "widget" });
    await queue.enqueue("sync", { account: "acme", trigger: "fourth" }, { singletonKey: "acme" });
    await queue.work("sync", async (d) => {
      seen.push(d.trigger);
    });
    await queue.work("validate-tenants", async (d) => {
      seen.push(d.trigger);
    });
    await queue.onIdle();
    expect(seen.sort()).to.deep.equal(["first", "fourth", "third"]);
  });

  it("queues one more run behind a running one with the same key, and no more", async () => {
    const queue = new InProcessQueue();
    const c = controlled();
    await queue.work("sync", c.handler);
    await queue.enqueue("sync", { account: "w", trigger: "1" }, { singletonKey: "w" });
    await settle();
    expect(c.started.map((d) => d.trigger)).to.deep.equal(["1"]);
    await queue.enqueue("sync", { account: "w", trigger: "2" }, { singletonKey: "w" });
    await queue.enqueue("sync", { account: "w", trigger: "3" }, { singletonKey: "w" });
    await settle();
    expect(queue.counts()).to.deep.equal({ waiting: 1, running: 1 });
    await c.release(0);
    expect(c.started.map((d) => d.trigger)).to.deep.equal(["1", "2"]);
    await c.release(1);
    await queue.onIdle();
    expect(c.maxRunning).to.equal(1);
  });

  it("never runs two jobs with one key at once, whatever their names", async () => {
    const queue = new InProcessQueue({ concurrency: 4 });
    const c = controlled();
    await queue.work("sync", c.handler);
    await queue.work("validate-tenants", c.handler);
    await queue.enqueue("validate-tenants", { account: "w", trigger: "v" }, { singletonKey: "w" });
    await queue.enqueue("sync", { account: "w", trigger: "s" }, { singletonKey: "w" });
    await settle();
    expect(c.started.map((d) => d.trigger)).to.deep.equal(["v"]);
    await c.release(0);
    expect(c.started.map((d) => d.trigger)).to.deep.equal(["v", "s"]);
    await c.release(1);
    expect(c.maxRunning).to.equal(1);
  });

  it("runs different keys in parallel, bounded by the concurrency", async () => {
    const queue = new InProcessQueue({ concurrency: 2 });
    const c = controlled();
    await queue.work("sync", c.handler);
    for (const account of ["a", "b", "c"]) {
      await queue.enqueue("sync", { account, trigger: "t" }, { singletonKey: account });
    }
    await settle();
    expect(c.started.map((d) => d.account)).to.deep.equal(["a", "b"]);
    await c.release(0);
    expect(c.started.map((d) => d.account)).to.deep.equal(["a", "b", "c"]);
    await c.release(1);
    await c.release(2);
    await queue.onIdle();
    expect(c.maxRunning).to.equal(2);
  });

  it("does not deduplicate jobs without a singleton key", async () => {
    const queue = new InProcessQueue();
    let runs = 0;
    await queue.work("alerts", async () => {
      runs++;
    });
    await queue.enqueue("alerts", { account: "a", trigger: "t" });
    await queue.enqueue("alerts", { account: "a", trigger: "t" });
    await queue.onIdle();
    expect(runs).to.equal(2);
  });

  it("logs a failed job and goes on with the next one", async () => {
    const lines: { msg: string; job?: string; err?: string }[] = [];
    const logger = createLogger("info", { write: (l: string) => void lines.push(JSON.parse(l)) });
    const queue = new InProcessQueue({ logger, retryLimit: 0 });
    const seen: string[] = [];
    await queue.work("sync", async (d) => {
      if (d.trigger === "boom") throw new Error("graph unreachable");
      seen.push(d.trigger);
    });
    await queue.enqueue("sync", { account: "w", trigger: "boom" }, { singletonKey: "w" });
    await queue.enqueue("sync", { account: "w", trigger: "fine" }, { singletonKey: "w" });
    await queue.onIdle();
    expect(seen).to.deep.equal(["fine"]);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ msg: "job failed", job: "sync", err: "graph unreachable" });
  });

  describe("retries", () => {
    /** A sleep the test ends: each call waits until the test releases it. */
    function manualSleep() {
      const waits: { ms: number; done: () => void }[] = [];
      const sleep = (ms: number) => new Promise<void>((done) => waits.push({ ms, done }));
      return { sleep, waits };
    }

    it("tries a job that failed on an outage again, with doubling waits, up to the limit, with its attempt", async () => {
      const { sleep, waits } = manualSleep();
      const queue = new InProcessQueue({ sleep, retryLimit: 2, retryDelayMs: 100 });
      const attempts: number[] = [];
      await queue.work("refresh-instance", async (_d, context) => {
        attempts.push(context!.attempt);
        throw new UpstreamError("4me answered 503", 503);
      });
      await queue.enqueue("refresh-instance", { account: "w", trigger: "t" }, { singletonKey: "w" });
      await queue.onIdle();
      await settle();
      expect(attempts).to.deep.equal([0]);
      // The waiting retry counts as waiting, so an idle check does not call the queue done.
      expect(queue.counts()).to.deep.equal({ waiting: 1, running: 0 });
      for (const expected of [100, 200]) {
        const wait = waits.shift()!;
        expect(wait.ms).to.equal(expected);
        wait.done();
        await settle();
        await queue.onIdle();
        await settle();
      }
      expect(attempts).to.deep.equal([0, 1, 2]);
      expect(waits).to.have.length(0);
      expect(queue.counts()).to.deep.equal({ waiting: 0, running: 0 });
    });

    it("does not try again what fails the same way every time (credentials refused, a payload 4me rejects)", async () => {
      const { sleep, waits } = manualSleep();
      const queue = new InProcessQueue({ sleep });
      let runs = 0;
      await queue.work("sync", async () => {
        runs++;
        throw new AuthorizationError("invalid_client", "4me");
      });
      await queue.enqueue("sync", { account: "w", trigger: "t" }, { singletonKey: "w" });
      await queue.onIdle();
      await settle();
      expect(runs).to.equal(1);
      expect(waits).to.have.length(0);
    });

    it("drops a retry that a job waiting under the same name and key covers", async () => {
      const { sleep, waits } = manualSleep();
      const queue = new InProcessQueue({ sleep });
      const seen: string[] = [];
      const gate = deferred();
      await queue.work("sync", async (d) => {
        seen.push(d.trigger);
        if (d.trigger === "fails") throw new Error("socket hang up");
      });
      await queue.work("alerts", async () => gate.promise);
      await queue.enqueue("sync", { account: "w", trigger: "fails" }, { singletonKey: "w" });
      await queue.onIdle();
      await settle();
      // The key is busy (an alerts pass), so the next sync waits; the retry then finds it waiting and adds nothing.
      await queue.enqueue("alerts", { account: "w", trigger: "t" }, { singletonKey: "w" });
      await queue.enqueue("sync", { account: "w", trigger: "waits" }, { singletonKey: "w" });
      waits.shift()!.done();
      await settle();
      expect(queue.counts()).to.deep.equal({ waiting: 1, running: 1 });
      gate.resolve();
      await settle();
      await queue.onIdle();
      expect(seen).to.deep.equal(["fails", "waits"]);
    });

    it("drops a retry when the queue stopped meanwhile", async () => {
      const { sleep, waits } = manualSleep();
      const queue = new InProcessQueue({ sleep });
      let runs = 0;
      await queue.work("sync", async () => {
        runs++;
        throw new Error("socket hang up");
      });
      await queue.enqueue("sync", { account: "w", trigger: "t" }, { singletonKey: "w" });
      await queue.onIdle();
      await settle();
      await queue.stop(0);
      waits.shift()!.done();
      await settle();
      expect(runs).to.equal(1);
      expect(queue.counts()).to.deep.equal({ waiting: 0, running: 0 });
    });
  });

  it("stop() drops waiting jobs, waits for running ones, and refuses new ones", async () => {
    const queue = new InProcessQueue({ concurrency: 1 });
    const c = controlled();
    await queue.work("sync", c.handler);
    await queue.enqueue("sync", { account: "a", trigger: "t" }, { singletonKey: "a" });
    await queue.enqueue("sync", { account: "b", trigger: "t" }, { singletonKey: "b" });
    await settle();
    let stopped = false;
    const stopping = queue.stop(60_000).then(() => (stopped = true));
    await settle();
    expect(stopped, "waits for the running job").to.equal(false);
    await c.release(0);
    await stopping;
    expect(c.started.map((d) => d.account)).to.deep.equal(["a"]);
    let error: unknown;
    await queue.enqueue("sync", { account: "c", trigger: "t" }).catch((err) => (error = err));
    expect((error as Error).message).to.equal("job queue stopped; sync not queued");
  });

  it("stop() gives up after its timeout when a job does not finish", async () => {
    const timeout = deferred();
    const waits: number[] = [];
    const queue = new InProcessQueue({
      sleep: (ms) => {
        waits.push(ms);
        return timeout.promise;
      },
    });
    const c = controlled();
    await queue.work("sync", c.handler);
    await queue.enqueue("sync", { account: "a", trigger: "t" });
    await settle();
    const stopping = queue.stop(1234);
    timeout.resolve();
    await stopping;
    expect(waits).to.deep.equal([1234]);
    expect(queue.counts().running).to.equal(1);
    await c.release(0);
  });
});
