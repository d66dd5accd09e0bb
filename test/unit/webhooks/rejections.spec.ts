import { expect } from "chai";
import { hmacWithPublicKey, unsignedToken } from "../../helpers/jwt.js";
import {
  NOW_S,
  PROVIDER_URL,
  providerEnvelope,
  rawRequest,
  startReceiver,
  strangerKey,
  type Receiver,
} from "./harness.js";

const PATH = "/webhooks/4me";

describe("webhook receiver: rejections", () => {
  let r: Receiver;
  const secrets = (account = "widget") =>
    providerEnvelope("app_instance.secrets-update", {
      app_offering: { reference: "microsoft_intune", id: 1, nodeID: "x" },
      customer_account_id: account,
      application: { nodeID: "a", client_id: "cid", client_secret: "csecret" },
    });

  beforeEach(async () => {
    r = await startReceiver();
  });
  afterEach(async () => {
    await r.close();
  });

  /** Posts, then checks the answer, the single log line and that nothing was stored. */
  async function expectRefused(
    send: () => Promise<{ status: number; body?: { ok?: boolean; message?: string } }>,
    status: number,
    reason: string | RegExp,
    token?: string,
  ) {
    const answer = await send();
    expect(answer.status).to.equal(status);
    expect(answer.body?.ok).to.equal(false);
    expect(r.logs).to.have.length(1);
    expect(r.logs[0].msg).to.equal("webhook rejected");
    expect(r.logs[0].webhook?.status).to.equal(status);
    if (typeof reason === "string") expect(r.logs[0].webhook?.reason).to.equal(reason);
    else expect(r.logs[0].webhook?.reason).to.match(reason);
    if (token) expect(r.rawLog.join("")).not.to.include(token.split(".")[2] || token);
    expect(r.store.isEmpty(), "store untouched").to.equal(true);
    expect(r.queue.jobs).to.deep.equal([]);
  }

  it("answers a valid token with 200 (the baseline the others differ from)", async () => {
    const answer = await r.post(PATH, { jwt: await r.sign(secrets()) });
    expect(answer.status).to.equal(200);
  });

  it("refuses a token signed with another key: 401", async () => {
    const token = await r.sign(secrets(), {}, await strangerKey());
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "signature invalid", token);
  });

  it("refuses another account's issuer: 401", async () => {
    const token = await r.sign(secrets(), { issuer: "https://other.4me.com" });
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "claim iss check_failed", token);
  });

  it("accepts the Xurrent twin of the provider account URL as issuer", async () => {
    const answer = await r.post(PATH, { jwt: await r.sign(secrets(), { issuer: "https://wdc.xurrent.com" }) });
    expect(answer.status).to.equal(200);
    expect(r.store.secrets.get("widget")?.application?.client_id).to.equal("cid");
  });

  it("refuses a token for another account_id signed by the provider key: 401", async () => {
    const token = await r.sign({ ...secrets(), account_id: "other" });
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "token is for another account", token);
  });

  it("refuses an expired token: 401", async () => {
    const token = await r.sign(secrets(), { iat: NOW_S - 3600, exp: NOW_S - 120 });
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "token expired", token);
  });

  it("refuses a token whose nbf lies in the future: 401", async () => {
    const token = await r.sign(secrets(), { iat: NOW_S, nbf: NOW_S + 600 });
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "claim nbf check_failed", token);
  });

  it("refuses alg none: 401", async () => {
    const token = unsignedToken(secrets(), PROVIDER_URL);
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "algorithm not allowed");
  });

  it("refuses the RS/HS confusion (HS256 keyed with the public key PEM): 401", async () => {
    const token = hmacWithPublicKey(r.key.publicKeyPem, secrets(), PROVIDER_URL);
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "algorithm not allowed", token);
  });

  it("refuses the RS/HS confusion also when configuration allows HS256", async () => {
    await r.close();
    r = await startReceiver({
      env: { FOURME_WEBHOOK_ALGORITHMS: "RS256,HS256", FOURME_WEBHOOK_ALLOW_UNSAFE_ALGORITHMS: "true" },
    });
    const token = hmacWithPublicKey(r.key.publicKeyPem, secrets(), PROVIDER_URL);
    await expectRefused(() => r.post(PATH, { jwt: token }), 401, "algorithm not allowed", token);
  });

  it("refuses a body over 64 KiB: 413", async () => {
    const body = JSON.stringify({ jwt: await r.sign(secrets()), pad: "x".repeat(64 * 1024) });
    await expectRefused(() => r.post(PATH, body), 413, "body larger than 65536 bytes");
  });

  it("refuses a token over 8 KiB: 413", async () => {
    const token = await r.sign(secrets(), { claims: { pad: "x".repeat(9000) } });
    await expectRefused(() => r.post(PATH, { jwt: token }), 413, "token larger than 8192 bytes", token);
  });

  it("refuses a body without jwt: 400", async () => {
    await expectRefused(() => r.post(PATH, { token: "abc" }), 400, "body has no jwt");
  });

  it("refuses a jwt that is not a string: 400", async () => {
    await expectRefused(() => r.post(PATH, { jwt: { a: 1 } }), 400, "body has no jwt");
  });

  it("refuses a body that is not JSON: 400", async () => {
    await expectRefused(() => r.post(PATH, "{jwt:"), 400, "body is not valid JSON");
  });

  it("refuses a non-JSON content type: 415", async () => {
    await expectRefused(
      () => r.post(PATH, "jwt=abc", { "content-type": "application/x-www-form-urlencoded" }),
      415,
      "content type is not JSON",
    );
  });

  it("refuses GET and other methods with 405 and Allow: POST", async () => {
    const answer = await rawRequest(`${r.url}${PATH}`, { method: "GET" });
    expect(answer.status).to.equal(405);
    expect(answer.headers.allow).to.equal("POST");
    expect(r.logs[0].webhook?.reason).to.equal("method GET not allowed");
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      expect((await rawRequest(`${r.url}/webhooks/4me/customer?account=widget`, { method })).status).to.equal(405);
    }
    expect(r.logs).to.have.length(4);
    expect(r.store.isEmpty()).to.equal(true);
  });

  it("refuses every webhook while no provider key is configured or recorded: 401", async () => {
    await r.close();
    r = await startReceiver({ env: { FOURME_WEBHOOK_PUBLIC_KEY: "" } });
    const token = await r.sign(secrets());
    await expectRefused(
      () => r.post(PATH, { jwt: token }),
      401,
      "no provider webhook public key configured or recorded",
    );
  });

  it("never writes the token or the body to the log", async () => {
    const token = await r.sign(secrets(), {}, await strangerKey());
    await r.post(PATH, { jwt: token, note: "csecret-in-body" }, { "x-4me-delivery": "d-1" });
    const raw = r.rawLog.join("\n");
    expect(raw).not.to.include(token.slice(0, 40));
    expect(raw).not.to.include("csecret");
    expect(r.logs[0].webhook?.delivery).to.equal("d-1");
  });
});
