// Deploying in the order the README gives: the server starts first, without FOURME_WEBHOOK_PUBLIC_KEY; then
// offering:publish creates the policy (recording its key in the store) and the webhooks. 4me sends webhook.verify as
// each webhook is created and keeps it inactive until the server GETs the callback, so the server must know the key
// by then. Publish reports each webhook's verification, and has 4me send it again for one that is not verified.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConfig } from "../../src/config.js";
import { publishOffering } from "../../src/offering/publish-command.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { simulatorEnv } from "../../src/sandbox/harness.js";
import { PROVIDER_RECORDS_ACCOUNT } from "../../src/store/provider-records.js";
import { startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

describe("webhooks that verify on the first try (e2e)", function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let dir: string;
  const lines: string[] = [];
  const publish = async () => {
    lines.length = 0;
    const config = readConfig({
      ...simulatorEnv(sb.fourme, sb.microsoft),
      ...env,
      FOURME_WEBHOOK_PUBLIC_KEY: "",
      PUBLIC_URL: sb.url,
      // The simulator's own offering is published already under the default reference.
      FOURME_OFFERING_REFERENCE: "intune_verify_e2e",
    });
    return publishOffering({ dryRun: false, config, print: (l) => lines.push(l), verifyWaitMs: 10_000 });
  };
  const env: Record<string, string> = {};
  const ours = () =>
    sb.fourme.accounts.webhooks.inAccount(sb.fourme.provider.account).filter((w) => w.uri === `${sb.url}/webhooks/4me`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "verify-e2e-"));
    env.DATABASE_URL = join(dir, "connector.db");
    env.SECRET_KEY = randomBytes(32).toString("base64");
    sb = await startTestSandbox({
      fleet: generateFleet({ seed: 5, size: 10 }),
      providerWebhooks: false,
      env: { ...env, FOURME_WEBHOOK_PUBLIC_KEY: "" },
    });
  });
  after(async () => {
    await sb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses provider webhooks while no key is configured or recorded", async () => {
    const res = await fetch(`${sb.url}/webhooks/4me`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jwt: "eyJhbGciOiJFUzUxMiJ9.e30.x" }),
    });
    expect(res.status).to.equal(401);
    expect(await res.text()).to.contain("no provider webhook public key configured or recorded");
  });

  it("publishes to a running server without the key set: every webhook verifies at creation", async () => {
    const outcome = await publish();
    expect(outcome.verification?.map((v) => [v.event, v.verified, v.resent])).to.deep.equal([
      ["app_instance.secrets-update", true, false],
      ["app_instance.create", true, false],
      ["app_instance.update", true, false],
      ["app_instance.delete", true, false],
    ]);
    expect(ours()).to.have.length(4);
    for (const w of ours()) expect(w.verified).to.equal(true);
    expect(lines.join("\n")).to.match(/verified\s+app_instance\.update/);
    // One webhook.verify per webhook was enough, each signed with the new policy and checked against the key
    // publish recorded (the server has no other).
    const verifies = sb.fourme.deliveries().filter((d) => d.event === "webhook.verify");
    expect(verifies.map((d) => d.status)).to.deep.equal([200, 200, 200, 200]);
  });

  it("has 4me send the verification again for a webhook that is not verified, and reports it", async () => {
    const [first] = ours();
    // As if the server had been down when 4me sent webhook.verify: 4me keeps the webhook inactive.
    sb.fourme.accounts.webhooks.update(first, { verified: false });
    await sb.connector.store.mergeSecrets(PROVIDER_RECORDS_ACCOUNT, { secrets: { [`verified:${first.id}`]: null } });

    const outcome = await publish();
    const state = outcome.verification?.find((v) => v.webhookId === first.id);
    expect(state).to.deep.include({ verified: true, resent: true });
    expect(sb.fourme.accounts.webhooks.get(first.id)!.verified).to.equal(true);
    expect(lines.join("\n")).to.contain("(verification sent again)");
  });
});
