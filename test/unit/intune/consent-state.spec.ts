import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { adminConsentUrl, consentLink, describeConsentError } from "../../../src/intune/consent.js";
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

  it("makes a link whose state verifies and uses the domain when the tenant id is unknown", async () => {
    const link = await consentLink(
      { config: { publicUrl: "https://c.example", microsoft: { clientId: "app" } }, stateKeys: keys, clock: () => T0 },
      input,
    );
    const url = new URL(link);
    expect(url.pathname).to.equal("/contoso.com/v2.0/adminconsent");
    expect(await verifyConsentState(url.searchParams.get("state"), keys, T0)).to.include(input);
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
    expect(d("server_error", "AADSTS90033: busy\r\nTrace ID: x").reason).to.equal(
      "Microsoft Entra ID reported server_error: AADSTS90033: busy",
    );
  });
});
