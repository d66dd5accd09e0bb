import { expect } from "chai";
import { RateLimiter, spreadDelay } from "../../../src/fourme/rate-limiter.js";
import { backoffDelay, parseResetHeader, parseRetryAfter } from "../../../src/fourme/timing.js";
import { RecordingClock, T0 } from "./helpers.js";

describe("4me rate limiter", () => {
  it("does not wait while the hourly budget is comfortable", () => {
    expect(spreadDelay({ limit: 3600, remaining: 1000, resetAt: T0 + 60_000 }, 1, T0, 0.1)).to.equal(0);
  });

  it("spreads the last tenth of a budget evenly over the time left", () => {
    expect(spreadDelay({ limit: 3600, remaining: 300, resetAt: T0 + 600_000 }, 1, T0, 0.1)).to.equal(2000);
  });

  it("waits for the reset when the budget cannot pay for the next request", () => {
    expect(spreadDelay({ limit: 5000, remaining: 3, resetAt: T0 + 90_000 }, 5, T0, 0.1)).to.equal(90_000);
    expect(spreadDelay({ limit: 5000, remaining: 0, resetAt: T0 - 1 }, 5, T0, 0.1)).to.equal(0);
  });

  it("says writes should stop once a budget from the headers is down to its reserve, until it resets", () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ burstCap: 0 }, clock);
    const headers = (requests: number, cost: number, resetS = Math.ceil(T0 / 1000) + 600) =>
      new Headers({
        "X-RateLimit-Limit": "3600",
        "X-RateLimit-Remaining": String(requests),
        "X-RateLimit-Reset": String(resetS),
        "X-CostLimit-Limit": "5000",
        "X-CostLimit-Cost": "2",
        "X-CostLimit-Remaining": String(cost),
        "X-CostLimit-Reset": String(resetS),
      });
    expect(limiter.nearlySpent()).to.equal(undefined);
    limiter.observe(headers(361, 4000));
    expect(limiter.nearlySpent()).to.equal(undefined);
    limiter.observe(headers(360, 4000));
    expect(limiter.nearlySpent()).to.match(/^360 of 3600 requests left until \d{4}-/);
    limiter.observe(headers(3000, 499));
    expect(limiter.nearlySpent()).to.match(/^499 of 5000 cost points left/);
    // A window that has reset says nothing any more.
    limiter.observe(headers(10, 10, Math.floor(T0 / 1000) - 1));
    expect(limiter.nearlySpent()).to.equal(undefined);
  });

  it("keeps a local cap per rolling hour when 4me sends no headers", async () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ burstCap: 0, requestsPerHour: 2 }, clock);
    for (let i = 0; i < 3; i++) await limiter.schedule(async () => i);
    expect(clock.sleeps).to.deep.equal([3_600_000]);
  });

  it("holds every request of the token during a pause", async () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ burstCap: 0 }, clock);
    limiter.pause(4000);
    await limiter.schedule(async () => 1);
    expect(clock.sleeps).to.deep.equal([4000]);
  });

  it("lets 20 requests through in a burst window and holds the 21st", async () => {
    const limiter = new RateLimiter({}, new RecordingClock());
    const ran: number[] = [];
    for (let i = 0; i < 21; i++) void limiter.schedule(async () => ran.push(i));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).to.have.length(20);
    expect(limiter.burstLimited).to.equal(true);
    expect(limiter.pending).to.equal(1);
    limiter.clear();
  });

  it("lets everything through at once when the burst limit is off (sandbox benchmarks)", async () => {
    const limiter = new RateLimiter({ burstCap: 0, concurrency: 100 }, new RecordingClock());
    const ran: number[] = [];
    for (let i = 0; i < 50; i++) void limiter.schedule(async () => ran.push(i));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).to.have.length(50);
  });
});

describe("4me retry timing", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("12", T0)).to.equal(12_000);
    expect(parseRetryAfter(new Date(T0 + 45_000).toUTCString(), T0)).to.equal(45_000);
    expect(parseRetryAfter("soon", T0)).to.equal(undefined);
    expect(parseRetryAfter(null, T0)).to.equal(undefined);
  });

  it("reads reset headers as epoch seconds", () => {
    expect(parseResetHeader(String(T0 / 1000 + 30), T0)).to.equal(T0 + 30_000);
  });

  it("doubles the backoff step per attempt up to the cap, with half of it random", () => {
    const opts = { baseMs: 500, maxMs: 4000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, () => 0))).to.deep.equal([250, 500, 1000, 2000, 2000]);
    expect(backoffDelay(1, opts, () => 1)).to.equal(500);
  });
});
