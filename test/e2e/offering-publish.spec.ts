import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConfig, type Config } from "../../src/config.js";
import { publishOffering, RECORD_FILE_NAME } from "../../src/offering/publish-command.js";
import { startFourMeSimulator, type FourMeSimulator } from "../../src/sandbox/fourme/index.js";

// Our own reference: the simulator bootstraps a published offering under its default one.
const REFERENCE = "microsoft_intune_publish_e2e";

describe("offering publish against the sandbox 4me", function () {
  let sim: FourMeSimulator;
  let dir: string;
  let config: Config;
  const lines: string[] = [];
  const run = (dryRun: boolean) =>
    publishOffering({ dryRun, config, clients: { maxAttempts: 1 }, print: (l) => lines.push(l), verifyWaitMs: 0 });

  before(async () => {
    sim = await startFourMeSimulator();
    dir = await mkdtemp(join(tmpdir(), "publish-e2e-"));
    config = readConfig({
      FOURME_PROVIDER_ACCOUNT: sim.provider.account,
      FOURME_PROVIDER_CLIENT_ID: sim.provider.clientId,
      FOURME_PROVIDER_CLIENT_SECRET: sim.provider.clientSecret,
      FOURME_GRAPHQL_URL: sim.graphqlUrl,
      FOURME_OAUTH_URL: sim.oauthTokenUrl,
      FOURME_ACCOUNT_URL_TEMPLATE: sim.accountUrlTemplate,
      FOURME_OFFERING_REFERENCE: REFERENCE,
      // Nothing listens here: 4me's webhook.verify to it fails, which publishing does not depend on.
      PUBLIC_URL: "http://127.0.0.1:9",
      DATABASE_URL: join(dir, "connector.db"),
    });
  });

  after(async () => {
    await sim?.idle();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    lines.length = 0;
  });

  it("with --dry-run shows the plan and writes nothing", async () => {
    const mutationsBefore = sim.stats().mutations;
    const outcome = await run(true);
    expect(outcome.results).to.deep.equal([]);
    expect(lines[0]).to.match(/dry run: nothing written/);
    expect(lines.some((l) => /create app-offering microsoft_intune_publish_e2e/.test(l))).to.equal(true);
    expect(sim.stats().mutations).to.equal(mutationsBefore);
  });

  it("creates the policy, the four webhooks, the form and the offering, and records the policy key", async () => {
    const outcome = await run(false);
    expect(outcome.results.map((r) => `${r.action} ${r.target}`)).to.deep.equal([
      "created webhook-policy",
      "created webhook",
      "created webhook",
      "created webhook",
      "created webhook",
      "created ui-extension",
      "created app-offering",
    ]);
    expect(outcome.newPublicKeyPem).to.match(/BEGIN PUBLIC KEY/);
    const record = JSON.parse(await readFile(join(dir, RECORD_FILE_NAME), "utf8"));
    expect(record.publicKeyPem).to.equal(outcome.newPublicKeyPem);
    expect(lines.join("\n")).to.contain(outcome.newPublicKeyPem!.trim());

    const offering = sim.accounts.appOfferings.all().find((o) => o.reference === REFERENCE)!;
    expect(offering.name).to.equal("Microsoft Intune");
    expect(offering.published).to.equal(false);
    const form = sim.accounts.uiExtensions.all().find((u) => u.sourceID === "configuration-form")!;
    expect(form.category).to.equal("app_offering");
    expect(offering.uiExtensionVersionId).to.equal(form.activeVersionId);
    const scopes = sim.accounts.offeringScopes.all().filter((sc) => sc.ownerId === offering.id);
    expect(scopes).to.have.length(1);
    expect(scopes[0].fields.actions).to.include.members(["ci:Create", "request:Update", "ui-extension:Update"]);
    const webhooks = sim.accounts.webhooks
      .inAccount(sim.provider.account)
      .filter((w) => w.uri === "http://127.0.0.1:9/webhooks/4me");
    expect(webhooks.map((w) => w.event).sort()).to.deep.equal(
      ["app_instance.create", "app_instance.delete", "app_instance.secrets-update", "app_instance.update"].sort(),
    );
    for (const w of webhooks) expect(w.webhookPolicyId).to.equal(record.webhookPolicyId);
    // Scoped to our offering: the endpoint gets no other offering's events or customer secrets.
    for (const w of webhooks) expect(w.appOfferingReferences).to.deep.equal([REFERENCE]);
    expect([...record.scopedWebhookIds].sort()).to.deep.equal(webhooks.map((w) => w.id).sort());
  });

  it("changes nothing when run again, but has 4me send webhook.verify again to the webhooks not verified", async () => {
    const before = sim.stats();
    const outcome = await run(false);
    const after = sim.stats();
    // Nothing listens at PUBLIC_URL, so no webhook was verified: each is updated as is, and 4me sends a new code.
    expect(after.mutations - before.mutations).to.equal(4);
    expect((after.byMutation.webhookUpdate ?? 0) - (before.byMutation.webhookUpdate ?? 0)).to.equal(4);
    expect(outcome.verification?.map((v) => [v.verified, v.resent])).to.deep.equal(Array(4).fill([false, true]));
    expect(lines.join("\n")).to.match(/NOT verified\s+app_instance\.update \(verification sent again\)/);
    expect(lines.join("\n")).to.contain("start it (npm start)");
    expect(outcome.results.filter((r) => r.action !== "unchanged")).to.deep.equal([]);
    expect(outcome.newPublicKeyPem).to.equal(undefined);
    expect(lines[0]).to.match(/Nothing to change/);
  });

  it("creates a new policy when the recorded one's algorithm changed, and says which key to set", async () => {
    const path = join(dir, RECORD_FILE_NAME);
    const before = JSON.parse(await readFile(path, "utf8"));
    const old = sim.accounts.webhookPolicies.get(before.webhookPolicyId)!;
    sim.accounts.webhookPolicies.update(old, { jwtAlg: "es256" }); // someone changed it in 4me

    const outcome = await run(false);
    expect(outcome.results.map((r) => `${r.action} ${r.target}`).slice(0, 5)).to.deep.equal([
      "created webhook-policy",
      "updated webhook",
      "updated webhook",
      "updated webhook",
      "updated webhook",
    ]);
    const after = JSON.parse(await readFile(path, "utf8"));
    expect(after.webhookPolicyId).to.not.equal(before.webhookPolicyId);
    expect(after.publicKeyPem).to.equal(outcome.newPublicKeyPem);
    expect(sim.accounts.webhookPolicies.get(after.webhookPolicyId)!.publicKeyPem).to.equal(outcome.newPublicKeyPem);
    const text = lines.join("\n");
    expect(text).to.contain(`${before.webhookPolicyId} signs with ES256`);
    expect(text).to.contain("the old key no longer verifies them");
    expect(text).to.contain(outcome.newPublicKeyPem!.trim());
    const ours = sim.accounts.webhooks
      .inAccount(sim.provider.account)
      .filter((w) => w.uri === "http://127.0.0.1:9/webhooks/4me");
    for (const w of ours) expect(w.webhookPolicyId).to.equal(after.webhookPolicyId);
  });

  it("limits webhooks made before scoping to our offering, once", async () => {
    const path = join(dir, RECORD_FILE_NAME);
    const { scopedWebhookIds: _, ...older } = JSON.parse(await readFile(path, "utf8"));
    await writeFile(path, JSON.stringify(older));
    const ours = sim.accounts.webhooks
      .inAccount(sim.provider.account)
      .filter((w) => w.uri === "http://127.0.0.1:9/webhooks/4me");
    for (const w of ours) sim.accounts.webhooks.update(w, { appOfferingReferences: undefined });

    const outcome = await run(false);
    expect(outcome.results.filter((r) => r.target === "webhook").map((r) => r.action)).to.deep.equal([
      "updated",
      "updated",
      "updated",
      "updated",
    ]);
    for (const w of ours) expect(sim.accounts.webhooks.get(w.id)!.appOfferingReferences).to.deep.equal([REFERENCE]);
    const again = await run(false);
    expect(again.results.filter((r) => r.action !== "unchanged")).to.deep.equal([]);
  });
});
