import { expect } from "chai";
import nock from "nock";
import { MutationError, RateLimitError, UpstreamError } from "../../../src/errors.js";
import { graphqlServer, testClients, tokenEndpoint } from "./helpers.js";

const teams = () => ({ teams: { nodes: [{ id: "T1", name: "Workplace", disabled: false }] } });
const creds = { clientId: "cid", clientSecret: "x" };
const failure = (e: unknown) => e;

describe("4me GraphQL client", () => {
  it("sends the bearer token and X-4me-Account on 4me domains", async () => {
    const { clients, graphql, oauth } = testClients("4me.com");
    tokenEndpoint(oauth);
    const server = graphqlServer(graphql, { TeamsByName: teams });
    await (await clients.customer("widget", creds)).findTeams(["Workplace"]);
    expect(server.sent[0].headers["x-4me-account"]).to.equal("widget");
    expect(server.sent[0].headers["x-xurrent-account"]).to.equal(undefined);
    expect(server.sent[0].headers.authorization).to.equal("Bearer token-1");
  });

  it("sends X-Xurrent-Account on Xurrent domains, for GraphQL and token requests alike", async () => {
    const { clients, graphql, oauth } = testClients("xurrent.qa");
    const tokens = tokenEndpoint(oauth);
    const server = graphqlServer(graphql, { TeamsByName: teams });
    await (await clients.customer("widget", creds)).findTeams(["Workplace"]);
    expect(server.sent[0].headers["x-xurrent-account"]).to.equal("widget");
    expect(server.sent[0].headers["x-4me-account"]).to.equal(undefined);
    expect(tokens.headers[0]["x-xurrent-account"]).to.equal("widget");
  });

  it("honours a 429 Retry-After in seconds before retrying", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    const server = graphqlServer(graphql, {
      TeamsByName: (_v, n) => (n === 1 ? { status: 429, headers: { "Retry-After": "7" }, body: {} } : teams()),
    });
    const result = await (await clients.customer("widget", creds)).findTeams(["Workplace"]);
    expect(result.map((t) => t.id)).to.deep.equal(["T1"]);
    expect(clock.sleeps).to.deep.equal([7000]);
    expect(server.sent).to.have.length(2);
    expect(clients.stats.throttled).to.equal(1);
  });

  it("honours a 429 Retry-After given as an HTTP date", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    const at = new Date(clock.now() + 30_000).toUTCString();
    graphqlServer(graphql, {
      TeamsByName: (_v, n) => (n === 1 ? { status: 429, headers: { "Retry-After": at }, body: {} } : teams()),
    });
    await (await clients.customer("widget", creds)).findTeams(["Workplace"]);
    expect(clock.sleeps).to.deep.equal([30_000]);
  });

  it("fails with RateLimitError when Retry-After asks for longer than it will wait", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    graphqlServer(graphql, { TeamsByName: () => ({ status: 429, headers: { "Retry-After": "3600" }, body: {} }) });
    const err = await (await clients.customer("widget", creds)).findTeams(["a"]).then(undefined, failure);
    expect(err).to.be.instanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).to.equal(3_600_000);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("retries 5xx answers with exponential backoff and jitter, then succeeds", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    const server = graphqlServer(graphql, {
      TeamsByName: (_v, n) => (n <= 2 ? { status: n === 1 ? 502 : 503, body: "bad gateway" } : teams()),
    });
    const result = await (await clients.customer("widget", creds)).findTeams(["Workplace"]);
    expect(result).to.have.length(1);
    // random() = 0.5: half the step fixed plus a quarter → 0.75 × 500 ms, then 0.75 × 1000 ms.
    expect(clock.sleeps).to.deep.equal([375, 750]);
    expect(server.sent).to.have.length(3);
    expect(clients.stats.retries).to.equal(2);
  });

  it("gives up after the bounded number of attempts with an UpstreamError carrying the status", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    const server = graphqlServer(graphql, { TeamsByName: () => ({ status: 503, body: "unavailable" }) });
    const err = await (await clients.customer("widget", creds)).findTeams(["a"]).then(undefined, failure);
    expect(err).to.be.instanceOf(UpstreamError);
    expect((err as UpstreamError).status).to.equal(503);
    expect((err as Error).message)
      .to.include("TeamsByName")
      .and.include("5 attempts");
    expect(server.sent).to.have.length(5);
    expect(clock.sleeps).to.have.length(4);
    expect(clients.stats.snapshot().byOperation).to.deep.equal({ TeamsByName: 5 });
  });

  it("retries network errors", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    // What undici throws when the connection drops: TypeError("fetch failed") with the socket error as cause.
    const dropped = new TypeError("fetch failed", {
      cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    });
    nock(graphql).post("/").replyWithError(dropped);
    graphqlServer(graphql, { TeamsByName: teams });
    const result = await (await clients.customer("widget", creds)).findTeams(["a"]);
    expect(result).to.have.length(1);
    expect(clock.sleeps).to.deep.equal([375]);
  });

  describe("a create that may have reached 4me is never sent twice", () => {
    const noted = () => ({
      noteCreate: { errors: null, note: { id: "NG1-note-1", createdAt: "2026-11-26T10:00:00Z" } },
    });
    const addNote = async (clients: ReturnType<typeof testClients>["clients"]) =>
      (await clients.customer("widget", creds)).addNote("NG1-req-1", "still failing");

    it("gives up after a 5xx at once, saying why, where a read or an update would retry", async () => {
      const { clients, clock, graphql, oauth } = testClients();
      tokenEndpoint(oauth);
      const server = graphqlServer(graphql, { NoteCreate: () => ({ status: 502, body: "bad gateway" }) });
      const err = await addNote(clients).then(undefined, failure);
      expect(err).to.be.instanceOf(UpstreamError);
      expect((err as Error).message).to.equal(
        "4me NoteCreate failed (HTTP 502); not sent again, as 4me may have carried it out",
      );
      expect(server.sent).to.have.length(1);
      expect(clock.sleeps).to.deep.equal([]);
    });

    it("gives up when the connection drops after sending, and retries one that was never made", async () => {
      const { clients, clock, graphql, oauth } = testClients();
      tokenEndpoint(oauth);
      const dropped = new TypeError("fetch failed", {
        cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      });
      nock(graphql).post("/").replyWithError(dropped);
      expect(await addNote(clients).then(undefined, failure)).to.be.instanceOf(UpstreamError);

      const refused = new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }),
      });
      nock(graphql).post("/").replyWithError(refused);
      graphqlServer(graphql, { NoteCreate: noted });
      expect(await addNote(clients)).to.include({ id: "NG1-note-1" });
      expect(clock.sleeps).to.deep.equal([375]);
    });

    it("still waits out a 429, which 4me answers before doing anything", async () => {
      const { clients, graphql, oauth } = testClients();
      tokenEndpoint(oauth);
      const server = graphqlServer(graphql, {
        NoteCreate: (_v, n) =>
          n === 1 ? { status: 429, body: "slow down", headers: { "Retry-After": "1" } } : noted(),
      });
      expect(await addNote(clients)).to.include({ id: "NG1-note-1" });
      expect(server.sent).to.have.length(2);
    });
  });

  it("turns mutation payload errors into MutationError with path and message", async () => {
    const { clients, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    graphqlServer(graphql, {
      ConfigurationItemUpdate: () => ({
        configurationItemUpdate: {
          errors: [{ path: ["input", "serialNr"], message: "is too long (maximum is 50 characters)" }],
          configurationItem: null,
        },
      }),
    });
    const api = await clients.customer("widget", creds);
    const err = await api.updateCi("CI1", { serialNr: "x".repeat(60) }).then(undefined, failure);
    expect(err).to.be.instanceOf(MutationError);
    expect((err as MutationError).mutation).to.equal("configurationItemUpdate");
    expect((err as MutationError).errors).to.deep.equal([
      { path: ["input", "serialNr"], message: "is too long (maximum is 50 characters)" },
    ]);
    expect((err as Error).message).to.equal(
      "configurationItemUpdate: input.serialNr: is too long (maximum is 50 characters)",
    );
  });

  it("turns top-level GraphQL errors into UpstreamError without retrying", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    const server = graphqlServer(graphql, {
      TeamsByName: () => ({ status: 200, body: { data: null, errors: [{ message: "Argument 'first' is invalid" }] } }),
    });
    const err = await (await clients.customer("widget", creds)).findTeams(["a"]).then(undefined, failure);
    expect(err).to.be.instanceOf(UpstreamError);
    expect((err as Error).message).to.include("Argument 'first' is invalid");
    expect(server.sent).to.have.length(1);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("slows down when the rate-limit headers say little is left, before 4me answers 429", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    const reset = String(Math.floor(clock.now() / 1000) + 100);
    graphqlServer(graphql, {
      TeamsByName: () => ({
        status: 200,
        headers: { "X-RateLimit-Limit": "3600", "X-RateLimit-Remaining": "10", "X-RateLimit-Reset": reset },
        body: { data: teams() },
      }),
    });
    const api = await clients.customer("widget", creds);
    await api.findTeams(["a"]);
    expect(clock.sleeps).to.deep.equal([]);
    await api.findTeams(["b"]);
    // 10 requests left for 100 s: one request per 10 s.
    expect(clock.sleeps).to.deep.equal([10_000]);
  });

  it("waits for the cost window to reset when the cost budget is spent", async () => {
    const { clients, clock, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    const reset = String(Math.floor(clock.now() / 1000) + 600);
    graphqlServer(graphql, {
      TeamsByName: () => ({
        status: 200,
        headers: {
          "X-CostLimit-Limit": "5000",
          "X-CostLimit-Remaining": "3",
          "X-CostLimit-Cost": "4",
          "X-CostLimit-Reset": reset,
        },
        body: { data: teams() },
      }),
    });
    const api = await clients.customer("widget", creds);
    await api.findTeams(["a"]);
    await api.findTeams(["b"]);
    expect(clock.sleeps).to.deep.equal([600_000]);
  });

  it("counts requests by operation name over all clients of the factory", async () => {
    const { clients, graphql, oauth } = testClients();
    tokenEndpoint(oauth);
    graphqlServer(graphql, {
      TeamsByName: teams,
      ServiceInstances: () => ({ serviceInstances: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } }),
    });
    const a = await clients.customer("widget", creds);
    const b = await clients.customer("acme", creds);
    await a.findTeams(["a"]);
    await b.findTeams(["b"]);
    await b.findServiceInstances(["Laptops"]);
    expect(clients.stats.snapshot()).to.deep.equal({
      total: 3,
      retries: 0,
      throttled: 0,
      byOperation: { ServiceInstances: 1, TeamsByName: 2 },
    });
  });
});
