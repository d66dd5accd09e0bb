// MSAL against a minimal loopback Entra: checks the sandbox recipe (https authority on a made-up host, known
// authorities, a network client routed to loopback), per-tenant authority per cloud, caching and error mapping.
import { expect } from "chai";
import { everyCloud } from "../../helpers/entra-apps.js";
import { NoEntraAppError } from "../../../src/intune/entra-apps.js";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import type { AddressInfo } from "node:net";
import { UpstreamError } from "../../../src/errors.js";
import { EntraAuthorizationError, MsalGraphTokens, entraError } from "../../../src/intune/tokens.js";
import { loopbackNetworkClient } from "../../../src/intune/loopback-network.js";

const OK = "4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10";
const REVOKED = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const BAD_SECRET = "0f0f0f0f-1111-4222-8333-444444444444";
const OTHER = "5b6c7d8e-1a2b-4c3d-8e4f-a1b2c3d4e5f6";
const THIRD = "c0ffee00-0000-4000-8000-000000000003";
const CERT_SHA256 = randomBytes(32).toString("hex");
const certKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });

function jwt(claims: object): string {
  const b = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b({ alg: "none", typ: "JWT" })}.${b(claims)}.`;
}

describe("MsalGraphTokens", () => {
  let server: Server;
  let base: string;
  const posts: { path: string; body: string }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", (): void => {
        const m =
          /^\/login\/([a-z-]+)\/([0-9a-f-]{36})\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(
            (req.url ?? "").split("?")[0],
          );
        res.setHeader("content-type", "application/json");
        if (!m) {
          res.writeHead(404).end("{}");
          return;
        }
        const [, cloud, tid, what] = m;
        const root = `${base}/login/${cloud}/${tid}`;
        if (what.startsWith("v2.0")) {
          res.end(
            JSON.stringify({
              issuer: `${root}/v2.0`,
              token_endpoint: `${root}/oauth2/v2.0/token`,
              authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
              end_session_endpoint: `${root}/oauth2/v2.0/logout`,
              jwks_uri: `${root}/discovery/v2.0/keys`,
            }),
          );
          return;
        }
        posts.push({ path: req.url!.split("?")[0], body });
        const params = new URLSearchParams(body);
        const fail = (code: number, error: string) =>
          res
            .writeHead(400)
            .end(JSON.stringify({ error, error_description: `AADSTS${code}: refused`, error_codes: [code] }));
        if (tid === REVOKED) {
          fail(7000229, "invalid_client");
          return;
        }
        if (tid === BAD_SECRET) {
          fail(7000215, "invalid_client");
          return;
        }
        const roles = ["DeviceManagementManagedDevices.Read.All"];
        const issue = () =>
          res.end(
            JSON.stringify({
              token_type: "Bearer",
              expires_in: 3599,
              access_token: jwt({ tid, roles, aud: params.get("scope"), n: posts.length }),
            }),
          );
        const assertion = params.get("client_assertion");
        if (assertion) {
          // private_key_jwt: the audience is the token endpoint as the client sees it (the made-up host).
          const header = decodeProtectedHeader(assertion);
          const aud = `https://${cloud}.login.sandbox.invalid/${tid}/oauth2/v2.0/token`;
          if (header["x5t#S256"] !== Buffer.from(CERT_SHA256, "hex").toString("base64url")) {
            fail(700027, "invalid_client");
            return;
          }
          jwtVerify(assertion, certKeys.publicKey, {
            algorithms: ["PS256", "RS256"],
            audience: aud,
            issuer: "app-id",
            clockTolerance: 60, // MSAL rounds nbf; Entra allows skew too
          })
            .then(issue)
            .catch(() => fail(700027, "invalid_client"));
          return;
        }
        if (params.get("client_secret") !== "s3cret") {
          fail(7000215, "invalid_client");
          return;
        }
        res.end(
          JSON.stringify({
            token_type: "Bearer",
            expires_in: 3599,
            access_token: jwt({ tid, roles, aud: params.get("scope"), n: posts.length }),
          }),
        );
      });
    });
    server.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));
  beforeEach(() => (posts.length = 0));

  const tokens = () =>
    new MsalGraphTokens({
      apps: everyCloud({ clientId: "app-id", clientSecret: "s3cret" }),
      loginUrl: `${base}/login`,
    });

  it("gets a token from the tenant's authority on the loopback simulator, with the cloud's Graph scope", async () => {
    const t = await tokens().graphToken({ tenantId: OK, cloud: "usgov" });

    expect(t.roles).to.deep.equal(["DeviceManagementManagedDevices.Read.All"]);
    expect(posts).to.have.length(1);
    expect(posts[0].path).to.equal(`/login/usgov/${OK}/oauth2/v2.0/token`);
    const params = new URLSearchParams(posts[0].body);
    expect(params.get("grant_type")).to.equal("client_credentials");
    expect(params.get("scope")).to.include("https://graph.microsoft.us/.default");
  });

  it("serves the second request from MSAL's cache, and goes to Entra again when forced", async () => {
    const source = tokens();
    const a = await source.graphToken({ tenantId: OK, cloud: "global" });
    const b = await source.graphToken({ tenantId: OK, cloud: "global" });
    expect(b.accessToken).to.equal(a.accessToken);
    expect(posts).to.have.length(1);

    await source.graphToken({ tenantId: OK, cloud: "global" }, { forceRefresh: true });
    expect(posts).to.have.length(2);
  });

  it("keeps each tenant's tokens apart: two tenants of one cloud get their own token, each from its own cache", async () => {
    const source = tokens();
    const a = await source.graphToken({ tenantId: OK, cloud: "global" });
    const b = await source.graphToken({ tenantId: OTHER, cloud: "global" });
    const again = await source.graphToken({ tenantId: OTHER, cloud: "global" });

    expect(decodeJwt(a.accessToken).tid).to.equal(OK);
    expect(decodeJwt(b.accessToken).tid).to.equal(OTHER);
    expect(again.accessToken).to.equal(b.accessToken);
    expect(posts.map((p) => p.path)).to.deep.equal([
      `/login/global/${OK}/oauth2/v2.0/token`,
      `/login/global/${OTHER}/oauth2/v2.0/token`,
    ]);
  });

  it("sends one token request for concurrent first requests of a tenant", async () => {
    const source = tokens();
    const all = await Promise.all([1, 2, 3].map(() => source.graphToken({ tenantId: OK, cloud: "global" })));
    expect(new Set(all.map((t) => t.accessToken)).size).to.equal(1);
    expect(posts).to.have.length(1);
  });

  it("keeps at most maxTenants applications and drops the least recently used tenant with its tokens", async () => {
    const source = new MsalGraphTokens(
      { apps: everyCloud({ clientId: "app-id", clientSecret: "s3cret" }), loginUrl: `${base}/login` },
      { maxTenants: 2 },
    );
    const get = (tenantId: string) => source.graphToken({ tenantId, cloud: "global" });
    await get(OK);
    await get(OTHER);
    await get(OK); // OK is now the most recently used
    await get(THIRD); // OTHER goes
    expect(source.cachedTenants).to.equal(2);
    expect(posts).to.have.length(3);

    await get(OK);
    expect(posts).to.have.length(3);
    await get(OTHER);
    expect(posts).to.have.length(4);
  });

  it("maps a missing service principal (revoked consent) to EntraAuthorizationError kind consent", async () => {
    const err = await tokens()
      .graphToken({ tenantId: REVOKED, cloud: "global" })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EntraAuthorizationError);
    expect(err).to.include({ kind: "consent", aadsts: 7000229, service: "entra" });
    expect((err as Error).message).to.match(
      /^consent revoked or permission missing: an Entra admin must consent again/,
    );
  });

  it("maps a refused client secret to kind credentials: the operator's move, not the tenant's", async () => {
    const err = await tokens()
      .graphToken({ tenantId: BAD_SECRET, cloud: "global" })
      .catch((e: unknown) => e);
    expect(err).to.include({ kind: "credentials", aadsts: 7000215 });
  });

  it("authenticates with a certificate (SHA-256 thumbprint, PEM key) through a signed client assertion", async () => {
    const source = new MsalGraphTokens({
      loginUrl: `${base}/login`,
      apps: {
        global: {
          clientId: "app-id",
          certificate: {
            thumbprint: CERT_SHA256.toUpperCase(),
            privateKeyPem: certKeys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          },
        },
      },
    });

    const t = await source.graphToken({ tenantId: OK, cloud: "global" });

    expect(t.roles).to.deep.equal(["DeviceManagementManagedDevices.Read.All"]);
    const params = new URLSearchParams(posts[0].body);
    expect(params.get("client_assertion_type")).to.equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    expect(params.has("client_secret")).to.equal(false);
  });

  it("uses each cloud's own app registration, DoD the US Government one unless it has its own", async () => {
    const app = (clientId: string) => ({ clientId, clientSecret: "s3cret" });
    const source = new MsalGraphTokens({
      apps: { global: app("global-app"), usgov: app("usgov-app"), china: app("china-app") },
      loginUrl: `${base}/login`,
    });
    for (const cloud of ["global", "usgov", "usgov-dod", "china"] as const)
      await source.graphToken({ tenantId: OK, cloud });
    expect(posts.map((p) => new URLSearchParams(p.body).get("client_id"))).to.deep.equal([
      "global-app",
      "usgov-app",
      "usgov-app",
      "china-app",
    ]);
  });

  it("refuses a tenant of a cloud without an app registration, without calling Entra", async () => {
    const err = await new MsalGraphTokens({
      apps: { global: { clientId: "x", clientSecret: "s" } },
      loginUrl: `${base}/login`,
    })
      .graphToken({ tenantId: OK, cloud: "china" })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NoEntraAppError);
    expect((err as Error).message).to.equal(
      "this connector has no app registration for the China (21Vianet) cloud; ask its operator",
    );
    expect(posts).to.have.length(0);
  });
});

describe("entraError", () => {
  it("treats an unknown failure as a transient UpstreamError", () => {
    const e = entraError(Object.assign(new Error("socket hang up"), { errorCode: "network_error" }), "global");
    expect(e).to.be.instanceOf(UpstreamError);
  });
  it("maps a deleted tenant (AADSTS90002) to kind tenant", () => {
    const e = entraError({ errorCode: "invalid_request", errorMessage: "AADSTS90002: Tenant not found" }, "china");
    expect(e).to.include({ kind: "tenant" });
    expect(e.message).to.include("(china)");
  });
});

describe("loopbackNetworkClient", () => {
  const calls: string[] = [];
  const fakeFetch = (async (url: string) => {
    calls.push(url);
    return new Response(JSON.stringify({ issuer: "http://127.0.0.1:9/login/global/t/v2.0" }), { status: 200 });
  }) as unknown as typeof fetch;
  const client = loopbackNetworkClient(
    [
      {
        fakeOrigin: "https://global.login.sandbox.invalid",
        realBase: "http://127.0.0.1:9/login/global",
        aliases: ["https://login.microsoftonline.com"],
      },
    ],
    fakeFetch,
  );

  it("carries the made-up host and the real host's alias to the simulator, and rewrites answers back", async () => {
    const r = await client.sendGetRequestAsync<{ issuer: string }>("https://global.login.sandbox.invalid/t/x");
    await client.sendPostRequestAsync("https://login.microsoftonline.com/t/oauth2/v2.0/token", { body: "a=b" });
    expect(calls).to.deep.equal([
      "http://127.0.0.1:9/login/global/t/x",
      "http://127.0.0.1:9/login/global/t/oauth2/v2.0/token",
    ]);
    expect(r.body.issuer).to.equal("https://global.login.sandbox.invalid/t/v2.0");
  });

  it("refuses any other host, so the sandbox never reaches Microsoft by mistake", async () => {
    const err = await client.sendGetRequestAsync("https://login.microsoftonline.us/t").catch((e: unknown) => e);
    expect((err as Error).message).to.include("no route for https://login.microsoftonline.us");
  });
});
