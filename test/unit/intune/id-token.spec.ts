// The ID-token verifier's own refusals that the sandbox cannot show end to end: a tenant whose discovery points the
// key set at another host, and the administrator roles that may bind a tenant.
import { expect } from "chai";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import nock from "nock";
import { consentingRoleOf } from "../../../src/intune/admin-roles.js";
import { IdTokenError, verifyIdToken } from "../../../src/intune/id-token.js";
import { fixture } from "./helpers.js";
import { CONTOSO, LOGIN } from "./connection-helpers.js";

const CLIENT = "11111111-2222-4333-8444-555555555555";
const ISSUER = `${LOGIN.global}/${CONTOSO}/v2.0`;

async function signedToken(claims: Record<string, unknown> = {}) {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", use: "sig" };
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    tid: CONTOSO,
    oid: "oid-1",
    nonce: "n-1",
    preferred_username: "admin@contoso.com",
    ...claims,
  })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience(CLIENT)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
  return { token, jwks: { keys: [jwk] } };
}

function discovery(jwksUri: string) {
  nock(LOGIN.global)
    .get(`/${CONTOSO}/v2.0/.well-known/openid-configuration`)
    .reply(200, { ...fixture("openid-configuration-tenant.json"), issuer: ISSUER, jwks_uri: jwksUri });
}

const expected = { cloud: "global" as const, tenantId: CONTOSO, clientId: CLIENT, nonce: "n-1" };
const deps = { microsoft: { apps: {} } };

describe("verifyIdToken", () => {
  afterEach(() => nock.cleanAll());

  it("verifies a token signed with the tenant's published key and returns who signed in", async () => {
    const { token, jwks } = await signedToken({ wids: ["62e90394-69f5-4237-9190-012177145e10"] });
    discovery(`${LOGIN.global}/${CONTOSO}/discovery/v2.0/keys`);
    nock(LOGIN.global).get(`/${CONTOSO}/discovery/v2.0/keys`).reply(200, jwks);
    const who = await verifyIdToken(token, expected, deps);
    expect(who).to.include({ tenantId: CONTOSO, oid: "oid-1", user: "admin@contoso.com" });
    expect(consentingRoleOf(who.wids)).to.equal("Global Administrator");
  });

  it("never fetches signing keys from a host the configuration does not name", async () => {
    const { token } = await signedToken();
    discovery("https://keys.attacker.example/keys");
    const keys = nock("https://keys.attacker.example").get("/keys").reply(200, { keys: [] });
    const err = await verifyIdToken(token, expected, deps).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(IdTokenError).and.include({ failure: "discovery" });
    expect(keys.isDone(), "the other host was not called").to.equal(false);
  });
});

describe("consentingRoleOf", () => {
  it("accepts the four roles that can grant tenant-wide consent, and nothing else", () => {
    expect(consentingRoleOf(["e8611ab8-c189-46e8-94e1-60213ab1f814"])).to.equal("Privileged Role Administrator");
    expect(consentingRoleOf(["158C047A-C907-4556-B7EF-446551A6B5F7"])).to.equal("Cloud Application Administrator");
    expect(consentingRoleOf(["b79fbf4d-3ef9-4689-8143-76b194e85509", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"])).to.equal(
      "Application Administrator",
    );
    expect(consentingRoleOf(["b79fbf4d-3ef9-4689-8143-76b194e85509"])).to.equal(undefined);
    expect(consentingRoleOf("62e90394-69f5-4237-9190-012177145e10")).to.equal(undefined);
    expect(consentingRoleOf(undefined)).to.equal(undefined);
  });
});
