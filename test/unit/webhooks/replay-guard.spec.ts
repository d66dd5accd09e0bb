import { expect } from "chai";
import { DELIVERY_SCOPE, JTI_SCOPE, ReplayGuard, deliveryIdFrom } from "../../../src/webhooks/replay-guard.js";
import type { VerifiedWebhook } from "../../../src/webhooks/types.js";
import { MemoryStore } from "../../helpers/memory-store.js";

const NOW = new Date(Date.UTC(2025, 5, 1, 12));
const nowS = NOW.getTime() / 1000;

function verified(jti: string, extra: Partial<VerifiedWebhook> = {}): VerifiedWebhook {
  return {
    data: { event: "app_instance.update", account_id: "wdc", payload: {} },
    jti,
    issuer: "https://wdc.4me.com",
    algorithm: "RS256",
    issuedAt: nowS,
    ...extra,
  };
}

describe("ReplayGuard", () => {
  let store: MemoryStore;
  let guard: ReplayGuard;
  beforeEach(() => {
    store = new MemoryStore(() => NOW);
    guard = new ReplayGuard(store, { clockToleranceSeconds: 60 });
  });

  it("claims a first sighting and reports the second as a duplicate", async () => {
    expect(await guard.claim("wdc", verified("j1"), undefined, NOW)).to.have.property("release");
    expect(await guard.claim("wdc", verified("j1"), undefined, NOW)).to.equal("duplicate");
  });

  it("reports a new token with a seen delivery id as a duplicate", async () => {
    await guard.claim("wdc", verified("j1"), "d1", NOW);
    expect(await guard.claim("wdc", verified("j2"), "d1", NOW)).to.equal("duplicate");
  });

  it("keeps one account's ids apart from another's", async () => {
    await guard.claim("wdc", verified("j1"), "d1", NOW);
    expect(await guard.claim("widget", verified("j1"), "d1", NOW)).not.to.equal("duplicate");
  });

  it("remembers a jti as long as its token is valid: the later of exp and iat + a day, plus the skew", async () => {
    await guard.claim("a", verified("j1", { expiresAt: nowS + 3 * 86_400 }), undefined, NOW);
    await guard.claim("b", verified("j2"), "d2", NOW);
    expect(store.remembered.get(JTI_SCOPE)?.get("a:j1")).to.equal((nowS + 3 * 86_400 + 60) * 1000);
    expect(store.remembered.get(JTI_SCOPE)?.get("b:j2")).to.equal((nowS + 86_400 + 60) * 1000);
    expect(store.remembered.get(DELIVERY_SCOPE)?.get("b:d2")).to.equal(NOW.getTime() + 86_400_000);
  });

  it("forgets both ids on release, so a retry is processed", async () => {
    const claim = await guard.claim("wdc", verified("j1"), "d1", NOW);
    if (claim === "duplicate") throw new Error("unexpected duplicate");
    await claim.release();
    expect(store.isEmpty()).to.equal(true);
    expect(await guard.claim("wdc", verified("j1"), "d1", NOW)).not.to.equal("duplicate");
  });

  it("undoes the jti when the delivery id cannot be stored", async () => {
    const failing = new MemoryStore(() => NOW);
    let calls = 0;
    const original = failing.rememberOnce.bind(failing);
    failing.rememberOnce = async (scope, id, exp) => {
      if (++calls === 2) throw new Error("disk full");
      return original(scope, id, exp);
    };
    const g = new ReplayGuard(failing, { clockToleranceSeconds: 60 });
    let error: unknown;
    await g.claim("wdc", verified("j1"), "d1", NOW).catch((e) => (error = e));
    expect((error as Error).message).to.equal("disk full");
    expect(failing.isEmpty()).to.equal(true);
  });
});

describe("deliveryIdFrom", () => {
  it("reads the 4me or the Xurrent delivery header", () => {
    expect(deliveryIdFrom({ "x-4me-delivery": "0f9c-11" })).to.equal("0f9c-11");
    expect(deliveryIdFrom({ "x-xurrent-delivery": "ab12" })).to.equal("ab12");
  });

  it("ignores values that do not look like a delivery id", () => {
    expect(deliveryIdFrom({ "x-4me-delivery": "a b" })).to.equal(undefined);
    expect(deliveryIdFrom({ "x-4me-delivery": "x".repeat(200) })).to.equal(undefined);
    expect(deliveryIdFrom({ "x-4me-delivery": ["a", "b"] })).to.equal(undefined);
    expect(deliveryIdFrom({})).to.equal(undefined);
  });
});
