import { expect } from "chai";
import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createConsentRouter, renderConsentPage } from "../../../src/server/consent-routes.js";
import { adminConsentLink, consentLink } from "../../../src/intune/consent.js";
import { ACCOUNT, APP_INSTANCE, CONTOSO, bindToAccount, probe, world, type World } from "./connection-helpers.js";

describe("/consent/callback", () => {
  let server: Server;
  let base: string;
  let w: World;

  beforeEach(async () => {
    w = await world([{ domain: "contoso.com" }]);
    await w.store.upsertTenant({
      account: ACCOUNT,
      slot: 1,
      domain: "contoso.com",
      cloud: "global",
      tenantId: CONTOSO,
      status: "pending_consent",
    });
    const app = express();
    app.use(createConsentRouter(w.deps));
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((r) => server.close(r)));

  it("answers a page that says the tenant is connected and links back to the app instance", async () => {
    await bindToAccount(w, [CONTOSO]);
    const link = await adminConsentLink(w.deps, {
      account: ACCOUNT,
      appInstanceId: APP_INSTANCE,
      slot: 1,
      domain: "contoso.com",
      cloud: "global",
      tenantId: CONTOSO,
    });
    const state = new URL(link).searchParams.get("state")!;
    probe("global");

    const res = await fetch(
      `${base}/consent/callback?admin_consent=True&tenant=${CONTOSO}&state=${encodeURIComponent(state)}`,
    );
    const html = await res.text();

    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/html/);
    expect(res.headers.get("cache-control")).to.equal("no-store");
    expect(html).to.include('data-result="connected"').and.include("contoso.com is connected");
    expect(html).to.include(`href="https://widget.4me.com/app_instances/${APP_INSTANCE}"`);
  });

  it("takes the sign-in's answer only as a form POST: its state in a query string is refused", async () => {
    const link = await consentLink(w.deps, {
      account: ACCOUNT,
      appInstanceId: APP_INSTANCE,
      slot: 1,
      domain: "contoso.com",
      cloud: "global",
      tenantId: CONTOSO,
    });
    const state = new URL(link).searchParams.get("state")!;
    const res = await fetch(`${base}/consent/callback?code=abc&state=${encodeURIComponent(state)}`);
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include("did not come the way Microsoft sends it");
  });

  it("refuses a form POST larger than Microsoft's answers are", async () => {
    const res = await fetch(`${base}/consent/callback`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `code=${"x".repeat(20_000)}`,
    });
    expect(res.status).to.equal(413);
    expect(await w.store.listTenantBindings(ACCOUNT)).to.deep.equal([]);
  });

  it("answers 400 with the reason when the state is missing", async () => {
    const res = await fetch(`${base}/consent/callback?error=access_denied&error_subcode=cancel`);
    const html = await res.text();
    expect(res.status).to.equal(400);
    expect(html).to.include('data-result="rejected"').and.include("carried no state");
    expect(html).not.to.include("<a ");
  });
});

describe("renderConsentPage", () => {
  it("escapes what it shows and links only to http(s)", () => {
    const html = renderConsentPage({
      result: "failed",
      title: "<script>x</script>",
      message: `a "quoted" & <b>bold</b> reason`,
      backUrl: "javascript:alert(1)",
    });
    expect(html).not.to.include("<script>x").and.not.include("<b>").and.not.include("javascript:");
    expect(html).to.include("&lt;script&gt;").and.include("&quot;quoted&quot; &amp;");
  });
});
