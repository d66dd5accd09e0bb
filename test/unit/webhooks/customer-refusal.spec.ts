// The customer endpoint answers every token it does not accept with the same 401 text, whether or not the account
// is a customer, so it cannot be used to list the connector's customers. The log keeps the real reason.
import { expect } from "chai";
import { makeKey, type TestKey } from "../../helpers/jwt.js";
import { CUSTOMER_REFUSAL } from "../../../src/webhooks/receive.js";
import { providerEnvelope, startReceiver, type Receiver } from "./harness.js";

describe("webhook receiver: customer endpoint refusals", () => {
  let r: Receiver;
  let customerKey: TestKey;
  let stranger: TestKey;

  before(async () => {
    customerKey = await makeKey("ES256");
    stranger = await makeKey("ES256");
  });
  beforeEach(async () => {
    r = await startReceiver();
    await r.store.mergeSecrets("widget", { policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem } });
  });
  afterEach(async () => {
    await r.close();
  });

  const send = async (account: string, key: TestKey, options: { issuer?: string; accountId?: string } = {}) =>
    r.post(`/webhooks/4me/customer?account=${account}`, {
      jwt: await r.sign(
        { ...providerEnvelope("automation_rule"), account_id: options.accountId ?? account },
        { issuer: options.issuer ?? `https://${account}.4me.com` },
        key,
      ),
    });

  it("answers a customer's forged token and a non-customer's token with the same 401 and text", async () => {
    const answers = [
      await send("widget", stranger), // a customer, a key it does not hold
      await send("acme", stranger), // not a customer
      await send("acme", customerKey), // not a customer, a customer's real key
      await send("widget", customerKey, { issuer: "https://evil.example" }), // a customer, a wrong issuer
      await send("widget", customerKey, { accountId: "acme" }), // a customer, a token for another account
      await send("widget", r.key), // a customer, the provider's RSA key
    ];
    for (const answer of answers) {
      expect({ status: answer.status, body: answer.body }).to.deep.equal({
        status: 401,
        body: { ok: false, message: CUSTOMER_REFUSAL },
      });
    }
    expect(r.logs.map((l) => l.webhook?.reason)).to.deep.equal([
      "signature invalid",
      "no webhook policy stored for this account",
      "no webhook policy stored for this account",
      "claim iss check_failed",
      "token is for another account",
      "algorithm not allowed",
    ]);
    expect(r.queue.jobs).to.deep.equal([]);
  });

  it("answers a malformed token alike for customers and others (it passed the shape check)", async () => {
    const junk = `${Buffer.from("{not json").toString("base64url")}.eyJ4IjoxfQ.c2ln`;
    const customer = await r.post("/webhooks/4me/customer?account=widget", { jwt: junk });
    const other = await r.post("/webhooks/4me/customer?account=acme", { jwt: junk });
    expect(customer.status).to.equal(other.status);
    expect(customer.text).to.equal(other.text);
  });

  it("keeps the provider endpoint's specific reasons", async () => {
    const answer = await r.post("/webhooks/4me", {
      jwt: await r.sign(providerEnvelope("app_instance.create"), {}, stranger),
    });
    expect(answer.status).to.equal(401);
    expect(answer.body?.message).to.equal("algorithm not allowed");
  });
});
