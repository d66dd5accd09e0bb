import { expect } from "chai";
import { SignJWT } from "jose";
import { VerificationError } from "../../../src/errors.js";
import { MAX_TOKEN_BYTES, verifyWebhookJwt, type JwtPolicy } from "../../../src/webhooks/verify-jwt.js";
import { hmacWithPublicKey, makeKey, signWebhook, unsignedToken, type TestKey } from "../../helpers/jwt.js";
import { NOW_MS, NOW_S, providerEnvelope, providerKey } from "./harness.js";

const ISSUERS = ["https://wdc.4me.com", "https://wdc.xurrent.com"];
const now = new Date(NOW_MS);

async function rejection(promise: Promise<unknown>): Promise<VerificationError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(VerificationError);
    return err as VerificationError;
  }
  throw new Error("expected the token to be refused");
}

describe("verifyWebhookJwt", () => {
  let rsa: TestKey;
  let policy: JwtPolicy;
  const data = providerEnvelope("webhook.verify", { callback: "https://wdc.4me.com/webhooks/7/verify?code=x" });
  const sign = (options: Parameters<typeof signWebhook>[2] = {}, key = rsa) =>
    signWebhook(key, data, { issuer: ISSUERS[0], iat: NOW_S - 5, ...options });

  before(async () => {
    rsa = await providerKey();
    policy = {
      publicKeyPem: rsa.publicKeyPem,
      algorithms: ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"],
      issuers: ISSUERS,
      clockToleranceSeconds: 60,
    };
  });

  it("returns the data envelope, jti, issuer and times of a valid RS256 token", async () => {
    const token = await sign({ jti: "a".repeat(64), exp: NOW_S + 300 });
    const verified = await verifyWebhookJwt(token, policy, now);
    expect(verified.data).to.deep.equal(data);
    expect(verified.jti).to.equal("a".repeat(64));
    expect(verified.issuer).to.equal("https://wdc.4me.com");
    expect(verified.algorithm).to.equal("RS256");
    expect(verified.issuedAt).to.equal(NOW_S - 5);
    expect(verified.expiresAt).to.equal(NOW_S + 300);
  });

  it("accepts an ES512 token with a kid header (the Xurrent-era format)", async () => {
    const ec = await makeKey("ES512");
    const token = await sign({ kid: "0b7c1e9a-1111-2222-3333-444455556666" }, ec);
    const verified = await verifyWebhookJwt(token, { ...policy, publicKeyPem: ec.publicKeyPem }, now);
    expect(verified.algorithm).to.equal("ES512");
  });

  it("accepts the Xurrent twin of the account URL as issuer", async () => {
    const verified = await verifyWebhookJwt(await sign({ issuer: ISSUERS[1] }), policy, now);
    expect(verified.issuer).to.equal("https://wdc.xurrent.com");
  });

  it("refuses a token signed with another key with 401", async () => {
    const other = await makeKey("RS256");
    const err = await rejection(verifyWebhookJwt(await sign({}, other), policy, now));
    expect(err.status).to.equal(401);
    expect(err.message).to.equal("signature invalid");
  });

  it("refuses another account's issuer with 401", async () => {
    const err = await rejection(verifyWebhookJwt(await sign({ issuer: "https://evil.4me.com" }), policy, now));
    expect(err.status).to.equal(401);
    expect(err.message).to.equal("claim iss check_failed");
  });

  it("refuses a token without issuer with 401", async () => {
    const token = await signWebhook(rsa, data, { iat: NOW_S });
    expect((await rejection(verifyWebhookJwt(token, policy, now))).status).to.equal(401);
  });

  it("accepts an expired token within the 60 s tolerance and refuses it beyond", async () => {
    await verifyWebhookJwt(await sign({ iat: NOW_S - 600, exp: NOW_S - 59 }), policy, now);
    const err = await rejection(verifyWebhookJwt(await sign({ iat: NOW_S - 600, exp: NOW_S - 61 }), policy, now));
    expect(err.status).to.equal(401);
    expect(err.message).to.equal("token expired");
  });

  it("refuses a token whose nbf is more than 60 s ahead with 401", async () => {
    await verifyWebhookJwt(await sign({ iat: NOW_S, nbf: NOW_S + 59 }), policy, now);
    const err = await rejection(verifyWebhookJwt(await sign({ iat: NOW_S, nbf: NOW_S + 120 }), policy, now));
    expect(err.status).to.equal(401);
    expect(err.message).to.equal("claim nbf check_failed");
  });

  it("refuses a token issued more than a day ago, even without exp", async () => {
    const err = await rejection(verifyWebhookJwt(await sign({ iat: NOW_S - 86_400 - 120 }), policy, now));
    expect(err.status).to.equal(401);
  });

  it("checks the audience when one is configured", async () => {
    const withAudience = { ...policy, audience: "integrations provided by wdc@4me.com" };
    await verifyWebhookJwt(await sign({ audience: "integrations provided by wdc@4me.com" }), withAudience, now);
    const err = await rejection(verifyWebhookJwt(await sign({ audience: "someone else" }), withAudience, now));
    expect(err.status).to.equal(401);
    expect((await rejection(verifyWebhookJwt(await sign(), withAudience, now))).status).to.equal(401);
  });

  it("refuses alg none with 401", async () => {
    const err = await rejection(verifyWebhookJwt(unsignedToken(data, ISSUERS[0]), policy, now));
    expect(err.status).to.equal(401);
  });

  it("refuses HS256 signed with the public key as HMAC secret, even when HS256 is allowed", async () => {
    for (const algorithms of [policy.algorithms, ["RS256", "HS256"]]) {
      const token = hmacWithPublicKey(rsa.publicKeyPem, data, ISSUERS[0]);
      const err = await rejection(verifyWebhookJwt(token, { ...policy, algorithms }, now));
      expect(err.status).to.equal(401);
    }
  });

  it("refuses an algorithm outside the allow-list", async () => {
    const err = await rejection(verifyWebhookJwt(await sign(), { ...policy, algorithms: ["ES512"] }, now));
    expect(err.status).to.equal(401);
    expect(err.message).to.equal("algorithm not allowed");
  });

  it("refuses a token larger than 8 KiB with 413 before parsing it", async () => {
    const err = await rejection(verifyWebhookJwt("a".repeat(MAX_TOKEN_BYTES + 1), policy, now));
    expect(err.status).to.equal(413);
    const big = await sign({ claims: { padding: "x".repeat(MAX_TOKEN_BYTES) } });
    expect((await rejection(verifyWebhookJwt(big, policy, now))).status).to.equal(413);
  });

  it("refuses malformed tokens with 400", async () => {
    for (const token of ["", "abc", "a.b", "a.b.c.d", "éé.b.c", "bm90IGpzb24.bm90IGpzb24.c2ln"]) {
      expect((await rejection(verifyWebhookJwt(token, policy, now))).status, token).to.equal(400);
    }
  });

  it("refuses a signed token without jti (replays could not be told apart)", async () => {
    const err = await rejection(verifyWebhookJwt(await sign({ noJti: true }), policy, now));
    expect(err.status).to.equal(401);
  });

  it("refuses a signed token without a webhook envelope with 400", async () => {
    const token = await new SignJWT({ data: { hello: "world" } })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(ISSUERS[0])
      .setIssuedAt(NOW_S)
      .setJti("j1")
      .sign(rsa.privateKey);
    const err = await rejection(verifyWebhookJwt(token, policy, now));
    expect(err.status).to.equal(400);
    expect(err.message).to.equal("data claim is not a webhook envelope");
  });

  it("refuses with 401 when the configured key is not a public key", async () => {
    const err = await rejection(verifyWebhookJwt(await sign(), { ...policy, publicKeyPem: "not a pem" }, now));
    expect(err.status).to.equal(401);
  });
});
