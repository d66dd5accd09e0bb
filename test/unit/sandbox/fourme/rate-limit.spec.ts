import { expect } from "chai";
import { ManualClock, type FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, withSim, type Client } from "./helpers.js";

const ME = `query Me { me { id } }`;

describe("4me simulator rate limits and fault injection", () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 9, 0, 0));
  let sim: FourMeSimulator;
  let c: Client;
  before(async () => {
    sim = await withSim({ clock, tokenTtlSeconds: 86_400 });
    c = await clientFor(sim, sim.provider.account);
  });
  afterEach(() => {
    sim.setFaults({ rate429: 0, rate5xx: 0, next429: 0, next5xx: 0 });
    sim.setRateLimits({ enforce: false, requestsPerHour: 3600, costPerHour: 5000 });
  });
  after(() => sim.close());

  it("sends X-RateLimit-* and X-CostLimit-* headers on every response", async () => {
    const first = await c.gql(ME);
    const second = await c.gql(`{ me { id } rateLimit { remaining } }`);
    expect(first.headers.get("x-ratelimit-limit")).to.equal("3600");
    expect(
      Number(first.headers.get("x-ratelimit-remaining")) - Number(second.headers.get("x-ratelimit-remaining")),
    ).to.equal(1);
    expect(Number(first.headers.get("x-ratelimit-reset"))).to.be.greaterThan(Math.floor(clock.now() / 1000));
    expect(first.headers.get("x-costlimit-limit")).to.equal("5000");
    expect(second.headers.get("x-costlimit-cost")).to.equal("2");
    expect(second.headers.get("x-costlimit-remaining")).to.equal(String(second.body.data!.rateLimit.remaining));
  });

  it("answers the next N requests with 429 and Retry-After, then recovers", async () => {
    sim.setFaults({ next429: 2, retryAfterSeconds: 7 });
    const r1 = await c.gql(ME);
    const r2 = await c.gql(ME);
    expect([r1.status, r2.status]).to.deep.equal([429, 429]);
    expect(r1.headers.get("retry-after")).to.equal("7");
    expect(r1.headers.get("x-ratelimit-limit")).to.equal("3600");
    expect((await c.gql(ME)).status).to.equal(200);
  });

  it("injects 5xx at a seeded rate: the same seed fails the same requests", async () => {
    const run = async () => {
      sim.setFaults({ rate5xx: 0.3, status5xx: 502, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await c.gql(ME)).status);
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).to.deep.equal(b);
    const failed = a.filter((s) => s === 502).length;
    expect(failed).to.be.within(3, 18);
    expect(a.filter((s) => s !== 502 && s !== 200)).to.deep.equal([]);
  });

  it("switches faults at run time through the inspection API", async () => {
    const set = await fetch(`${sim.url}/_sandbox/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rate429: 1, retryAfterSeconds: 3 }),
    });
    expect(((await set.json()) as { rate429: number }).rate429).to.equal(1);
    const r = await c.gql(ME);
    expect(r.status).to.equal(429);
    expect(r.headers.get("retry-after")).to.equal("3");
    const bad = await fetch(`${sim.url}/_sandbox/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rate5xx: 2 }),
    });
    expect(bad.status).to.equal(400);
  });

  it("enforces the hourly request budget when asked, with Retry-After until the window resets", async () => {
    sim.setRateLimits({ enforce: true, requestsPerHour: 2 });
    expect((await c.gql(ME)).status).to.equal(200);
    const last = await c.gql(ME);
    expect(last.headers.get("x-ratelimit-remaining")).to.equal("0");
    const over = await c.gql(ME);
    expect(over.status).to.equal(429);
    expect(Number(over.headers.get("retry-after"))).to.be.within(3599, 3600);
    clock.advance(3_600_000);
    expect((await c.gql(ME)).status).to.equal(200);
  });

  it("counts throttled and failed requests in the stats", async () => {
    sim.resetStats();
    sim.setFaults({ next429: 1, next5xx: 1 });
    await c.gql(ME);
    await c.gql(ME);
    await c.gql(ME);
    const s = sim.stats();
    expect(s.total).to.equal(3);
    expect(s.byOperation.Me).to.equal(3);
    expect(s.rejected).to.deep.include({ throttled: 1, serverErrors: 1 });
    expect(s.byQueryField.me).to.equal(1);
  });
});
