// One Entra app registration per Microsoft cloud (issue 14, item 2), end to end through the sandbox harness: the
// simulated Entra ID of each cloud knows only its own app (another cloud's client id is AADSTS700016, as Microsoft
// requires a registration per national cloud), the deployment configures global and US Government apps and not
// China's, and the administrator connects what the form offers.
import { expect } from "chai";
import { Field, tenantField } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { BASE_FORM, ourCis, startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

const GLOBAL_APP = { clientId: "0a1b2c3d-1111-4222-8333-444455556666", clientSecret: "global-app-secret" };
const USGOV_APP = { clientId: "0a1b2c3d-7777-4888-9999-aaaabbbbcccc", clientSecret: "usgov-app-secret" };
const CHINA_APP = { clientId: "0a1b2c3d-dddd-4eee-afff-000011112222", clientSecret: "china-app-secret" };

describe("one Entra app registration per Microsoft cloud (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;

  before(async () => {
    const fleet = generateFleet({
      seed: 14,
      size: 30,
      tenants: [
        { domain: "contoso.com" },
        { domain: "fabrikam.us", cloud: "usgov" },
        { domain: "northwind.partner.onmschina.cn", cloud: "china" },
      ],
    });
    sb = await startTestSandbox({
      fleet,
      microsoft: { apps: { global: GLOBAL_APP, usgov: USGOV_APP, china: CHINA_APP } },
      // This deployment registered its app in the global and US Government clouds only (MS_CLIENT_ID is the global
      // one's older name; the harness would hand over the simulator's China app too).
      env: {
        MS_CLIENT_ID: "",
        MS_CLIENT_SECRET: "",
        MS_GLOBAL_CLIENT_ID: GLOBAL_APP.clientId,
        MS_GLOBAL_CLIENT_SECRET: GLOBAL_APP.clientSecret,
        MS_USGOV_CLIENT_ID: USGOV_APP.clientId,
        MS_USGOV_CLIENT_SECRET: USGOV_APP.clientSecret,
        MS_CHINA_CLIENT_ID: "",
        MS_CHINA_CLIENT_SECRET: "",
      },
    });
  });
  after(async () => sb?.close());

  it("connects a tenant in each configured cloud with that cloud's app, and fails the China tenant without calling Microsoft", async () => {
    const [contoso, fabrikam, northwind] = sb.fleet.tenants;
    const form = await sb.setup({ fields: BASE_FORM });

    expect(form[Field.offeredClouds]).to.equal("global,usgov,usgov-dod");
    expect(form[tenantField.status(1)]).to.equal("connected");
    expect(form[tenantField.status(2)]).to.equal("connected");
    expect(form[tenantField.status(3)]).to.equal(
      "failed: this connector has no app registration for the China (21Vianet) cloud; ask its operator",
    );
    expect(form[tenantField.consentUrl(3)] ?? "").to.equal("");
    // Each sign-in link names its own cloud's app; the simulator refuses any other client id there.
    expect((await sb.connector.store.listTenants(sb.account)).map((t) => [t.slot, t.status])).to.deep.equal([
      [1, "connected"],
      [2, "connected"],
      [3, "failed"],
    ]);

    const requests = sb.microsoft.controls.requests();
    expect(requests.filter((r) => r.cloud === "china")).to.deep.equal([]);
    expect(requests.filter((r) => r.tenantId === northwind.tenantId)).to.deep.equal([]);
    // The sign-in, its code redemption and admin consent all went through; the one refused token per tenant is the
    // access check before consent (AADSTS700016 until the administrator consents), as on Entra.
    const refused = requests.filter((r) => r.kind === "login" && r.route !== "login.token" && r.status >= 400);
    expect(refused, JSON.stringify(refused)).to.deep.equal([]);
    for (const [tenant, cloud] of [
      [contoso, "global"],
      [fabrikam, "usgov"],
    ] as const) {
      const tokens = requests.filter((r) => r.tenantId === tenant.tenantId && r.route === "login.token");
      expect(tokens.every((r) => r.cloud === cloud)).to.equal(true);
      expect(tokens.map((r) => r.status).slice(0, 2), tenant.domain).to.deep.equal([400, 200]);
      expect(
        tokens.slice(1).every((r) => r.status === 200),
        tenant.domain,
      ).to.equal(true);
    }

    const sourceTenants = new Set(ourCis(sb).map((c) => c.sourceID!.split("/")[0]));
    expect([...sourceTenants].sort()).to.deep.equal([contoso.tenantId, fabrikam.tenantId].sort());
  });
});
