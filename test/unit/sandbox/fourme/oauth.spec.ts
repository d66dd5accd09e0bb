import { expect } from "chai";
import { ManualClock, startFourMeSimulator, type FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";

const QUERY = JSON.stringify({ query: "{ me { id name } }" });

async function tokenRequest(
  sim: FourMeSimulator,
  body: Record<string, string>,
  json = false,
  headers: Record<string, string> = {},
) {
  const res = await fetch(sim.oauthTokenUrl, {
    method: "POST",
    headers: { "Content-Type": json ? "application/json" : "application/x-www-form-urlencoded", ...headers },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function graphql(
  sim: FourMeSimulator,
  token: string | undefined,
  account: string | undefined,
  header = "X-4me-Account",
) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (account) headers[header] = account;
  const res = await fetch(sim.graphqlUrl, { method: "POST", headers, body: QUERY });
  return {
    status: res.status,
    body: (await res.json()) as { data?: { me: { name: string } }; errors?: { message: string }[] },
  };
}

describe("4me simulator OAuth", () => {
  let sim: FourMeSimulator;
  const clock = new ManualClock();
  const creds = () => ({
    grant_type: "client_credentials",
    client_id: sim.provider.clientId,
    client_secret: sim.provider.clientSecret,
  });
  before(async () => {
    sim = await startFourMeSimulator({ clock, tokenTtlSeconds: 60 });
  });
  after(() => sim.close());

  it("issues a bearer token for client credentials sent as a form", async () => {
    const r = await tokenRequest(sim, creds());
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ token_type: "bearer", expires_in: 60 });
    expect(r.body.access_token).to.be.a("string");
  });

  it("issues a token for client credentials sent as JSON with the account header", async () => {
    const r = await tokenRequest(sim, creds(), true, { "X-4me-Account": sim.provider.account });
    expect(r.status).to.equal(200);
    const gql = await graphql(sim, r.body.access_token as string, sim.provider.account);
    expect(gql.status).to.equal(200);
    expect(gql.body.data!.me.name).to.equal("Intune connector provider");
  });

  it("answers 401 invalid_client for a wrong secret or an unknown client", async () => {
    for (const body of [
      { ...creds(), client_secret: "nope" },
      { ...creds(), client_id: "unknown" },
    ]) {
      const r = await tokenRequest(sim, body);
      expect(r.status).to.equal(401);
      expect(r.body.error).to.equal("invalid_client");
    }
  });

  it("answers 401 invalid_client when the account header names another account", async () => {
    const r = await tokenRequest(sim, creds(), false, { "X-Xurrent-Account": "someone-else" });
    expect(r.status).to.equal(401);
    expect(r.body.error).to.equal("invalid_client");
  });

  it("answers 400 for a missing parameter or another grant type", async () => {
    const missing = await tokenRequest(sim, { grant_type: "client_credentials", client_id: sim.provider.clientId });
    expect(missing).to.deep.include({ status: 400 });
    expect(missing.body.error).to.equal("invalid_request");
    const grant = await tokenRequest(sim, { ...creds(), grant_type: "password" });
    expect(grant.status).to.equal(400);
    expect(grant.body.error).to.equal("unsupported_grant_type");
  });

  it("refuses GraphQL without a token, with an unknown token, and with an expired token", async () => {
    expect((await graphql(sim, undefined, sim.provider.account)).status).to.equal(401);
    expect((await graphql(sim, "made-up", sim.provider.account)).status).to.equal(401);
    const token = (await tokenRequest(sim, creds())).body.access_token as string;
    expect((await graphql(sim, token, sim.provider.account)).status).to.equal(200);
    clock.advance(59_000);
    expect((await graphql(sim, token, sim.provider.account)).status).to.equal(200);
    clock.advance(1_000);
    const expired = await graphql(sim, token, sim.provider.account);
    expect(expired.status).to.equal(401);
    expect(expired.body.errors![0].message).to.equal("Token expired");
  });

  it("expires every token on request (tests of refresh on 401)", async () => {
    const token = (await tokenRequest(sim, creds())).body.access_token as string;
    sim.expireTokens();
    expect((await graphql(sim, token, sim.provider.account)).status).to.equal(401);
  });

  it("requires an account header that matches the token's account; both brands' headers work", async () => {
    const token = (await tokenRequest(sim, creds())).body.access_token as string;
    expect((await graphql(sim, token, undefined)).status).to.equal(400);
    expect((await graphql(sim, token, "other")).status).to.equal(403);
    expect((await graphql(sim, token, sim.provider.account, "X-Xurrent-Account")).status).to.equal(200);
  });

  it("stops a disabled application: invalid_client for new tokens, 401 for issued ones", async () => {
    const app = sim.createOAuthClient("acme", "Other app");
    const body = { grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret };
    const token = (await tokenRequest(sim, body)).body.access_token as string;
    expect((await graphql(sim, token, "acme")).status).to.equal(200);
    sim.disableOAuthClient(app.clientId);
    expect((await tokenRequest(sim, body)).body.error).to.equal("invalid_client");
    expect((await graphql(sim, token, "acme")).status).to.equal(401);
  });
});
