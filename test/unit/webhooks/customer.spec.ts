import { expect } from "chai";
import { makeKey, type TestKey } from "../../helpers/jwt.js";
import { providerEnvelope, startReceiver, type Receiver } from "./harness.js";

const CUSTOMER = "widget";
const CUSTOMER_URL = "https://widget.4me.com";
const path = (account: string = CUSTOMER) => `/webhooks/4me/customer?account=${encodeURIComponent(account)}`;

/** An automation-rule webhook from the customer account (iss = the customer's account URL). */
function ruleEnvelope(account = CUSTOMER, event = "automation_rule") {
  return {
    ...providerEnvelope(event, { rule: "sync now" }),
    account_id: account,
    account: `https://${account}.4me.com`,
  };
}

describe("webhook receiver: customer endpoint", () => {
  let r: Receiver;
  let customerKey: TestKey;

  before(async () => {
    customerKey = await makeKey("ES256");
  });
  beforeEach(async () => {
    r = await startReceiver();
    await r.store.mergeSecrets(CUSTOMER, {
      policy: { algorithm: "es256", public_key: customerKey.publicKeyPem, audience: null },
    });
    await r.store.upsertInstance({
      account: CUSTOMER,
      offeringReference: "microsoft_intune",
      enabledByCustomer: true,
      disabled: false,
      suspended: false,
    });
    r.store.writes.length = 0;
  });
  afterEach(async () => {
    await r.close();
  });

  const sendRule = async (options: Parameters<Receiver["sign"]>[1] = {}, key = customerKey, account = CUSTOMER) =>
    r.post(path(account), { jwt: await r.sign(ruleEnvelope(account), { issuer: CUSTOMER_URL, ...options }, key) });

  it("verifies an automation_rule webhook with the customer's policy key and queues a sync", async () => {
    const answer = await sendRule();
    expect(answer.status).to.equal(200);
    expect(answer.body?.message).to.equal("sync queued");
    expect(r.queue.jobs).to.deep.equal([
      { name: "sync", data: { account: CUSTOMER, trigger: "automation_rule" }, singletonKey: CUSTOMER },
    ]);
  });

  it("accepts the customer's Xurrent account URL and the policy's own issuer when it is a 4me account URL", async () => {
    expect((await sendRule({ issuer: "https://widget.xurrent.com" })).status).to.equal(200);
    await r.store.mergeSecrets(CUSTOMER, {
      policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem, issuer: "https://desk.4me.com" },
    });
    expect((await sendRule({ issuer: "https://desk.4me.com" })).status).to.equal(200);
    expect((await sendRule({ issuer: "https://other.example" })).status).to.equal(401);
    // A custom domain (stored before issuers were checked) is not an issuer.
    await r.store.mergeSecrets(CUSTOMER, {
      policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem, issuer: "https://desk.widget.example" },
    });
    expect((await sendRule({ issuer: "https://desk.widget.example" })).status).to.equal(401);
  });

  it("does not queue a sync for an instance that is not runnable", async () => {
    await r.store.upsertInstance({ account: CUSTOMER, offeringReference: "microsoft_intune", suspended: true });
    const answer = await sendRule();
    expect(answer.status).to.equal(200);
    expect(answer.body?.message).to.equal("ignored: app instance not runnable");
    expect(r.queue.jobs).to.deep.equal([]);
  });

  it("refuses a token signed with the provider key: 401", async () => {
    const answer = await sendRule({}, r.key);
    expect(answer.status).to.equal(401);
    expect(r.logs[0].webhook?.reason).to.equal("algorithm not allowed");
  });

  it("refuses a token signed with another EC key: 401", async () => {
    const answer = await sendRule({}, await makeKey("ES256"));
    expect(answer.status).to.equal(401);
    expect(r.logs[0].webhook?.reason).to.equal("signature invalid");
  });

  it("refuses the provider's issuer on the customer endpoint: 401", async () => {
    expect((await sendRule({ issuer: "https://wdc.4me.com" })).status).to.equal(401);
  });

  it("refuses an account without a stored policy: 401, and changes nothing", async () => {
    const other = await makeKey("ES256");
    const answer = await r.post(path("acme"), {
      jwt: await r.sign(ruleEnvelope("acme"), { issuer: "https://acme.4me.com" }, other),
    });
    expect(answer.status).to.equal(401);
    expect(r.logs[0].webhook?.reason).to.equal("no webhook policy stored for this account");
    expect(r.store.writes).to.deep.equal([]);
  });

  it("refuses a token for another account than the URL names: 401", async () => {
    const token = await r.sign(ruleEnvelope("acme"), { issuer: CUSTOMER_URL }, customerKey);
    const answer = await r.post(path(CUSTOMER), { jwt: token });
    expect(answer.status).to.equal(401);
    expect(r.logs[0].webhook?.reason).to.equal("token is for another account");
  });

  it("refuses a missing or malformed account parameter: 400", async () => {
    const token = await r.sign(ruleEnvelope(), { issuer: CUSTOMER_URL }, customerKey);
    for (const p of ["/webhooks/4me/customer", path("Widget Inc"), path("../wdc"), `${path()}&account=acme`]) {
      expect((await r.post(p, { jwt: token })).status, p).to.equal(400);
    }
  });

  it("refuses the customer policy's algorithm when configuration does not allow it", async () => {
    await r.close();
    r = await startReceiver({ env: { FOURME_WEBHOOK_ALGORITHMS: "RS256" } });
    await r.store.mergeSecrets(CUSTOMER, { policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem } });
    const answer = await sendRule();
    expect(answer.status).to.equal(401);
    expect(r.logs[0].webhook?.reason).to.equal("policy algorithm ES256 not allowed");
  });

  it("does not act on provider events signed by a customer key", async () => {
    const token = await r.sign(
      {
        ...ruleEnvelope(CUSTOMER, "app_instance.secrets-update"),
        payload: { customer_account_id: CUSTOMER, policy: { algorithm: "RS256", public_key: "attacker" } },
      },
      { issuer: CUSTOMER_URL },
      customerKey,
    );
    const answer = await r.post(path(), { jwt: token });
    expect(answer.status).to.equal(200);
    expect(answer.body?.message).to.equal("ignored: event not handled here");
    expect(r.store.secrets.get(CUSTOMER)?.policy?.public_key).to.equal(customerKey.publicKeyPem);
  });

  it("answers 500 when the customer's policy cannot be read", async () => {
    r.store.failing.add("getSecrets");
    const answer = await sendRule();
    expect(answer.status).to.equal(500);
    expect(r.logs[0].webhook?.reason).to.equal("store unavailable");
  });

  it("acknowledges a replayed customer token once", async () => {
    const token = await r.sign(ruleEnvelope(), { issuer: CUSTOMER_URL }, customerKey);
    await r.post(path(), { jwt: token });
    const again = await r.post(path(), { jwt: token });
    expect(again.body?.message).to.equal("duplicate: already received");
    expect(r.queue.jobs).to.have.length(1);
  });
});
