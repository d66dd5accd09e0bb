import { expect } from "chai";
import { JTI_SCOPE, DELIVERY_SCOPE } from "../../../src/webhooks/replay-guard.js";
import { NOW_MS, NOW_S, providerEnvelope, startReceiver, type Receiver } from "./harness.js";

const PATH = "/webhooks/4me";
const OFFERING = { reference: "microsoft_intune", id: 1, nodeID: "NG1lLmNvbS9BcHBPZmZlcmluZy8x" };
const APPLICATION = { nodeID: "app-1", client_id: "client-1", client_secret: "secret-1" };
const POLICY = { nodeID: "pol-1", algorithm: "ES256", public_key: "-----BEGIN PUBLIC KEY-----\nAAA\n", audience: null };

describe("webhook receiver: provider events", () => {
  let r: Receiver;
  beforeEach(async () => {
    r = await startReceiver();
  });
  afterEach(async () => {
    await r.close();
  });

  const send = async (event: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    r.post(PATH, { jwt: await r.sign(providerEnvelope(event, payload)) }, headers);

  describe("app_instance.secrets-update", () => {
    it("stores the parts that came, creates the instance record and queues a refresh", async () => {
      const answer = await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        application: APPLICATION,
        policy: POLICY,
      });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ ok: true, message: "secrets stored (application, policy)" });
      expect(r.store.secrets.get("widget")).to.deep.equal({ application: APPLICATION, policy: POLICY });
      const instance = r.store.instances.get("widget");
      expect(instance?.offeringReference).to.equal("microsoft_intune");
      expect(instance?.appInstanceId).to.equal("NG1lLmNvbS9BcHBJbnN0YW5jZS8xMg");
      expect(r.queue.jobs).to.deep.equal([
        {
          name: "refresh-instance",
          data: { account: "widget", trigger: "app_instance.secrets-update" },
          singletonKey: "widget",
        },
      ]);
      expect(r.logs.map((l) => l.msg)).to.deep.equal(["webhook received"]);
      expect(r.rawLog.join("")).not.to.include("secret-1");
    });

    it("merges partial deliveries: application only, then policy only, keeps both", async () => {
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        application: APPLICATION,
      });
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        policy: POLICY,
      });
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        secrets: { api_key: "k1" },
      });
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        secrets: { other_key: "k2" },
      });
      expect(r.store.secrets.get("widget")).to.deep.equal({
        application: APPLICATION,
        policy: POLICY,
        secrets: { api_key: "k1", other_key: "k2" },
      });
    });

    it("removes a part sent as null and keeps the others", async () => {
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        application: APPLICATION,
        authorization_application: { client_id: "c2", client_secret: "s2" },
      });
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        authorization_application: null,
      });
      expect(r.store.secrets.get("widget")).to.deep.equal({ application: APPLICATION });
    });

    it("does not touch the flags of an instance that already exists", async () => {
      await r.store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune", suspended: true });
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        policy: POLICY,
      });
      expect(r.store.instances.get("widget")?.suspended).to.equal(true);
    });

    it("accepts the pre-rename integration_instance.secrets-update with `integration`", async () => {
      const answer = await send("integration_instance.secrets-update", {
        integration: { reference: "microsoft_intune", id: 1 },
        customer_account_id: "wdc-test",
        application: APPLICATION,
      });
      expect(answer.status).to.equal(200);
      expect(r.store.secrets.get("wdc-test")?.application).to.deep.equal(APPLICATION);
    });

    it("leaves another offering's secrets alone", async () => {
      const answer = await send("app_instance.secrets-update", {
        app_offering: { reference: "lansweeper", id: 2 },
        customer_account_id: "widget",
        application: APPLICATION,
      });
      expect(answer.status).to.equal(200);
      expect(answer.body?.message).to.equal("ignored: another offering");
      expect(r.store.secrets.size + r.store.instances.size).to.equal(0);
      expect(r.queue.jobs).to.deep.equal([]);
    });

    it("refuses a malformed part with 400 and stores nothing, not even the replay ids", async () => {
      const answer = await send(
        "app_instance.secrets-update",
        { app_offering: OFFERING, customer_account_id: "widget", application: APPLICATION, policy: { algorithm: 1 } },
        { "x-4me-delivery": "d-bad" },
      );
      expect(answer.status).to.equal(400);
      expect(answer.body?.message).to.equal("secrets part policy is malformed");
      expect(r.store.isEmpty()).to.equal(true);
    });

    it("refuses a missing or invalid customer_account_id with 400", async () => {
      for (const customer_account_id of [undefined, "", "Not An Account", 42]) {
        const answer = await send("app_instance.secrets-update", {
          app_offering: OFFERING,
          customer_account_id,
          application: APPLICATION,
        });
        expect(answer.status).to.equal(400);
      }
      expect(r.store.isEmpty()).to.equal(true);
    });

    it("answers 500 when the store fails, changes nothing, and processes 4me's retry", async () => {
      r.store.failing.add("mergeSecrets");
      const jwt = await r.sign(
        providerEnvelope("app_instance.secrets-update", {
          app_offering: OFFERING,
          customer_account_id: "widget",
          application: APPLICATION,
        }),
      );
      const failed = await r.post(PATH, { jwt }, { "x-4me-delivery": "d-1" });
      expect(failed.status).to.equal(500);
      expect(failed.body).to.deep.equal({ ok: false, message: "handling failed" });
      expect(r.store.isEmpty(), "no secrets, no instance, no replay record").to.equal(true);
      expect(r.queue.jobs).to.deep.equal([]);
      expect(r.logs).to.have.length(1);
      expect(r.logs[0].msg).to.equal("webhook failed");
      expect(r.logs[0].webhook).to.include({ status: 500, detail: "store down (mergeSecrets)" });

      r.store.failing.clear();
      const retried = await r.post(PATH, { jwt }, { "x-4me-delivery": "d-1" });
      expect(retried.status).to.equal(200);
      expect(r.store.secrets.get("widget")?.application).to.deep.equal(APPLICATION);
    });

    it("answers 500 when the replay cache cannot be written, before any handler runs", async () => {
      r.store.failing.add("rememberOnce");
      const answer = await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        application: APPLICATION,
      });
      expect(answer.status).to.equal(500);
      expect(r.store.isEmpty()).to.equal(true);
    });
  });

  describe("replays", () => {
    const payload = { app_offering: OFFERING, customer_account_id: "widget", application: APPLICATION };

    it("acknowledges a replayed jti with 200 and processes it once", async () => {
      const jwt = await r.sign(providerEnvelope("app_instance.secrets-update", payload));
      expect((await r.post(PATH, { jwt })).body?.message).to.match(/^secrets stored/);
      r.store.writes.length = 0;
      const again = await r.post(PATH, { jwt });
      expect(again.status).to.equal(200);
      expect(again.body?.message).to.equal("duplicate: already received");
      expect(r.store.writes).to.deep.equal([]);
      expect(r.queue.jobs).to.have.length(1);
      expect(r.logs).to.have.length(2);
    });

    it("processes one of two simultaneous copies of a token and acknowledges the other", async () => {
      const jwt = await r.sign(providerEnvelope("app_instance.secrets-update", payload));
      const answers = await Promise.all([r.post(PATH, { jwt }), r.post(PATH, { jwt })]);
      expect(answers.map((a) => a.status)).to.deep.equal([200, 200]);
      expect(answers.map((a) => a.body?.message).sort()).to.deep.equal([
        "duplicate: already received",
        "secrets stored (application)",
      ]);
      expect(r.queue.jobs).to.have.length(1);
    });

    it("acknowledges a re-signed delivery with a seen X-4me-Delivery id with 200 and processes it once", async () => {
      const first = await r.sign(providerEnvelope("app_instance.secrets-update", payload));
      const second = await r.sign(providerEnvelope("app_instance.secrets-update", payload));
      expect((await r.post(PATH, { jwt: first }, { "X-4me-Delivery": "6f1c0d2e-aaaa" })).status).to.equal(200);
      const again = await r.post(PATH, { jwt: second }, { "X-4me-Delivery": "6f1c0d2e-aaaa" });
      expect(again.status).to.equal(200);
      expect(again.body?.message).to.equal("duplicate: already received");
      expect(r.queue.jobs).to.have.length(1);
    });

    it("also reads the Xurrent delivery header", async () => {
      const first = await r.sign(providerEnvelope("app_instance.secrets-update", payload));
      const second = await r.sign(providerEnvelope("app_instance.secrets-update", payload));
      await r.post(PATH, { jwt: first }, { "x-xurrent-delivery": "b3a1" });
      expect((await r.post(PATH, { jwt: second }, { "x-xurrent-delivery": "b3a1" })).body?.message).to.equal(
        "duplicate: already received",
      );
      expect(r.queue.jobs).to.have.length(1);
    });

    it("remembers jtis and delivery ids per account, with an expiry", async () => {
      await r.post(
        PATH,
        { jwt: await r.sign(providerEnvelope("app_instance.secrets-update", payload)) },
        {
          "x-4me-delivery": "d-9",
        },
      );
      const [[jti, jtiExpiry]] = [...r.store.remembered.get(JTI_SCOPE)!.entries()];
      expect(jti).to.match(/^wdc:[0-9a-f]{64}$/);
      // The harness signs with iat = now - 5 s and no exp: kept for the token's whole life (a day) plus the skew.
      expect(jtiExpiry).to.equal((NOW_S - 5 + 86_400 + 60) * 1000);
      expect([...r.store.remembered.get(DELIVERY_SCOPE)!.entries()]).to.deep.equal([["wdc:d-9", NOW_MS + 86_400_000]]);
    });
  });

  describe("app_instance.create / update / delete", () => {
    const created = {
      app_offering: OFFERING,
      customer_account_id: "widget",
      disabled: false,
      enabled_by_customer: true,
      suspended: false,
      customer_representative: { id: 568, name: "Tom Waters", account: { id: "widget", name: "Widget" } },
    };

    it("create records the flags and queues a refresh of the instance, answering at once", async () => {
      const answer = await send("app_instance.create", created);
      expect(answer.status).to.equal(200);
      expect(answer.body?.message).to.equal("instance recorded; refresh queued");
      expect(r.store.instances.get("widget")).to.include({
        account: "widget",
        offeringReference: "microsoft_intune",
        disabled: false,
        suspended: false,
        enabledByCustomer: true,
        appInstanceId: "NG1lLmNvbS9BcHBJbnN0YW5jZS8xMg",
      });
      expect(r.queue.jobs).to.deep.equal([
        {
          name: "refresh-instance",
          data: { account: "widget", trigger: "app_instance.create" },
          singletonKey: "widget",
        },
      ]);
      expect(r.appInstances.calls, "the custom fields are read by the job, not the request").to.deep.equal([]);
    });

    it("update with suspended or disabled marks the instance not runnable", async () => {
      await send("app_instance.create", created);
      const suspended = await send("app_instance.update", { ...created, suspended: true });
      expect(suspended.body?.message).to.equal("instance recorded as not runnable");
      expect(r.store.instances.get("widget")?.suspended).to.equal(true);
      expect((await r.store.listInstances({ runnable: true })).map((i) => i.account)).to.deep.equal([]);
      await send("app_instance.update", { ...created, disabled: true });
      expect(r.store.instances.get("widget")).to.include({ disabled: true, suspended: false });
    });

    it("update without flags leaves the stored flags as they are", async () => {
      await send("app_instance.create", { ...created, enabled_by_customer: false });
      await send("app_instance.update", {
        app_offering: { ...OFFERING, updated: true },
        customer_account_id: "widget",
      });
      expect(r.store.instances.get("widget")?.enabledByCustomer).to.equal(false);
    });

    it("delete removes the instance and destroys its secrets", async () => {
      await send("app_instance.secrets-update", {
        app_offering: OFFERING,
        customer_account_id: "widget",
        application: APPLICATION,
      });
      await send("app_instance.create", created);
      const answer = await send("app_instance.delete", { ...created, disabled: true });
      expect(answer.status).to.equal(200);
      expect(answer.body?.message).to.equal("instance and secrets deleted");
      expect(r.store.instances.has("widget")).to.equal(false);
      expect(r.store.secrets.has("widget")).to.equal(false);
    });

    it("ignores another offering's instances", async () => {
      const answer = await send("app_instance.delete", { ...created, app_offering: { reference: "lansweeper" } });
      expect(answer.body?.message).to.equal("ignored: another offering");
      await send("app_instance.create", { ...created, app_offering: { reference: "lansweeper" } });
      expect(r.store.instances.size).to.equal(0);
    });
  });

  it("acknowledges an event it does not handle with 200 and does nothing", async () => {
    const answer = await send("request.create", { id: 1 });
    expect(answer.status).to.equal(200);
    expect(answer.body?.message).to.equal("ignored: event not handled here");
    expect(r.queue.jobs).to.deep.equal([]);
    expect(r.store.instances.size + r.store.secrets.size).to.equal(0);
  });
});
