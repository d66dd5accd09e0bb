import { expect } from "chai";
import nock from "nock";
import { Field, tenantField } from "../../../src/app-instance/fields.js";
import { parseBreakdown } from "../../../src/intune/breakdown.js";
import { refreshBreakdown } from "../../../src/intune/breakdown-refresh.js";
import { fixture, syntheticPage } from "./helpers.js";
import { AuthorizationError } from "../../../src/errors.js";
import { connectTenants, recordAuthorizationFailure } from "../../../src/intune/connection.js";
import { verifyConsentState } from "../../../src/intune/consent-state.js";
import type { AppInstanceWriter } from "../../../src/intune/tenant-fields.js";
import type { ProviderApi } from "../../../src/fourme/provider-api.js";
import {
  ACCOUNT,
  APP_INSTANCE,
  GRAPH,
  CONTOSO,
  FABRIKAM,
  bindToAccount,
  connectedTenant,
  consentError,
  discovery,
  probe,
  unknownDomain,
  world,
} from "./connection-helpers.js";

// The 4me provider API satisfies the narrow writer the Intune side depends on (checked by the type checker).
const _writerContract = (api: ProviderApi): AppInstanceWriter => api;

describe("connectTenants", () => {
  it("connects, asks consent for and fails each tenant on its own cloud, and writes each slot back", async () => {
    const w = await world([
      { domain: "contoso.com" },
      { domain: "fabrikam.us", cloud: "usgov" },
      { domain: "nope.example.com" },
    ]);
    await bindToAccount(w, [CONTOSO, FABRIKAM]);
    discovery("global", "contoso.com", CONTOSO);
    probe("global");
    discovery("usgov", "fabrikam.us", FABRIKAM);
    unknownDomain("global", "nope.example.com");
    w.tokens.refuse.set(FABRIKAM, consentError());

    const results = await connectTenants(ACCOUNT, w.deps);

    expect(results.map((r) => [r.slot, r.status, r.tenantId])).to.deep.equal([
      [1, "connected", CONTOSO],
      [2, "pending_consent", FABRIKAM],
      [3, "failed", undefined],
    ]);
    const stored = await w.store.listTenants(ACCOUNT);
    expect(stored.map((t) => [t.slot, t.status, t.cloud])).to.deep.equal([
      [1, "connected", "global"],
      [2, "pending_consent", "usgov"],
      [3, "failed", "global"],
    ]);
    expect(w.writer.calls).to.have.length(1);
    expect(w.writer.calls[0].id).to.equal(APP_INSTANCE);
    expect(w.writer.last(tenantField.status(1))).to.equal("connected");
    expect(w.writer.last(tenantField.consentUrl(1))).to.equal("");
    expect(w.writer.last(tenantField.status(2))).to.equal("pending_consent");
    expect(w.writer.last(tenantField.status(3))).to.match(/^failed: domain not found in Microsoft Entra ID \(Global\)/);

    const link = new URL(String(w.writer.last(tenantField.consentUrl(2))));
    expect(link.origin).to.equal("https://login.microsoftonline.us");
    expect(link.pathname).to.equal(`/${FABRIKAM}/oauth2/v2.0/authorize`);
    expect(link.searchParams.get("scope")).to.equal("openid profile");
    const state = await verifyConsentState(link.searchParams.get("state"), w.deps.stateKeys, new Date(w.clock.now()));
    expect(state).to.include({
      account: ACCOUNT,
      appInstanceId: APP_INSTANCE,
      slot: 2,
      domain: "fabrikam.us",
      cloud: "usgov",
    });
  });

  it("fails a tenant whose consent was revoked since it was connected, with a fresh consent link", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await bindToAccount(w, [CONTOSO, FABRIKAM]);
    await connectedTenant(w, 1, "contoso.com", "global", CONTOSO);
    discovery("global", "contoso.com", CONTOSO);
    w.tokens.refuse.set(CONTOSO, consentError());

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(r.status).to.equal("failed");
    expect(w.writer.last(tenantField.status(1))).to.match(/^failed: consent revoked or permission missing/);
    expect(String(w.writer.last(tenantField.consentUrl(1)))).to.include("/oauth2/v2.0/authorize?");
  });

  it("does not call a tenant connected when Graph refuses the token (permission missing)", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await bindToAccount(w, [CONTOSO, FABRIKAM]);
    discovery("global", "contoso.com", CONTOSO);
    probe("global", 403);

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(r.status).to.equal("pending_consent");
    expect(r.consentUrl).to.include("/oauth2/v2.0/authorize?");
  });

  it("does not call a tenant connected when its token lacks the device-read permission", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await bindToAccount(w, [CONTOSO, FABRIKAM]);
    discovery("global", "contoso.com", CONTOSO);
    w.tokens.roles = ["User.Read.All"];

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(r.status).to.equal("pending_consent");
  });

  it("does not call a tenant connected when its token lacks the compliance permission", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await bindToAccount(w, [CONTOSO]);
    discovery("global", "contoso.com", CONTOSO);
    w.tokens.roles = ["DeviceManagementManagedDevices.Read.All"];

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(r.status).to.equal("pending_consent");
  });

  it("does not call a tenant connected when Graph refuses its compliance states (token without roles)", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await bindToAccount(w, [CONTOSO]);
    discovery("global", "contoso.com", CONTOSO);
    w.tokens.roles = [];
    const graph = probe("global", 200, 403);

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(graph.isDone()).to.equal(true);
    expect(r.status).to.equal("pending_consent");
  });

  it("forgets a tenant the administrator removed from the form and clears its fields", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await w.store.upsertTenant({
      account: ACCOUNT,
      slot: 4,
      domain: "old.example.com",
      cloud: "global",
      status: "connected",
    });
    discovery("global", "contoso.com", CONTOSO);
    probe("global");

    await connectTenants(ACCOUNT, w.deps);

    expect((await w.store.listTenants(ACCOUNT)).map((t) => t.slot)).to.deep.equal([1]);
    expect(w.writer.last(tenantField.status(4))).to.equal("");
  });
});

describe("connectTenants: one app registration per cloud (issue 14)", () => {
  it("fails a tenant in a cloud the deployment has no app registration for, without calling Microsoft", async () => {
    const w = await world([{ domain: "contoso.com" }, { domain: "northwind.partner.onmschina.cn", cloud: "china" }]);
    w.deps.config.microsoft = { apps: { global: w.deps.config.microsoft.apps.global } };
    await bindToAccount(w, [CONTOSO]);
    discovery("global", "contoso.com", CONTOSO);
    probe("global");

    const [contoso, northwind] = await connectTenants(ACCOUNT, w.deps);

    expect(contoso.status).to.equal("connected");
    const reason = "this connector has no app registration for the China (21Vianet) cloud; ask its operator";
    expect(northwind).to.deep.include({ status: "failed", reason, retryable: false });
    expect(northwind.consentUrl).to.equal(undefined);
    expect(w.writer.last(tenantField.status(2))).to.equal(`failed: ${reason}`);
    expect(w.writer.last(tenantField.consentUrl(2))).to.equal("");
    expect(w.writer.last(Field.offeredClouds)).to.equal("global");
    expect(new Set(w.tokens.calls.map((t) => t.cloud))).to.deep.equal(new Set(["global"]));
    expect(nock.isDone()).to.equal(true);
  });
});

describe("connectTenants: naming a tenant proves nothing (issue 13)", () => {
  it("never connects a tenant no administrator bound to the account, even when the connector can read it", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    discovery("global", "contoso.com", CONTOSO);

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(r).to.include({ status: "pending_consent", tenantId: CONTOSO });
    expect(r.consentUrl).to.include("/oauth2/v2.0/authorize?");
    expect(w.tokens.calls, "access is not even tried").to.deep.equal([]);
    expect(w.writer.last(tenantField.status(1))).to.equal("pending_consent");
  });

  it("says a tenant bound to another account is connected there, with the sign-in link to move it", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await bindToAccount(w, [CONTOSO], "someone-else");
    discovery("global", "contoso.com", CONTOSO);

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(r.status).to.equal("pending_consent");
    expect(w.writer.last(tenantField.status(1))).to.equal(
      "pending_consent: connected to another 4me account: an administrator of contoso.com must sign in here to move it",
    );
    expect(String(w.writer.last(tenantField.consentUrl(1)))).to.include("/oauth2/v2.0/authorize?");
    expect(w.tokens.calls).to.deep.equal([]);
  });

  it("asks an administrator to confirm a tenant connected before bindings existed that no binding holds", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await connectedTenant(w, 1, "contoso.com", "global", CONTOSO);
    discovery("global", "contoso.com", CONTOSO);

    const [r] = await connectTenants(ACCOUNT, w.deps);

    expect(r).to.include({ status: "pending_consent" });
    expect(r.reason).to.include("must sign in to confirm");
  });
});

describe("recordAuthorizationFailure", () => {
  it("fails the tenant with the administrator's next step and a consent link, in store and form", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await connectedTenant(w, 1, "contoso.com", "global", CONTOSO);

    const saved = await recordAuthorizationFailure(ACCOUNT, CONTOSO, new AuthorizationError("401", "graph"), w.deps);

    expect(saved).to.include({
      status: "failed",
      reason: "consent revoked or permission missing: an Entra admin must consent again",
    });
    expect(String(w.writer.last(tenantField.consentUrl(1)))).to.match(/^https:\/\/login\.microsoftonline\.com\/4c1f/);
  });
});

describe("refreshBreakdown", () => {
  it("counts the devices of every connected tenant, stores the breakdown and writes the hidden field", async () => {
    const w = await world([{ domain: "contoso.com" }, { domain: "fabrikam.us", cloud: "usgov" }]);
    await bindToAccount(w, [CONTOSO, FABRIKAM]);
    await connectedTenant(w, 1, "contoso.com", "global", CONTOSO);
    await connectedTenant(w, 2, "fabrikam.us", "usgov", FABRIKAM);
    nock(GRAPH.global)
      .get("/v1.0/deviceManagement/managedDevices")
      .query(true)
      .reply(200, fixture("managedDevices-v1.0-select-page.json"));
    nock(GRAPH.global)
      .get("/v1.0/deviceManagement/managedDevices")
      .query((q) => "$skiptoken" in q)
      .reply(200, syntheticPage(10, 2));
    nock(GRAPH.usgov).get("/v1.0/deviceManagement/managedDevices").query(true).reply(200, syntheticPage(20, 3));

    const b = await refreshBreakdown(ACCOUNT, w.deps);

    expect(b?.total).to.equal(9);
    expect(b?.rows).to.deep.include(["windows", "company", "user", 6]);
    expect(parseBreakdown((await w.store.getInstance(ACCOUNT))?.breakdown)).to.deep.equal(b);
    expect(JSON.parse(String(w.writer.last(Field.fleetBreakdown)))).to.deep.equal(b);
  });

  it("fails a tenant that refuses access and still counts the others", async () => {
    const w = await world([{ domain: "contoso.com" }, { domain: "fabrikam.us", cloud: "usgov" }]);
    await bindToAccount(w, [CONTOSO, FABRIKAM]);
    await connectedTenant(w, 1, "contoso.com", "global", CONTOSO);
    await connectedTenant(w, 2, "fabrikam.us", "usgov", FABRIKAM);
    nock(GRAPH.global).get("/v1.0/deviceManagement/managedDevices").query(true).times(2).reply(401, {});
    nock(GRAPH.usgov).get("/v1.0/deviceManagement/managedDevices").query(true).reply(200, syntheticPage(20, 3));

    const b = await refreshBreakdown(ACCOUNT, w.deps);

    expect(b?.total).to.equal(3);
    const tenants = await w.store.listTenants(ACCOUNT);
    expect(tenants.map((t) => t.status)).to.deep.equal(["failed", "connected"]);
    expect(w.writer.last(tenantField.status(1))).to.match(/^failed: consent revoked/);
  });
});
