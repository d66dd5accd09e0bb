import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions } from "@azure/msal-node";
import { expect } from "chai";
import type { MicrosoftSimulator } from "../../../../src/sandbox/microsoft/index.js";
import { graphGet, jwtClaims, startSim } from "./helpers.js";

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
      tenants: [{ domain: "contoso.com" }, { domain: "tailspin.us", cloud: "usgov" }],
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
});
