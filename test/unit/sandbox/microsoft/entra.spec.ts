import { expect } from "chai";
import { SignJWT, exportSPKI, generateKeyPair } from "jose";
import { createHash, randomUUID } from "node:crypto";
import type { MicrosoftSimulator } from "../../../../src/sandbox/microsoft/index.js";
import { example, sortedKeys } from "./examples.js";
import { jwtClaims, startSim, token, tokenRequest, type Json } from "./helpers.js";

const TWO_CLOUDS = {
  seed: 1,
  size: 30,
  tenants: [{ domain: "contoso.com" }, { domain: "tailspin.us", cloud: "usgov" as const }],
};

describe("Microsoft simulator: Entra tenant discovery", () => {
  let sim: MicrosoftSimulator;
  before(async () => (sim = await startSim(TWO_CLOUDS)));
  after(() => sim.close());

  it("serves a tenant's OpenID configuration whose issuer carries the tenant GUID", async () => {
    const r = await fetch(`${sim.loginUrl}/global/contoso.com/v2.0/.well-known/openid-configuration`);
    expect(r.status).to.equal(200);
    const body = (await r.json()) as Json;
    const tid = sim.fleet.tenants[0]!.tenantId;
    expect(body["issuer"]).to.equal(`${sim.loginUrl}/global/${tid}/v2.0`);
    expect(body["token_endpoint"]).to.equal(`${sim.loginUrl}/global/${tid}/oauth2/v2.0/token`);
    expect(body["msgraph_host"]).to.equal("graph.microsoft.com");
    const ref = example("openid-configuration-tenant.json");
    expect(sortedKeys(body)).to.deep.equal(sortedKeys(ref["body"]));
  });

  it("answers an unknown domain with Microsoft's AADSTS90002 invalid_tenant error and status 400", async () => {
    const r = await fetch(`${sim.loginUrl}/global/no-such-tenant.example/v2.0/.well-known/openid-configuration`);
    expect(r.status).to.equal(400);
    const body = (await r.json()) as Json;
    expect(body["error"]).to.equal("invalid_tenant");
    expect(body["error_codes"]).to.deep.equal([90002]);
    expect(body["error_description"]).to.match(/^AADSTS90002: Tenant 'no-such-tenant.example' not found\./);
    const ref = example("openid-configuration-unknown-tenant-error.json");
    expect(sortedKeys(body)).to.deep.equal(sortedKeys(ref["body"]));
  });

  it("knows a US Gov tenant only on the US Gov login host, and records the cloud of each request", async () => {
    sim.controls.resetStats();
    const at = (cloud: string) => fetch(`${sim.loginUrl}/${cloud}/tailspin.us/v2.0/.well-known/openid-configuration`);
    expect((await at("global")).status).to.equal(400);
    const gov = await at("usgov");
    expect(gov.status).to.equal(200);
    expect(((await gov.json()) as Json)["msgraph_host"]).to.equal("graph.microsoft.us");
    expect((await at("usgov-dod")).status).to.equal(200);
    expect((await at("china")).status).to.equal(400);
    expect(sim.controls.stats().byCloud).to.deep.equal({ global: 1, usgov: 1, "usgov-dod": 1, china: 1 });
    expect(sim.controls.requests().map((r) => r.cloud)).to.deep.equal(["global", "usgov", "usgov-dod", "china"]);
  });
});

describe("Microsoft simulator: Entra token endpoint", () => {
  let sim: MicrosoftSimulator;
  beforeEach(async () => (sim = await startSim(TWO_CLOUDS, { consented: ["contoso.com", "tailspin.us"] })));
  afterEach(() => sim.close());

  it("issues a JWT-shaped app token for the tenant with the Graph audience and the granted roles", async () => {
    const r = await tokenRequest(sim);
    expect(r.status).to.equal(200);
    expect(sortedKeys(r.body)).to.deep.equal(["access_token", "expires_in", "ext_expires_in", "token_type"]);
    const c = jwtClaims(r.body["access_token"] as string);
    expect(c["tid"]).to.equal(sim.fleet.tenants[0]!.tenantId);
    expect(c["aud"]).to.equal("https://graph.microsoft.com");
    expect(c["appid"]).to.equal(sim.app.clientId);
    expect(c["idtyp"]).to.equal("app");
    expect(c["roles"]).to.deep.equal([
      "DeviceManagementManagedDevices.Read.All",
      "DeviceManagementConfiguration.Read.All",
    ]);
  });

  const refusals: [string, Record<string, string>, number, string, number][] = [
    ["a wrong secret", { client_secret: "wrong" }, 401, "invalid_client", 7000215],
    ["an unknown client id", { client_id: randomUUID() }, 400, "unauthorized_client", 700016],
    [
      "a scope without /.default",
      { scope: "https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All" },
      400,
      "invalid_scope",
      1002012,
    ],
    ["another cloud's Graph", { scope: "https://graph.microsoft.us/.default" }, 400, "invalid_resource", 500011],
    ["another grant type", { grant_type: "password" }, 400, "unsupported_grant_type", 70003],
  ];
  for (const [what, form, status, error, code] of refusals) {
    it(`refuses ${what} with AADSTS${code}`, async () => {
      const r = await tokenRequest(sim, "contoso.com", "global", form);
      expect([r.status, r.body["error"], r.body["error_codes"]]).to.deep.equal([status, error, [code]]);
      expect(r.body["error_description"]).to.match(new RegExp(`^AADSTS${code}: `));
    });
  }

  it("refuses a tenant that has not consented, and one whose consent was revoked, with AADSTS700016", async () => {
    sim.controls.revokeConsent("contoso.com");
    const r = await tokenRequest(sim);
    expect([r.status, r.body["error_codes"]]).to.deep.equal([400, [700016]]);
    expect(sim.controls.consentState("contoso.com")).to.equal("revoked");
    sim.controls.grantConsent("contoso.com");
    expect((await tokenRequest(sim)).status).to.equal(200);
  });

  it("issues a token on the tenant's own cloud only", async () => {
    expect((await tokenRequest(sim, "tailspin.us", "global")).body["error_codes"]).to.deep.equal([90002]);
    const c = jwtClaims(await token(sim, "tailspin.us", "usgov"));
    expect(c["aud"]).to.equal("https://graph.microsoft.us");
  });

  it("accepts a certificate client assertion and refuses one signed by another key", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const thumbprint = createHash("sha1").update(randomUUID()).digest("hex");
    await sim.close();
    sim = await startSim(TWO_CLOUDS, {
      app: { clientSecret: undefined, certificate: { thumbprint, publicKeyPem: await exportSPKI(publicKey) } },
    });
    const tid = sim.fleet.tenants[0]!.tenantId;
    const assertion = (key: CryptoKey | Uint8Array) =>
      new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: "RS256", x5t: Buffer.from(thumbprint, "hex").toString("base64url") })
        .setIssuer(sim.app.clientId)
        .setSubject(sim.app.clientId)
        .setAudience(`${sim.loginUrl}/global/${tid}/oauth2/v2.0/token`)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(key);
    const post = async (a: string) => {
      const r = await fetch(`${sim.loginUrl}/global/${tid}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: sim.app.clientId,
          scope: "https://graph.microsoft.com/.default",
          client_assertion: a,
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        }),
      });
      return { status: r.status, body: (await r.json()) as Json };
    };
    const good = await post(await assertion(privateKey));
    expect(good.status).to.equal(200);
    expect(jwtClaims(good.body["access_token"] as string)["appidacr"]).to.equal("2");
    const other = await generateKeyPair("RS256");
    const bad = await post(await assertion(other.privateKey));
    expect([bad.status, bad.body["error_codes"]]).to.deep.equal([401, [700027]]);
  });
});

describe("Microsoft simulator: admin consent", () => {
  let sim: MicrosoftSimulator;
  before(
    async () =>
      (sim = await startSim(TWO_CLOUDS, {
        consented: "none",
        app: { redirectUris: ["https://connector.example.com/consent/callback"] },
      })),
  );
  after(() => sim.close());

  const consent = async (
    tenant = "contoso.com",
    redirect = "https://connector.example.com/consent/callback",
    cloud = "global",
  ) => {
    const q = new URLSearchParams({
      client_id: sim.app.clientId,
      redirect_uri: redirect,
      scope: "https://graph.microsoft.com/.default",
      state: "st4te",
    });
    const r = await fetch(`${sim.loginUrl}/${cloud}/${tenant}/v2.0/adminconsent?${q}`, { redirect: "manual" });
    const location = r.headers.get("location");
    return { status: r.status, location: location ? new URL(location) : undefined };
  };
  const keysOf = (u: string | URL) => [...new URL(u).searchParams.keys()].sort();

  it("redirects with admin_consent=True, the tenant GUID, the granted scopes and the state, and marks the tenant consented", async () => {
    sim.controls.setConsentOutcome("consent");
    const r = await consent();
    expect(r.status).to.equal(302);
    const p = r.location!.searchParams;
    expect(r.location!.origin + r.location!.pathname).to.equal("https://connector.example.com/consent/callback");
    expect([p.get("admin_consent"), p.get("tenant"), p.get("state")]).to.deep.equal([
      "True",
      sim.fleet.tenants[0]!.tenantId,
      "st4te",
    ]);
    expect(p.get("scope")).to.equal(
      "https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All https://graph.microsoft.com/DeviceManagementConfiguration.Read.All",
    );
    expect(sim.controls.consentState("contoso.com")).to.equal("consented");
    const ref = example("adminconsent-examples.json");
    expect(keysOf(r.location!)).to.deep.equal(keysOf(ref["success_callback"] as string));
  });

  const errors: [string, string, string | null, string][] = [
    ["declined", "AADSTS65004", null, "declined_callback"],
    ["wrong_directory", "AADSTS50020", null, "wrong_directory_user_callback"],
    ["cancel", "", "cancel", "cancelled_signin_callback"],
  ];
  for (const [outcome, code, subcode, refKey] of errors) {
    it(`redirects a ${outcome} outcome with access_denied ${code || "error_subcode=cancel"} and no tenant`, async () => {
      sim.controls.setConsentOutcome(outcome as "declined");
      const r = await consent("tailspin.us", undefined, "usgov");
      const p = r.location!.searchParams;
      expect([r.status, p.get("error"), p.get("tenant"), p.get("state"), p.get("error_subcode")]).to.deep.equal([
        302,
        "access_denied",
        null,
        "st4te",
        subcode,
      ]);
      if (code) expect(p.get("error_description")).to.match(new RegExp(`^${code}: `));
      expect(sim.controls.consentState("tailspin.us")).to.equal("none");
      const ref = example("adminconsent-examples.json");
      expect(keysOf(r.location!)).to.deep.equal(keysOf(ref[refKey] as string));
    });
  }

  it("consents at /organizations/ as the administrator's tenant chosen through controls", async () => {
    sim.controls.setConsentOutcome("consent", { adminTenant: "tailspin.us" });
    const r = await consent("organizations", undefined, "usgov");
    expect(r.location!.searchParams.get("tenant")).to.equal(sim.fleet.tenants[1]!.tenantId);
    expect(r.location!.searchParams.get("scope")).to.match(/^https:\/\/graph\.microsoft\.us\//);
  });

  it("redirects with invalid_request when the scope is not a /.default scope", async () => {
    sim.controls.setConsentOutcome("consent");
    const q = new URLSearchParams({
      client_id: sim.app.clientId,
      redirect_uri: "https://connector.example.com/consent/callback",
      scope: "User.Read",
      state: "s",
    });
    const r = await fetch(`${sim.loginUrl}/global/contoso.com/v2.0/adminconsent?${q}`, { redirect: "manual" });
    const p = new URL(r.headers.get("location")!).searchParams;
    expect([p.get("error"), p.get("state"), p.get("admin_consent")]).to.deep.equal(["invalid_request", "s", null]);
  });

  it("shows an error page, without redirecting, for a redirect URI the app did not register or an unknown tenant", async () => {
    const wrong = await consent("contoso.com", "https://evil.example/callback");
    expect([wrong.status, wrong.location]).to.deep.equal([400, undefined]);
    const unknown = await consent("nobody.example");
    expect([unknown.status, unknown.location]).to.deep.equal([400, undefined]);
  });
});

describe("Microsoft simulator: one app registration per cloud", () => {
  const GOV = { clientId: "22222222-3333-4444-8555-666666666666", clientSecret: "gov-secret" };
  let sim: MicrosoftSimulator;
  before(async () => (sim = await startSim(TWO_CLOUDS, { consented: "all", apps: { usgov: GOV } })));
  after(() => sim.close());

  it("issues US Government tokens to the US Government app only, and global ones to the global app", async () => {
    const gov = { client_id: GOV.clientId, client_secret: GOV.clientSecret };
    expect((await tokenRequest(sim, "tailspin.us", "usgov", gov)).status).to.equal(200);
    expect((await tokenRequest(sim, "contoso.com", "global")).status).to.equal(200);

    const wrong = await tokenRequest(sim, "tailspin.us", "usgov");
    expect(wrong.status).to.equal(400);
    expect(wrong.body["error_codes"]).to.deep.equal([700016]);
    expect(wrong.body["error_description"]).to.match(
      new RegExp(`^AADSTS700016: Application with identifier '${sim.app.clientId}' was not found`),
    );
    expect((await tokenRequest(sim, "contoso.com", "global", gov)).body["error_codes"]).to.deep.equal([700016]);
    expect(sim.apps["usgov"].clientId).to.equal(GOV.clientId);
  });

  it("refuses another cloud's client id at the sign-in and admin-consent pages too", async () => {
    const page = async (path: string, clientId: string) => {
      const query = new URLSearchParams({
        client_id: clientId,
        redirect_uri: "https://connector.example.com/consent/callback",
        response_type: "code",
        scope: "openid profile",
        response_mode: "form_post",
      });
      const r = await fetch(`${sim.loginUrl}/usgov/tailspin.us/${path}?${query}`, { redirect: "manual" });
      return { status: r.status, text: await r.text() };
    };
    for (const path of ["oauth2/v2.0/authorize", "v2.0/adminconsent"]) {
      const refused = await page(path, sim.app.clientId);
      expect(refused.status, path).to.equal(400);
      expect(refused.text, path).to.include("AADSTS700016");
      expect((await page(path, GOV.clientId)).status, path).to.be.oneOf([200, 302]);
    }
  });
});
