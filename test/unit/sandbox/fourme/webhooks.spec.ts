import { expect } from "chai";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, token, withSim, type Json } from "./helpers.js";
import { startReceiver, type Receiver } from "./receiver.js";

const FORM = `<div class="row"><input id="import_active" type="checkbox"></div>
<div class="row" data-filterable><input id="sync_start_at" data-filterable-name="Start"></div>
<input id="sync_summary"><input id="tenant_1_secret" data-secret>`;

describe("4me simulator webhooks and the app instance lifecycle", () => {
  let sim: FourMeSimulator;
  let receiver: Receiver;
  const issuer = () => sim.accountUrlTemplate.replace("{account}", sim.provider.account);
  const verify = async (jwt: string) =>
    jwtVerify(jwt, await importSPKI(sim.webhookPublicKeyPem, sim.webhookAlgorithm), {
      issuer: issuer(),
      algorithms: [sim.webhookAlgorithm],
    });

  before(async () => {
    receiver = await startReceiver();
    sim = await withSim({
      webhooks: { connectorUrl: receiver.url },
      offering: { formHtml: FORM, webhookUriTemplate: `${receiver.url}/customer?account={account}` },
    });
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it("installs the app: secrets-update with application and policy, then create, each a signed ES512 JWT", async () => {
    const { installation, deliveries } = await sim.installApp("acme", {
      customFields: [
        { id: "import_active", value: false },
        { id: "tenant_1_secret", value: "s3cr3t" },
      ],
    });
    expect(deliveries.map((d) => [d.event, d.status])).to.deep.equal([
      ["app_instance.secrets-update", 200],
      ["app_instance.create", 200],
    ]);
    const [secrets, create] = receiver.received.slice(-2);
    expect(secrets.headers["x-4me-delivery"]).to.match(/^[0-9a-f-]{36}$/);
    expect(secrets.headers["content-type"]).to.equal("application/json; charset=utf-8");
    expect(decodeProtectedHeader(secrets.body.jwt!)).to.deep.include({ alg: "ES512", typ: "JWT" });

    const { payload } = await verify(secrets.body.jwt!);
    expect(payload.jti).to.match(/^[0-9a-f]{64}$/);
    expect(payload.iat).to.be.a("number");
    expect(payload.nbf).to.equal(payload.iat);
    expect(payload.exp).to.equal(undefined);
    const data = payload.data as Json;
    expect(payload.sub).to.equal(String(data.webhook_id));
    expect(data).to.deep.include({
      event: "app_instance.secrets-update",
      account_id: sim.provider.account,
      account: issuer(),
      object_nodeID: installation.appInstanceId,
    });
    expect(data.payload).to.deep.include({ customer_account_id: "acme", secrets: { tenant_1_secret: "s3cr3t" } });
    expect(data.payload.app_offering.reference).to.equal(sim.offeringReference);
    expect(data.payload.application).to.deep.include({
      client_id: installation.clientId,
      client_secret: installation.clientSecret,
    });
    expect(data.payload.policy).to.deep.include({
      algorithm: "ES512",
      public_key: installation.policyPublicKeyPem,
      audience: null,
    });

    const created = (await verify(create.body.jwt!)).payload.data as Json;
    expect(created.payload).to.deep.include({
      customer_account_id: "acme",
      disabled: false,
      enabled_by_customer: true,
      suspended: false,
    });
    // The customer credentials from the secrets webhook work against the customer account.
    const t = await token(sim, data.payload.application.client_id, data.payload.application.client_secret);
    const res = await fetch(sim.graphqlUrl, {
      method: "POST",
      headers: { Authorization: `Bearer ${t}`, "X-4me-Account": "acme", "Content-Type": "application/json" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    expect(res.status).to.equal(200);
  });

  it("saves the form: stored fields change (never the secret ones) and app_instance.update is sent", async () => {
    const deliveries = await sim.saveForm("acme", [
      { id: "import_active", value: true },
      { id: "tenant_1_secret", value: "new" },
    ]);
    expect(deliveries.map((d) => d.event)).to.deep.equal(["app_instance.secrets-update", "app_instance.update"]);
    expect(deliveries[0].data.payload).to.deep.include({ secrets: { tenant_1_secret: "new" } });
    const provider = await clientFor(sim, sim.provider.account);
    const d = await provider.data(
      `query($a: String!) { appInstances(first: 1, filter: { customerAccount: { values: [$a] } }) { nodes { customFields { id value } } } }`,
      { a: "acme" },
    );
    expect(d.appInstances.nodes[0].customFields).to.deep.equal([{ id: "import_active", value: true }]);
  });

  it("lets the provider write back only the form's fields, and filter on a data-filterable-name", async () => {
    const provider = await clientFor(sim, sim.provider.account);
    const id = sim.installation("acme")!.appInstanceId;
    const write = `mutation($input: AppInstanceUpdateInput!) { appInstanceUpdate(input: $input) { errors { path message } appInstance { suspended suspensionComment } } }`;
    const ok = await provider.data(write, {
      input: {
        id,
        customFields: [{ id: "sync_start_at", value: "2026-11-25T10:00:00Z" }],
        suspended: true,
        suspensionComment: "Rotate the token",
      },
    });
    expect(ok.appInstanceUpdate.appInstance).to.deep.equal({ suspended: true, suspensionComment: "Rotate the token" });
    const bad = await provider.data(write, {
      input: {
        id,
        customFields: [
          { id: "not_in_form", value: 1 },
          { id: "tenant_1_secret", value: "x" },
        ],
      },
    });
    expect(bad.appInstanceUpdate.errors.map((e: { path: string[] }) => e.path)).to.deep.equal([
      ["customFields"],
      ["customFields"],
    ]);
    const q = `query($v: [String]!) { appInstances(first: 5, filter: { customFilters: [{ name: "Start", values: $v }] }) { nodes { id } } }`;
    expect((await provider.data(q, { v: ["<2026-11-26T00:00:00Z"] })).appInstances.nodes).to.have.length(1);
    expect((await provider.data(q, { v: ["<2026-11-24T00:00:00Z"] })).appInstances.nodes).to.have.length(0);
    await provider.data(write, { input: { id, suspended: false, suspensionComment: null } });
  });

  it("disables the customer's application token while the provider disables the instance", async () => {
    const provider = await clientFor(sim, sim.provider.account);
    const { appInstanceId: id, clientId, clientSecret } = sim.installation("acme")!;
    const write = `mutation($input: AppInstanceUpdateInput!) { appInstanceUpdate(input: $input) { errors { message } } }`;
    await provider.data(write, { input: { id, disabled: true } });
    const body = () =>
      new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret });
    expect((await fetch(sim.oauthTokenUrl, { method: "POST", body: body() })).status).to.equal(401);
    await provider.data(write, { input: { id, disabled: false } });
    expect((await fetch(sim.oauthTokenUrl, { method: "POST", body: body() })).status).to.equal(200);
  });

  it("sends app_instance.update when the customer suspends the instance", async () => {
    const [d] = await sim.setInstanceState("acme", { suspended: true });
    expect(d.data.payload).to.deep.include({ suspended: true });
    await sim.setInstanceState("acme", { suspended: false });
  });

  it("sends app_instance.update for the provider's own appInstanceUpdate, naming the provider's API person", async () => {
    const provider = await clientFor(sim, sim.provider.account);
    const { appInstanceId: id } = sim.installation("acme")!;
    const before = sim.deliveries().length;
    const write = `mutation($input: AppInstanceUpdateInput!) { appInstanceUpdate(input: $input) { errors { message } } }`;
    await provider.data(write, { input: { id, customFields: [{ id: "sync_summary", value: "done" }] } });
    await sim.idle();
    const [echo] = sim.deliveries().slice(before);
    const me = await provider.data("{ me { id name } }", {});
    expect(echo.event).to.equal("app_instance.update");
    expect(echo.data).to.deep.include({ person_nodeID: me.me.id, person_name: me.me.name, object_nodeID: id });
    const { payload } = await verify(echo.jwt);
    expect((payload.data as Json).event).to.equal("app_instance.update");
  });

  it("delivers an event only to webhooks whose app offering filter names its offering (or that have none)", async () => {
    const provider = sim.provider.account;
    const base = { event: "app_instance.update", uri: receiver.url, disabled: false, verified: true };
    const policyId = sim.accounts.webhooks
      .inAccount(provider)
      .find((w) => w.event === "app_instance.update")!.webhookPolicyId;
    const ours = sim.accounts.webhooks.insert(provider, {
      ...base,
      webhookPolicyId: policyId,
      appOfferingReferences: [sim.offeringReference],
    });
    const theirs = sim.accounts.webhooks.insert(provider, {
      ...base,
      webhookPolicyId: policyId,
      appOfferingReferences: ["another_app"],
    });
    try {
      const sent = await sim.setInstanceState("acme", { suspended: false });
      const to = sent.map((d) => d.webhookId);
      expect(to).to.include(ours.id);
      expect(to).to.not.include(theirs.id);
    } finally {
      sim.accounts.webhooks.update(ours, { disabled: true });
      sim.accounts.webhooks.update(theirs, { disabled: true });
    }
  });

  it("rotates the customer's secret: secrets-update carries only the application, and the old secret stops working", async () => {
    const before = { ...sim.installation("acme")! };
    const [d] = await sim.rotateClientSecret("acme");
    expect(Object.keys(d.data.payload).sort()).to.deep.equal(["app_offering", "application", "customer_account_id"]);
    expect(d.data.payload.application).to.deep.include({
      client_id: before.clientId,
      client_secret: sim.installation("acme")!.clientSecret,
    });
    const old = await fetch(sim.oauthTokenUrl, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: before.clientId,
        client_secret: before.clientSecret,
      }),
    });
    expect(old.status).to.equal(401);
  });

  it("redelivers a delivery with the same JWT under a new delivery id", async () => {
    const original = sim.deliveries().at(-1)!;
    const again = await sim.redeliver(original.id);
    expect(again.jwt).to.equal(original.jwt);
    expect(again.id).to.not.equal(original.id);
    expect(receiver.received.at(-1)!.headers["x-4me-delivery"]).to.equal(again.id);
  });

  it("runs the webhook.verify handshake: a callback on the account's own host marks the webhook verified", async () => {
    receiver.followVerify = false;
    const unverified = await sim.verifyWebhook();
    expect(unverified.verified).to.equal(false);
    const callback = String(unverified.delivery.data.payload.callback);
    expect(callback.startsWith(`${issuer()}/webhooks/`)).to.equal(true);
    expect(callback).to.match(/verify\?code=[0-9a-f]+&expires_at=\d+$/);
    receiver.followVerify = true;
    const verified = await sim.verifyWebhook();
    expect(verified.verified).to.equal(true);
    expect(sim.verifyCallbacks().at(-1)!.ok).to.equal(true);
    expect((await fetch(callback)).status).to.equal(404);
  });

  it("sends webhook.verify by itself when a webhook is created through GraphQL", async () => {
    const provider = await clientFor(sim, sim.provider.account);
    const policy = await provider.data(
      `mutation { webhookPolicyCreate(input: { jwtAlg: es256 }) { webhookPolicy { id publicKeyPem account { id url } } } }`,
    );
    expect(policy.webhookPolicyCreate.webhookPolicy.account.url).to.equal(issuer());
    const count = receiver.received.length;
    await provider.data(
      `mutation($uri: String!, $p: ID!) { webhookCreate(input: { event: "app_instance.secrets-update", uri: $uri, webhookPolicyId: $p }) { webhook { id } } }`,
      {
        uri: `${receiver.url}?second`,
        p: policy.webhookPolicyCreate.webhookPolicy.id,
      },
    );
    await sim.idle();
    expect(receiver.received.slice(count).map((r) => r.data.event)).to.include("webhook.verify");
  });

  it("keeps a webhook whose verification failed inactive, and verifies it again when it is updated", async () => {
    const provider = await clientFor(sim, sim.provider.account);
    const policyId = sim.accounts.webhooks.inAccount(sim.provider.account).find((w) => w.verified)!.webhookPolicyId;
    receiver.status = 503; // the server is not up yet
    receiver.followVerify = false;
    const created = await provider.data(
      `mutation($uri: String!, $p: ID!) { webhookCreate(input: { event: "app_instance.update", uri: $uri, webhookPolicyId: $p }) { webhook { id } } }`,
      { uri: `${receiver.url}?third`, p: policyId },
    );
    await sim.idle();
    receiver.status = 200;
    const id = created.webhookCreate.webhook.id;
    expect(sim.accounts.webhooks.get(id)!.verified).to.equal(false);
    const sent = await sim.setInstanceState("acme", { suspended: false });
    expect(sent.map((d) => d.webhookId)).to.not.include(id);

    receiver.followVerify = true;
    try {
      const update = `mutation($id: ID!) { webhookUpdate(input: { id: $id, name: "again" }) { webhook { id } } }`;
      await provider.data(update, { id });
      await sim.idle();
    } finally {
      receiver.followVerify = false;
    }
    expect(sim.accounts.webhooks.get(id)!.verified).to.equal(true);
    const now = await sim.setInstanceState("acme", { suspended: false });
    expect(now.map((d) => d.webhookId)).to.include(id);
    sim.accounts.webhooks.update(sim.accounts.webhooks.get(id)!, { disabled: true });
  });

  it("signs automation-rule webhooks with the customer's policy, issued by the customer account", async () => {
    const { installation } = await sim.installApp("globex");
    const d = await sim.sendAutomationRuleWebhook("globex", { note_id: 5 });
    expect(d.uri).to.equal(`${receiver.url}/customer?account=globex`);
    const key = await importSPKI(installation.policyPublicKeyPem, "ES512");
    const { payload } = await jwtVerify(d.jwt, key, {
      issuer: sim.accountUrlTemplate.replace("{account}", "globex"),
      algorithms: ["ES512"],
    });
    expect((payload.data as Json).payload).to.deep.include({
      note_id: 5,
      customer_account_id: "globex",
    });
  });

  it("uninstalls: app_instance.delete is sent and the customer's credentials stop working", async () => {
    const { clientId, clientSecret } = sim.installation("globex")!;
    const [d] = await sim.uninstall("globex");
    expect(d.event).to.equal("app_instance.delete");
    expect(sim.inspect.appInstances().map((i) => i.customerAccount)).to.not.include("globex");
    const r = await fetch(sim.oauthTokenUrl, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
    });
    expect(r.status).to.equal(401);
  });

  it("sends the Xurrent-era headers when asked, with the original delivery id on a redelivery", async () => {
    const other = await withSim({ webhooks: { connectorUrl: receiver.url, brand: "xurrent" } });
    try {
      const [d] = await other.sendWebhook("app_instance.update", { hello: 1 });
      const first = receiver.received.at(-1)!.headers;
      expect(first["x-xurrent-delivery"]).to.equal(d.id);
      expect(first["user-agent"]).to.match(/^xurrent\/1\.0/);
      await other.redeliver(d.id);
      expect(receiver.received.at(-1)!.headers["x-xurrent-delivery-origin"]).to.equal(d.id);
    } finally {
      await other.close();
    }
  });

  it("adds aud and exp when the policy sets an audience and a claim lifetime", async () => {
    const other = await withSim({
      webhooks: {
        connectorUrl: receiver.url,
        jwtAlg: "rs256",
        audience: "integrations provided by wdc",
        claimExpiresInMinutes: 5,
      },
    });
    try {
      const [d] = await other.sendWebhook("app_instance.update", { hello: 1 });
      const key = await importSPKI(other.webhookPublicKeyPem, "RS256");
      const { payload } = await jwtVerify(d.jwt, key, {
        audience: "integrations provided by wdc",
        algorithms: ["RS256"],
      });
      expect(payload.exp! - payload.iat!).to.equal(300);
    } finally {
      await other.close();
    }
  });
});
