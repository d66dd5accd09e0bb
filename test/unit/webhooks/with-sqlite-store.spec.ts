// The receiver against the real SQLite store (in memory), to be sure the handlers rely only on what the store's
// contract gives: partial secret merges, replay ids, deletion.
import { expect } from "chai";
import { readConfig } from "../../../src/config.js";
import { silentLogger } from "../../../src/logger.js";
import { createApp } from "../../../src/server/app.js";
import { listen, type Listening } from "../../../src/server/listen.js";
import { openStore } from "../../../src/store/open-store.js";
import type { InstanceStore } from "../../../src/store/types.js";
import { signWebhook } from "../../helpers/jwt.js";
import {
  FakeAppInstances,
  NOW_MS,
  NOW_S,
  RecordingQueue,
  providerEnvelope,
  providerKey,
  rawRequest,
} from "./harness.js";

const OFFERING = { reference: "microsoft_intune", id: 1 };
const APPLICATION = { nodeID: "a", client_id: "client-1", client_secret: "secret-1" };
const POLICY = { nodeID: "p", algorithm: "ES512", public_key: "-----BEGIN PUBLIC KEY-----\nX\n", audience: null };

describe("webhook receiver with the SQLite store", () => {
  let store: InstanceStore;
  let server: Listening;
  let queue: RecordingQueue;

  beforeEach(async () => {
    const key = await providerKey();
    const config = readConfig({
      FOURME_PROVIDER_ACCOUNT: "wdc",
      FOURME_WEBHOOK_PUBLIC_KEY: key.publicKeyPem,
      DATABASE_URL: ":memory:",
    });
    store = await openStore(config, silentLogger, { now: () => new Date(NOW_MS) });
    queue = new RecordingQueue();
    const app = createApp({
      config,
      store,
      logger: silentLogger,
      queue,
      appInstances: new FakeAppInstances(),
      now: () => new Date(NOW_MS),
    });
    server = await listen(app);
  });
  afterEach(async () => {
    await server.close();
    await store.close();
  });

  const send = async (event: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const jwt = await signWebhook(await providerKey(), providerEnvelope(event, payload), {
      issuer: "https://wdc.4me.com",
      iat: NOW_S,
    });
    return rawRequest(`${server.url}/webhooks/4me`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ jwt }),
    });
  };

  it("merges partial secret deliveries and keeps every part", async () => {
    const base = { app_offering: OFFERING, customer_account_id: "widget" };
    expect((await send("app_instance.secrets-update", { ...base, application: APPLICATION })).status).to.equal(200);
    expect((await send("app_instance.secrets-update", { ...base, policy: POLICY })).status).to.equal(200);
    expect((await send("app_instance.secrets-update", { ...base, secrets: { a: "1" } })).status).to.equal(200);
    expect((await send("app_instance.secrets-update", { ...base, secrets: { b: "2" } })).status).to.equal(200);
    expect(await store.getSecrets("widget")).to.deep.equal({
      application: APPLICATION,
      policy: POLICY,
      secrets: { a: "1", b: "2" },
    });
    expect((await store.getInstance("widget"))?.offeringReference).to.equal("microsoft_intune");
  });

  it("acknowledges a replayed delivery once", async () => {
    const payload = { app_offering: OFFERING, customer_account_id: "widget", application: APPLICATION };
    await send("app_instance.secrets-update", payload, { "x-4me-delivery": "d-1" });
    const again = await send("app_instance.secrets-update", payload, { "x-4me-delivery": "d-1" });
    expect(again.body?.message).to.equal("duplicate: already received");
    expect(queue.jobs).to.have.length(1);
  });

  it("records flags on update and destroys the secrets on delete", async () => {
    const base = { app_offering: OFFERING, customer_account_id: "widget" };
    await send("app_instance.secrets-update", { ...base, application: APPLICATION });
    await send("app_instance.update", { ...base, disabled: false, suspended: true, enabled_by_customer: true });
    expect(await store.getInstance("widget")).to.include({ suspended: true, enabledByCustomer: true, disabled: false });
    expect(await store.listInstances({ runnable: true })).to.deep.equal([]);
    await send("app_instance.delete", base);
    expect(await store.getInstance("widget")).to.equal(undefined);
    expect(await store.getSecrets("widget")).to.deep.equal({});
  });
});
