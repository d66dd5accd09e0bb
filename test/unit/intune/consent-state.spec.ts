import { expect } from "chai";
import { everyCloud } from "../../helpers/entra-apps.js";
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { adminConsentLink, adminConsentUrl, consentLink, describeConsentError } from "../../../src/intune/consent.js";
import { codeChallengeOf, codeVerifierFor } from "../../../src/intune/sign-in-link.js";
import {
  consentStateKeys,
  createConsentState,
  verifyConsentState,
  type ConsentStateError,
} from "../../../src/intune/consent-state.js";

const secretKeys = { current: { id: "k2", key: randomBytes(32) }, previous: [{ id: "k1", key: randomBytes(32) }] };
const keys = consentStateKeys(secretKeys);
const input = {
  account: "widget",
  appInstanceId: "NG1lLmNvbS9BcHBJbnN0YW5jZS8x",
  slot: 2,
  domain: "contoso.com",
  cloud: "global" as const,
  phase: "sign_in" as const,
};
const T0 = new Date("2025-06-02T08:00:00Z");

async function failure(token: unknown, at = T0): Promise<ConsentStateError> {
  return verifyConsentState(token, keys, at).then(
    () => expect.fail("verified"),
    (e: ConsentStateError) => e,
  );
}

describe("consent state", () => {
  it("round-trips the account, app instance, slot, domain, cloud and a nonce", async () => {
    const { token, state } = await createConsentState(input, keys, T0);
    const verified = await verifyConsentState(token, keys, new Date(T0.getTime() + 59 * 60_000));
    expect(verified).to.deep.equal(state);
    expect(verified).to.include(input);
    expect(verified.nonce).to.have.length.greaterThan(15);
    expect(verified.expiresAt.toISOString()).to.equal("2025-06-02T09:00:00.000Z");
  });

  it("gives every link its own nonce", async () => {
    const a = await createConsentState(input, keys, T0);
    const b = await createConsentState(input, keys, T0);
    expect(a.state.nonce).not.to.equal(b.state.nonce);
  });

  it("refuses an expired state but keeps its claims for the link back", async () => {
    const { token } = await createConsentState(input, keys, T0);
    const e = await failure(token, new Date(T0.getTime() + 61 * 60_000));
    expect(e.failure).to.equal("expired");
    expect(e.expired).to.include({ account: "widget" });
  });

  it("refuses a state signed with another key, an altered one, an unsigned one and garbage as forged", async () => {
    const other = consentStateKeys({ current: { id: "k2", key: randomBytes(32) }, previous: [] });
    const { token: foreign } = await createConsentState(input, other, T0);
    expect((await failure(foreign)).failure).to.equal("forged");

    const { token } = await createConsentState(input, keys, T0);
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, acc: "evil" })).toString("base64url");
    expect((await failure(`${h}.${altered}.${s}`)).failure).to.equal("forged");

    const none = Buffer.from(JSON.stringify({ alg: "none", kid: "k2" })).toString("base64url");
    expect((await failure(`${none}.${p}.`)).failure).to.equal("forged");
    expect((await failure("not-a-jwt")).failure).to.equal("forged");
  });

  it("refuses a token of the right key made for another purpose (audience) as forged", async () => {
    const key = consentStateKeys(secretKeys).byKid.get("k2")!;
    const token = await new SignJWT({ acc: "widget" })
      .setProtectedHeader({ alg: "HS256", kid: "k2" })
      .setAudience("something-else")
      .setExpirationTime("1h")
      .sign(key);
    expect((await failure(token, new Date())).failure).to.equal("forged");
  });

  it("reports a missing state as missing", async () => {
    expect((await failure(undefined)).failure).to.equal("missing");
    expect((await failure(["a", "b"])).failure).to.equal("missing");
  });

  it("still verifies a link made before a key rotation", async () => {
    const before = consentStateKeys({ current: secretKeys.previous[0], previous: [] });
    const { token } = await createConsentState(input, before, T0);
    expect(await verifyConsentState(token, keys, T0)).to.include({ account: "widget" });
  });

  it("derives its key from the sealing key, never uses it as is", async () => {
    expect(Buffer.from(keys.byKid.get("k2")!).equals(secretKeys.current.key)).to.equal(false);
  });

  it("takes the key from the caller when the configuration has none", () => {
    const k = consentStateKeys(undefined, { id: "local", key: randomBytes(32) });
    expect(k.currentKid).to.equal("local");
    expect(() => consentStateKeys(undefined)).to.throw(/no secret key/);
  });
});

describe("adminConsentUrl", () => {
  it("builds the v2 admin-consent URL on the tenant's cloud with its .default scope", () => {
    const url = new URL(
      adminConsentUrl({
        cloud: "usgov-dod",
        tenant: "4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10",
        clientId: "11111111-2222-4333-8444-555555555555",
        publicUrl: "https://connector.example.com/",
        state: "s.t.u",
      }),
    );
    expect(url.origin + url.pathname).to.equal(
      "https://login.microsoftonline.us/4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10/v2.0/adminconsent",
    );
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({
      client_id: "11111111-2222-4333-8444-555555555555",
      scope: "https://dod-graph.microsoft.us/.default",
      redirect_uri: "https://connector.example.com/consent/callback",
      state: "s.t.u",
    });
  });
});

describe("consentLink: an administrator's OpenID Connect sign-in first", () => {
  const deps = {
    config: { publicUrl: "https://c.example", microsoft: { apps: everyCloud({ clientId: "app", clientSecret: "s" }) } },
    stateKeys: keys,
    clock: () => T0,
  };

  it("starts an authorization-code sign-in with form_post, a nonce that is the state's, and PKCE", async () => {
    const { phase: _p, ...target } = input;
    const url = new URL(await consentLink(deps, { ...target, tenantId: "4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10" }));
    expect(url.origin + url.pathname).to.equal(
      "https://login.microsoftonline.com/4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10/oauth2/v2.0/authorize",
    );
    const q = Object.fromEntries(url.searchParams);
    expect(q).to.include({
      client_id: "app",
      response_type: "code",
      response_mode: "form_post",
      redirect_uri: "https://c.example/consent/callback",
      scope: "openid profile",
      code_challenge_method: "S256",
      prompt: "select_account",
      domain_hint: "contoso.com",
    });
    const state = await verifyConsentState(q.state, keys, T0);
    expect(state).to.include({ ...input, tenantId: "4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10" });
    expect(q.nonce).to.equal(state.nonce);
    expect(q.code_challenge).to.equal(codeChallengeOf(codeVerifierFor(keys, state.kid, state.nonce)));
    expect(codeVerifierFor(keys, state.kid, state.nonce)).to.match(/^[A-Za-z0-9_-]{43}$/);
  });

  it("uses the domain when the tenant id is unknown", async () => {
    const { phase: _p, ...target } = input;
    const url = new URL(await consentLink(deps, target));
    expect(url.pathname).to.equal("/contoso.com/oauth2/v2.0/authorize");
  });

  it("sends the admin-consent leg to the proven tenant, with a state that names it", async () => {
    const { phase: _p, ...target } = input;
    const tid = "4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10";
    const url = new URL(await adminConsentLink(deps, { ...target, tenantId: tid }));
    expect(url.pathname).to.equal(`/${tid}/v2.0/adminconsent`);
    expect(await verifyConsentState(url.searchParams.get("state"), keys, T0)).to.include({
      phase: "admin_consent",
      tenantId: tid,
    });
  });

  it("refuses an admin-consent state that names no tenant", async () => {
    const { token } = await createConsentState({ ...input, phase: "admin_consent" }, keys, T0);
    expect((await failure(token)).failure).to.equal("forged");
  });
});

describe("describeConsentError", () => {
  it("explains the documented errors in words an administrator understands", () => {
    const d = (error: string, errorDescription?: string, errorSubcode?: string) =>
      describeConsentError({ error, errorDescription, errorSubcode }, "contoso.com");
    expect(d("access_denied", "AADSTS65004: User declined to consent to access the app.")).to.include({
      kind: "declined",
    });
    expect(d("access_denied", "AADSTS50020: User account from identity provider does not exist").reason).to.include(
      "not from the contoso.com directory",
    );
    expect(d("access_denied", undefined, "cancel")).to.include({ kind: "cancelled" });
    expect(d("consent_required", "AADSTS65004: ...")).to.include({ kind: "declined" });
    expect(d("consent_required")).to.include({ kind: "consent_required" });
    expect(d("server_error", "AADSTS90033: busy\r\nTrace ID: x").reason).to.equal("consent failed (AADSTS90033)");
    expect(d("access_denied", "AADSTS53003: blocked").reason).to.include("Conditional Access");
  });

  it("never carries Microsoft's (or anyone's) description text into the form", () => {
    const evil = "AADSTS12345: <a href=//evil.example>Click here to re-consent</a>";
    const out = describeConsentError({ error: "access_denied", errorDescription: evil }, "contoso.com");
    expect(out.reason).to.equal("consent failed (AADSTS12345)");
    const noCode = describeConsentError(
      { error: "<script>x</script>", errorDescription: "Visit evil.example to fix" },
      "contoso.com",
    );
    expect(noCode.reason).to.equal("consent failed (an error)");
  });
});
