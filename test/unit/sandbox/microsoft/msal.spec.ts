import {
  ConfidentialClientApplication,
  CryptoProvider,
  type INetworkModule,
  type NetworkRequestOptions,
} from "@azure/msal-node";
import { expect } from "chai";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { fakeLoginOrigin, loopbackNetworkClient } from "../../../../src/intune/loopback-network.js";
import { DIRECTORY_ROLES, type MicrosoftSimulator } from "../../../../src/sandbox/microsoft/index.js";
import { graphGet, jwtClaims, startSim } from "./helpers.js";
import { REDIRECT, authorizeRequest } from "./oidc-helpers.js";

// MSAL refuses http:// authorities, so the client keeps an https:// authority on a made-up host and a network
// client that carries those requests to the loopback simulator (microsoft-graph-intune.md §4.4, way (a)).
const FAKE_HOST = "login.sandbox.test";

function loopback(sim: MicrosoftSimulator): INetworkModule {
  const send =
    (method: string) =>
    async <T>(url: string, options?: NetworkRequestOptions) => {
      const r = await fetch(url.replace(`https://${FAKE_HOST}`, sim.url), {
        method,
        headers: { ...options?.headers, "x-forwarded-proto": "https", "x-forwarded-host": FAKE_HOST },
        body: options?.body,
      });
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k] = v));
      return { headers, body: (await r.json()) as T, status: r.status };
    };
  return { sendGetRequestAsync: send("GET"), sendPostRequestAsync: send("POST") };
}

describe("Microsoft simulator with @azure/msal-node", () => {
  let sim: MicrosoftSimulator;
  before(async () => {
    sim = await startSim({
      seed: 1,
      size: 10,
      tenants: [{ domain: "contoso.com" }, { domain: "tailspin.us", cloud: "usgov" }, { domain: "fabrikam.com" }],
    });
  });
  after(() => sim.close());

  const app = (cloud: string, tenant: string) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: sim.app.clientId,
        clientSecret: sim.app.clientSecret!,
        authority: `https://${FAKE_HOST}/login/${cloud}/${tenant}`,
        knownAuthorities: [FAKE_HOST],
      },
      system: { networkClient: loopback(sim) },
    });

  it("acquires client-credentials tokens per tenant and cloud that Graph accepts", async () => {
    for (const [cloud, tenant, scope] of [
      ["global", "contoso.com", "https://graph.microsoft.com/.default"],
      ["usgov", "tailspin.us", "https://graph.microsoft.us/.default"],
    ] as const) {
      const res = await app(cloud, tenant).acquireTokenByClientCredential({ scopes: [scope] });
      expect(jwtClaims(res!.accessToken)["tid"]).to.equal(sim.controls.tenant(tenant).tenantId);
      expect(
        (await graphGet(sim, res!.accessToken, "/v1.0/deviceManagement/managedDevices?$top=1", cloud)).status,
      ).to.equal(200);
    }
  });

  it("surfaces AADSTS700016 through MSAL once consent is revoked", async () => {
    sim.controls.revokeConsent("contoso.com");
    try {
      await app("global", "contoso.com").acquireTokenByClientCredential({
        scopes: ["https://graph.microsoft.com/.default"],
      });
      expect.fail("a token was issued after revocation");
    } catch (e) {
      expect(String((e as Error).message)).to.include("AADSTS700016");
    } finally {
      sim.controls.grantConsent("contoso.com");
    }
  });

  // The connector's way (src/intune/tokens.ts): an https authority on a made-up host, carried to the simulator by the
  // loopback network client. The browser leg (authorize) is a plain request; MSAL redeems the code.
  for (const authorityTenant of ["organizations", "fabrikam.com"]) {
    it(`redeems a sign-in code with acquireTokenByCode at /${authorityTenant} (PKCE, nonce, client_info)`, async () => {
      sim.controls.signIn({ tenant: "fabrikam.com" });
      try {
        const origin = fakeLoginOrigin("global");
        const msal = new ConfidentialClientApplication({
          auth: {
            clientId: sim.app.clientId,
            clientSecret: sim.app.clientSecret!,
            authority: `${origin}/${authorityTenant}`,
            knownAuthorities: [new URL(origin).host],
          },
          system: {
            networkClient: loopbackNetworkClient([{ fakeOrigin: origin, realBase: `${sim.loginUrl}/global` }]),
          },
        });
        const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
        const nonce = new CryptoProvider().createNewGuid();
        const a = await authorizeRequest(sim, authorityTenant, {
          scope: "openid profile email offline_access",
          nonce,
          code_challenge: challenge,
          code_challenge_method: "S256",
          response_mode: "form_post",
        });
        const res = await msal.acquireTokenByCode({
          code: a.params["code"]!,
          scopes: ["openid", "profile", "email"],
          redirectUri: REDIRECT,
          codeVerifier: verifier,
          nonce,
        });
        const fabrikam = sim.controls.tenant("fabrikam.com").tenantId;
        const claims = res.idTokenClaims as { tid: string; oid: string; wids: string[] };
        expect([res.tenantId, res.account?.tenantId, claims.tid]).to.deep.equal([fabrikam, fabrikam, fabrikam]);
        // client_info (sent by MSAL, answered by the simulator) makes the home account id <oid>.<tid>.
        expect(res.account?.homeAccountId).to.equal(`${claims.oid}.${fabrikam}`);
        expect(claims.wids).to.include(DIRECTORY_ROLES.globalAdministrator);
        // The ID token MSAL hands back verifies against the tenant's published keys and issuer.
        const discovery = (await (
          await fetch(`${sim.loginUrl}/global/${fabrikam}/v2.0/.well-known/openid-configuration`)
        ).json()) as { issuer: string; jwks_uri: string };
        await jwtVerify(res.idToken, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
          algorithms: ["RS256"],
          issuer: discovery.issuer,
          audience: sim.app.clientId,
        });
      } finally {
        sim.controls.signIn(null);
      }
    });
  }

  it("surfaces a replayed sign-in code through MSAL as AADSTS54005", async () => {
    const origin = fakeLoginOrigin("global");
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: sim.app.clientId,
        clientSecret: sim.app.clientSecret!,
        authority: `${origin}/organizations`,
        knownAuthorities: [new URL(origin).host],
      },
      system: { networkClient: loopbackNetworkClient([{ fakeOrigin: origin, realBase: `${sim.loginUrl}/global` }]) },
    });
    const a = await authorizeRequest(sim, "organizations", { nonce: "n" });
    const request = { code: a.params["code"]!, scopes: ["openid"], redirectUri: REDIRECT, nonce: "n" };
    await msal.acquireTokenByCode(request);
    const err = await msal.acquireTokenByCode(request).then(
      () => null,
      (e: Error) => e,
    );
    expect(String(err?.message)).to.include("AADSTS54005");
  });
});
