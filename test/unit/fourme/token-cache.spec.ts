import { expect } from "chai";
import nock from "nock";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { AuthorizationError, UpstreamError } from "../../../src/errors.js";
import { FourMeCredentialsError, TokenCache } from "../../../src/fourme/token-cache.js";
import { RecordingClock, graphqlServer, testClients, tokenEndpoint } from "./helpers.js";

const creds = { account: "widget", clientId: "cid", clientSecret: "s3cr3t-value" };

describe("4me token cache", () => {
  it("asks for a client-credentials token form-encoded, with the account header, and caches it", async () => {
    const { clients, graphql, oauth } = testClients("4me.com");
    const tokens = tokenEndpoint(oauth);
    const server = graphqlServer(graphql, { TeamsByName: () => ({ teams: { nodes: [] } }) });
    const api = await clients.customer("widget", { clientId: "cid", clientSecret: "s3cr3t-value" });
    await api.findTeams(["Workplace"]);
    await api.findTeams(["Servers"]);

    expect(tokens.calls).to.equal(1);
    const form = new URLSearchParams(tokens.bodies[0]);
    expect(Object.fromEntries(form)).to.deep.equal({
      grant_type: "client_credentials",
      client_id: "cid",
      client_secret: "s3cr3t-value",
    });
    expect(tokens.headers[0]["content-type"]).to.equal("application/x-www-form-urlencoded");
    expect(tokens.headers[0]["x-4me-account"]).to.equal("widget");
    expect(server.sent.map((s) => s.headers.authorization)).to.deep.equal(["Bearer token-1", "Bearer token-1"]);
  });

  it("fetches a new token shortly before the old one expires", async () => {
    const clock = new RecordingClock();
    const { clients, graphql, oauth } = testClients("4me.com", { clock });
    const tokens = tokenEndpoint(oauth, 3600);
    const server = graphqlServer(graphql, { TeamsByName: () => ({ teams: { nodes: [] } }) });
    const api = await clients.customer("widget", { clientId: "cid", clientSecret: "x" });
    await api.findTeams(["a"]);
    clock.time += 3530_000; // 70 s before expiry: still valid
    await api.findTeams(["a"]);
    clock.time += 20_000; // 50 s before expiry: inside the one-minute margin
    await api.findTeams(["a"]);
    expect(tokens.calls).to.equal(2);
    expect(server.sent.map((s) => s.headers.authorization)).to.deep.equal([
      "Bearer token-1",
      "Bearer token-1",
      "Bearer token-2",
    ]);
  });

  it("refreshes the token once when GraphQL answers 401, then succeeds", async () => {
    const { clients, graphql, oauth } = testClients();
    const tokens = tokenEndpoint(oauth);
    const server = graphqlServer(graphql, {
      TeamsByName: (_v, n) =>
        n === 1 ? { status: 401, body: { errors: [{ message: "Unauthorized" }] } } : { teams: { nodes: [] } },
    });
    const api = await clients.customer("widget", { clientId: "cid", clientSecret: "x" });
    await api.findTeams(["a"]);
    expect(tokens.calls).to.equal(2);
    expect(server.sent.map((s) => s.headers.authorization)).to.deep.equal(["Bearer token-1", "Bearer token-2"]);
  });

  it("gives up with an AuthorizationError when the fresh token is refused too", async () => {
    const { clients, graphql, oauth } = testClients();
    const tokens = tokenEndpoint(oauth);
    graphqlServer(graphql, { TeamsByName: () => ({ status: 401, body: { errors: [{ message: "Unauthorized" }] } }) });
    const api = await clients.customer("widget", { clientId: "cid", clientSecret: "x" });
    const err = await api.findTeams(["a"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AuthorizationError);
    expect((err as AuthorizationError).service).to.equal("4me");
    expect(tokens.calls).to.equal(2);
  });

  it("turns invalid_client into FourMeCredentialsError without retrying or leaking the secret", async () => {
    const clock = new RecordingClock();
    const scope = nock("https://oauth.4me.com")
      .post("/token")
      .reply(400, { error: "invalid_client", error_description: "Client authentication failed" });
    const cache = new TokenCache({ oauthTokenUrl: "https://oauth.4me.com/token", domain: "4me.com", clock });
    const err = await cache.getToken(creds).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FourMeCredentialsError).and.instanceOf(AuthorizationError);
    expect((err as FourMeCredentialsError).reason).to.equal("invalid_client");
    expect((err as FourMeCredentialsError).account).to.equal("widget");
    expect((err as Error).message)
      .to.include("invalid_client")
      .and.not.include(creds.clientSecret);
    expect(clock.sleeps).to.deep.equal([]);
    expect(scope.isDone()).to.equal(true);
  });

  it("treats a 401 from the token endpoint as refused credentials", async () => {
    nock("https://oauth.xurrent.com").post("/token").reply(401, "");
    const cache = new TokenCache({ oauthTokenUrl: "https://oauth.xurrent.com/token", domain: "xurrent.com" });
    const err = await cache.getToken(creds).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as FourMeCredentialsError).reason).to.equal("http_401");
  });

  it("names the host and the network cause when 4me cannot be reached at all", async () => {
    // A port nothing listens on: the real fetch fails with undici's bare "fetch failed" and ECONNREFUSED as cause.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const cache = new TokenCache({
      oauthTokenUrl: `http://127.0.0.1:${port}/token`,
      domain: "4me.com",
      clock: new RecordingClock(),
      maxAttempts: 2,
    });
    const err = await cache.getToken(creds).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).to.equal(
      `4me token request to 127.0.0.1:${port} failed after 2 attempts: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it("retries a token endpoint outage with backoff, then fails with UpstreamError", async () => {
    const clock = new RecordingClock();
    nock("https://oauth.4me.com").post("/token").times(3).reply(503, "down");
    const cache = new TokenCache({
      oauthTokenUrl: "https://oauth.4me.com/token",
      domain: "4me.com",
      clock,
      random: () => 0,
      maxAttempts: 3,
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    const err = await cache.getToken(creds).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(UpstreamError);
    expect((err as UpstreamError).status).to.equal(503);
    expect(clock.sleeps).to.deep.equal([50, 100]);
  });

  it("shares one token request between concurrent callers", async () => {
    let calls = 0;
    nock("https://oauth.4me.com")
      .post("/token")
      .reply(() => {
        calls++;
        return [200, { access_token: "shared", expires_in: 3600 }];
      });
    const cache = new TokenCache({ oauthTokenUrl: "https://oauth.4me.com/token", domain: "4me.com" });
    const tokens = await Promise.all([cache.getToken(creds), cache.getToken(creds), cache.getToken(creds)]);
    expect(tokens).to.deep.equal(["shared", "shared", "shared"]);
    expect(calls).to.equal(1);
  });
});
