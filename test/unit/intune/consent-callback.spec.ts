import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { tenantField } from "../../../src/app-instance/fields.js";
import { handleConsentCallback } from "../../../src/intune/consent-callback.js";
import { adminConsentLink, consentLink } from "../../../src/intune/consent.js";
import { consentStateKeys } from "../../../src/intune/consent-state.js";
import type { TenantRecord } from "../../../src/store/types.js";
import { ACCOUNT, APP_INSTANCE, CONTOSO, consentError, probe, world, type World } from "./connection-helpers.js";

const BACK = `https://widget.4me.com/app_instances/${APP_INSTANCE}`;

// The admin-consent leg: the sign-in before it bound the tenant to the account (e2e/tenant-isolation.spec.ts plays it).
async function pending(w: World, over: Partial<TenantRecord> = {}) {
  await w.store.bindTenant({
    tenantId: CONTOSO,
    cloud: "global",
    account: ACCOUNT,
    appInstanceId: APP_INSTANCE,
    boundBy: "oid-admin",
  });
  await w.store.upsertTenant({
    account: ACCOUNT,
    slot: 1,
    domain: "contoso.com",
    cloud: "global",
    tenantId: CONTOSO,
    status: "pending_consent",
    ...over,
  });
}

async function stateFor(
  w: World,
  over: Partial<{ account: string; slot: number; domain: string }> = {},
  makeLink: typeof adminConsentLink = adminConsentLink,
) {
  const link = await makeLink(w.deps, {
    account: ACCOUNT,
    appInstanceId: APP_INSTANCE,
    slot: 1,
    domain: "contoso.com",
    cloud: "global",
    tenantId: CONTOSO,
    ...over,
  });
  return new URL(link).searchParams.get("state")!;
}

const tenantOf = async (w: World) => (await w.store.listTenants(ACCOUNT))[0];

describe("handleConsentCallback", () => {
  it("connects the tenant after a token and a Graph read prove the access, and links back to 4me", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await pending(w);
    probe("global");

    const out = await handleConsentCallback(
      { admin_consent: "True", tenant: CONTOSO, state: await stateFor(w) },
      "GET",
      w.deps,
    );

    expect(out).to.include({ result: "connected", backUrl: BACK });
    expect(await tenantOf(w)).to.include({ status: "connected", tenantId: CONTOSO });
    expect(w.writer.last(tenantField.status(1))).to.equal("connected");
    expect(w.writer.last(tenantField.consentUrl(1))).to.equal("");
    expect(w.tokens.calls).to.have.length.greaterThan(0);
    expect(w.tokens.calls.every((c) => c.tenantId === CONTOSO && c.cloud === "global")).to.equal(true);
    expect(w.connected).to.deep.equal([`${ACCOUNT}/1/${CONTOSO}`]);
  });

  it("does not trust the tenant parameter: another directory's id is refused and changes nothing", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await pending(w);
    const other = "00000000-1111-4222-8333-444444444444";
    const state = await stateFor(w);

    const out = await handleConsentCallback({ admin_consent: "True", tenant: other, state }, "GET", w.deps);

    expect(out.result).to.equal("rejected");
    expect(out.message).to.include("another directory");
    expect(await tenantOf(w)).to.include({ status: "pending_consent" });
    expect(w.tokens.calls).to.deep.equal([]);
    probe("global");
    const genuine = await handleConsentCallback({ admin_consent: "True", tenant: CONTOSO, state }, "GET", w.deps);
    expect(genuine.result, "a refused answer did not spend the state").to.equal("connected");
  });

  it("confirms only a tenant still bound to the account: a binding taken by another account refuses the answer", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await pending(w);
    const state = await stateFor(w);
    await w.store.bindTenant({
      tenantId: CONTOSO,
      cloud: "global",
      account: "other",
      appInstanceId: "x",
      boundBy: "o",
    });

    const out = await handleConsentCallback({ admin_consent: "True", tenant: CONTOSO, state }, "GET", w.deps);

    expect(out.result).to.equal("rejected");
    expect(out.message).to.include("no longer bound to this 4me account");
    expect(w.tokens.calls).to.deep.equal([]);
  });

  it("fails a sign-in answer for a cloud whose app registration the operator removed since the link was made", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await pending(w);
    const state = await stateFor(w, {}, consentLink);
    w.deps.config.microsoft = { apps: {} };

    const out = await handleConsentCallback({ code: "a-code", state }, "POST", w.deps);

    expect(out.result).to.equal("failed");
    expect(await tenantOf(w)).to.include({
      status: "failed",
      reason: "this connector has no app registration for the Global cloud; ask its operator",
    });
    expect(w.tokens.calls).to.deep.equal([]);
  });

  it("refuses an admin-consent answer that arrives as a POST", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await pending(w);
    const out = await handleConsentCallback(
      { admin_consent: "True", tenant: CONTOSO, state: await stateFor(w) },
      "POST",
      w.deps,
    );
    expect(out.result).to.equal("rejected");
  });

  it("waits out consent propagation a few times, then fails with the reason", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await pending(w);
    w.tokens.refuse.set(CONTOSO, consentError());

    const out = await handleConsentCallback(
      { admin_consent: "True", tenant: CONTOSO, state: await stateFor(w) },
      "GET",
      w.deps,
    );

    expect(out.result).to.equal("failed");
    expect(w.tokens.calls).to.have.length(3);
    expect(w.clock.sleeps).to.deep.equal([2000, 4000]);
    expect(w.writer.last(tenantField.status(1))).to.match(/^failed: consent revoked or permission missing/);
  });

  const errors: [string, Record<string, string>, RegExp][] = [
    [
      "a declined consent (AADSTS65004)",
      { error: "access_denied", error_description: "AADSTS65004: User declined to consent to access the app." },
      /declined to consent/,
    ],
    [
      "a sign-in from the wrong directory (AADSTS50020)",
      {
        error: "access_denied",
        error_description: "AADSTS50020: User account from identity provider does not exist in tenant",
      },
      /not from the contoso\.com directory/,
    ],
    ["a cancelled sign-in (error_subcode=cancel)", { error: "access_denied", error_subcode: "cancel" }, /cancelled/],
    [
      "consent_required",
      { error: "consent_required", error_description: "AADSTS65001: consent" },
      /admin consent is required/i,
    ],
  ];
  for (const [what, params, reason] of errors) {
    it(`fails the tenant on ${what}, with a fresh consent link to try again`, async () => {
      const w = await world([{ domain: "contoso.com" }]);
      await pending(w);
      const state = await stateFor(w);

      const out = await handleConsentCallback({ ...params, admin_consent: "True", state }, "GET", w.deps);

      expect(out.result).to.equal("failed");
      expect(out.message).to.match(reason);
      expect((await tenantOf(w)).reason).to.match(reason);
      const link = new URL(String(w.writer.last(tenantField.consentUrl(1))));
      expect(link.searchParams.get("state")).to.be.a("string").and.not.equal(state);
    });
  }

  it("leaves a connected tenant connected when an old link is declined", async () => {
    const w = await world([{ domain: "contoso.com" }]);
    await pending(w, { status: "connected" });

    const out = await handleConsentCallback(
      { error: "access_denied", error_description: "AADSTS65004: declined", state: await stateFor(w) },
      "GET",
      w.deps,
    );

    expect(out.result).to.equal("unchanged");
    expect(await tenantOf(w)).to.include({ status: "connected" });
    expect(w.writer.calls).to.have.length(0);
  });

  describe("a state that must change nothing", () => {
    async function expectNothingChanged(w: World, query: Record<string, unknown>, message: RegExp, backUrl?: string) {
      const before = await tenantOf(w);
      const out = await handleConsentCallback(query, "GET", w.deps);
      expect(out.result).to.equal("rejected");
      expect(out.message)
        .to.match(message)
        .and.match(/Nothing was changed\.$/);
      expect(out.backUrl).to.equal(backUrl);
      expect(await tenantOf(w)).to.deep.equal(before);
      expect(w.writer.calls).to.have.length(0);
      expect(w.tokens.calls).to.have.length(0);
    }

    it("missing", async () => {
      const w = await world([{ domain: "contoso.com" }]);
      await pending(w);
      await expectNothingChanged(w, { admin_consent: "True", tenant: CONTOSO }, /carried no state/);
    });

    it("forged (signed with another key)", async () => {
      const w = await world([{ domain: "contoso.com" }]);
      await pending(w);
      const forger = {
        ...w,
        deps: { ...w.deps, stateKeys: consentStateKeys(undefined, { id: "t", key: randomBytes(32) }) },
      };
      const state = await stateFor(forger);
      await expectNothingChanged(w, { admin_consent: "True", tenant: CONTOSO, state }, /not issued by this connector/);
    });

    it("expired", async () => {
      const w = await world([{ domain: "contoso.com" }]);
      await pending(w);
      const state = await stateFor(w);
      w.clock.t += 61 * 60_000;
      await expectNothingChanged(w, { admin_consent: "True", tenant: CONTOSO, state }, /expired/, BACK);
    });

    it("replayed", async () => {
      const w = await world([{ domain: "contoso.com" }]);
      await pending(w);
      const state = await stateFor(w);
      probe("global");
      expect(
        (await handleConsentCallback({ admin_consent: "True", tenant: CONTOSO, state }, "GET", w.deps)).result,
      ).to.equal("connected");
      w.writer.calls = [];
      w.tokens.calls = [];
      await expectNothingChanged(
        w,
        { error: "access_denied", error_description: "AADSTS65004", state },
        /already used/,
        BACK,
      );
    });

    it("for another account", async () => {
      const w = await world([{ domain: "contoso.com" }]);
      await pending(w);
      const state = await stateFor(w, { account: "someone-else" });
      await expectNothingChanged(
        w,
        { admin_consent: "True", tenant: CONTOSO, state },
        /no longer exists/,
        `https://someone-else.4me.com/app_instances/${APP_INSTANCE}`,
      );
    });

    it("for a tenant no longer in the form", async () => {
      const w = await world([{ domain: "contoso.com" }]);
      await pending(w);
      const state = await stateFor(w, { domain: "old.example.com" });
      await expectNothingChanged(w, { admin_consent: "True", tenant: CONTOSO, state }, /no longer configured/, BACK);
    });
  });
});
