import { expect } from "chai";
import nock from "nock";
import { discoverTenant, validateTenantDomain } from "../../../src/intune/tenant-discovery.js";
import { fixture, TENANT } from "./helpers.js";

const LOGIN = "https://login.microsoftonline.com";
const WELL_KNOWN = "/v2.0/.well-known/openid-configuration";

describe("validateTenantDomain", () => {
  it("accepts tenant domains and tenant ids, lower-cased", () => {
    expect(validateTenantDomain(" Contoso.OnMicrosoft.com ")).to.deep.equal({
      ok: true,
      domain: "contoso.onmicrosoft.com",
    });
    expect(validateTenantDomain("contoso.co.uk.")).to.deep.equal({ ok: true, domain: "contoso.co.uk" });
    expect(validateTenantDomain(TENANT.toUpperCase())).to.deep.equal({ ok: true, domain: TENANT });
  });

  it("refuses what is not a domain, including the multi-tenant aliases", () => {
    for (const bad of [
      "",
      "contoso",
      "common",
      "organizations",
      "-x.com",
      "a..com",
      "x.c0m",
      "con toso.com",
      "a/b.com",
    ]) {
      const r = validateTenantDomain(bad);
      expect(r.ok, bad).to.equal(false);
    }
  });
});

describe("discoverTenant", () => {
  it("takes the tenant id from the issuer of the domain's OpenID configuration", async () => {
    nock(LOGIN).get(`/contoso.com${WELL_KNOWN}`).reply(200, fixture("openid-configuration-tenant.json"));

    const r = await discoverTenant("Contoso.com", "global", { microsoft: {} });

    expect(r).to.deep.include({
      ok: true,
      domain: "contoso.com",
      tenantId: TENANT,
      msgraphHost: "graph.microsoft.com",
    });
  });

  it("answers 'domain not found in Microsoft Entra ID (<cloud>)' for AADSTS90002", async () => {
    nock("https://login.microsoftonline.us")
      .get(`/no-such-tenant-example.com${WELL_KNOWN}`)
      .reply(400, fixture("openid-configuration-unknown-tenant.json"));

    const r = await discoverTenant("no-such-tenant-example.com", "usgov", { microsoft: {} });

    expect(r.ok).to.equal(false);
    expect(r).to.include({ kind: "not_found" });
    expect((r as { reason: string }).reason).to.match(
      /^domain not found in Microsoft Entra ID \(US Government GCC High\)/,
    );
  });

  it("does not call Microsoft for a malformed domain", async () => {
    const r = await discoverTenant("not a domain", "global", { microsoft: {} });
    expect(r).to.include({ ok: false, kind: "invalid_domain" });
  });

  it("says the tenant is in another cloud when its configuration says so", async () => {
    const body = { ...fixture("openid-configuration-tenant.json"), cloud_instance_name: "microsoftonline.us" };
    nock(LOGIN).get(`/contoso.com${WELL_KNOWN}`).reply(200, body);

    const r = await discoverTenant("contoso.com", "global", { microsoft: {} });

    expect(r).to.include({ ok: false, kind: "wrong_cloud" });
    expect((r as { reason: string }).reason).to.include("US Government");
  });

  it("reports an outage as unreachable, without throwing", async () => {
    nock(LOGIN).get(`/contoso.com${WELL_KNOWN}`).reply(503, "down");
    const r = await discoverTenant("contoso.com", "global", { microsoft: {} });
    expect(r).to.include({ ok: false, kind: "unreachable" });

    nock(LOGIN).get(`/contoso.com${WELL_KNOWN}`).replyWithError("ECONNRESET");
    const r2 = await discoverTenant("contoso.com", "global", { microsoft: {} });
    expect(r2).to.include({ ok: false, kind: "unreachable" });
  });

  it("asks the cloud's login host under an override (the sandbox layout <url>/<cloud>)", async () => {
    nock("http://127.0.0.1:4999")
      .get(`/login/china/contoso.cn${WELL_KNOWN}`)
      .reply(200, {
        ...fixture("openid-configuration-tenant.json"),
        cloud_instance_name: "partner.microsoftonline.cn",
      });

    const r = await discoverTenant("contoso.cn", "china", { microsoft: { loginUrl: "http://127.0.0.1:4999/login" } });

    expect(r).to.include({ ok: true, tenantId: TENANT });
  });
});
