// End to end against the sandbox's Entra and Graph simulators on 127.0.0.1: the real consent link, the real
// redirect, the connector's callback route, real MSAL tokens and the real reader. Nothing leaves loopback.
import { expect } from "chai";
import { tenantField } from "../../src/app-instance/fields.js";
import { AuthorizationError } from "../../src/errors.js";
import { connectTenants, recordAuthorizationFailure } from "../../src/intune/connection.js";
import { createIntuneClient } from "../../src/intune/intune-client.js";
import { ACCOUNT, APP_INSTANCE, linkOf, setup, statusOf, visit, type Setup } from "./helpers/intune-simulator.js";

describe("Intune connection against the Microsoft simulator", () => {
  let s: Setup;
  afterEach(async () => s?.close());

  it("connects a tenant through the real admin-consent flow", async () => {
    s = await setup([{ domain: "contoso.com", cloud: "global" }]);
    const [pending] = await connectTenants(ACCOUNT, s.deps);
    expect(pending.status).to.equal("pending_consent");
    expect(linkOf(s, 1)).to.match(new RegExp(`^${s.sim.loginUrl}/global/[0-9a-f-]{36}/v2.0/adminconsent\\?`));

    const page = await visit(linkOf(s, 1));

    expect(page).to.include({ status: 200, result: "connected" });
    expect(page.html).to.include(`https://widget.4me.com/app_instances/${APP_INSTANCE}`);
    expect(await statusOf(s, 1)).to.equal("connected");
    expect(s.writer.last(tenantField.status(1))).to.equal("connected");
  });

  const refusals: ["declined" | "wrong_directory" | "cancel", RegExp][] = [
    ["declined", /declined to consent/],
    ["wrong_directory", /not from the contoso\.com directory/],
    ["cancel", /cancelled/],
  ];
  for (const [outcome, reason] of refusals) {
    it(`fails the tenant with a reason when consent is ${outcome}`, async () => {
      s = await setup([{ domain: "contoso.com", cloud: "global" }]);
      await connectTenants(ACCOUNT, s.deps);
      s.sim.controls.setConsentOutcome(outcome);

      const page = await visit(linkOf(s, 1));

      expect(page.result).to.equal("failed");
      expect(page.html).to.match(reason);
      expect(await statusOf(s, 1)).to.equal("failed");
      expect(String(s.writer.last(tenantField.status(1)))).to.match(reason);
      expect(s.sim.controls.consentState("contoso.com")).to.equal("none");
    });
  }

  it("changes nothing for a forged or a replayed state", async () => {
    s = await setup([{ domain: "contoso.com", cloud: "global" }]);
    await connectTenants(ACCOUNT, s.deps);
    const link = new URL(linkOf(s, 1));
    const state = link.searchParams.get("state")!;
    const writes = s.writer.calls.length;

    const forged = new URL(link);
    forged.searchParams.set("state", `${state.slice(0, -4)}AAAA`);
    const page1 = await visit(forged.toString());
    expect(page1).to.include({ status: 400, result: "rejected" });
    expect(await statusOf(s, 1)).to.equal("pending_consent");
    expect(s.writer.calls.length).to.equal(writes);

    expect((await visit(link.toString())).result).to.equal("connected");
    const after = s.writer.calls.length;
    s.sim.controls.setConsentOutcome("declined");
    const replay = await visit(link.toString());
    expect(replay).to.include({ status: 400, result: "rejected" });
    expect(replay.html).to.include("already used");
    expect(await statusOf(s, 1)).to.equal("connected");
    expect(s.writer.calls.length).to.equal(after);
  });

  it("connects two tenants of one account, each on its own cloud's hosts", async () => {
    s = await setup([
      { domain: "contoso.com", cloud: "global" },
      { domain: "fabrikam.us", cloud: "usgov" },
    ]);
    await connectTenants(ACCOUNT, s.deps);
    const usgov = s.sim.fleet.tenants[1];
    expect(linkOf(s, 2)).to.match(new RegExp(`^${s.sim.loginUrl}/usgov/${usgov.tenantId}/v2.0/adminconsent\\?`));
    expect(new URL(linkOf(s, 2)).searchParams.get("scope")).to.equal("https://graph.microsoft.us/.default");
    s.sim.controls.resetStats();

    expect((await visit(linkOf(s, 1))).result).to.equal("connected");
    expect((await visit(linkOf(s, 2))).result).to.equal("connected");

    expect((await s.deps.store.listTenants(ACCOUNT)).map((t) => [t.slot, t.status, t.cloud])).to.deep.equal([
      [1, "connected", "global"],
      [2, "connected", "usgov"],
    ]);
    const usgovCalls = s.sim.controls.requests().filter((r) => r.tenantId === usgov.tenantId);
    expect(usgovCalls.map((r) => `${r.kind}:${r.cloud}`)).to.include.members(["login:usgov", "graph:usgov"]);
    expect(usgovCalls.every((r) => r.cloud === "usgov")).to.equal(true);
  });

  it("reads a tenant's devices with beta fields, then fails the tenant once consent is revoked", async () => {
    s = await setup([{ domain: "fabrikam.us", cloud: "usgov" }], "all");
    await connectTenants(ACCOUNT, s.deps);
    expect(await statusOf(s, 1)).to.equal("connected");
    const tenant = s.sim.fleet.tenants[0];
    const client = createIntuneClient(
      { tenantId: tenant.tenantId, cloud: "usgov" },
      { ...s.deps, microsoft: s.deps.config.microsoft },
    );

    let devices = 0;
    let withBeta = 0;
    const flagged: { id: string; complianceState: string | null }[] = [];
    for await (const page of client.readDevices({ pageSize: 15 })) {
      devices += page.devices.length;
      withBeta += page.devices.filter((d) => d.deviceType !== undefined).length;
      flagged.push(...page.devices.map((d) => ({ id: d.id, complianceState: d.complianceState })));
    }
    expect(devices).to.equal(40);
    expect(withBeta).to.equal(40);
    const compliance = await client.readCompliance(flagged);
    expect(compliance.length).to.be.greaterThan(0);
    expect(compliance.some((c) => c.policies.length > 0)).to.equal(true);

    s.sim.controls.revokeConsent(tenant.tenantId, { graphStatus: 403 });
    const err = await (async () => {
      for await (const _ of client.readDevices()) void _;
    })().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AuthorizationError);
    await recordAuthorizationFailure(ACCOUNT, tenant.tenantId, err as AuthorizationError, s.deps);
    expect(await statusOf(s, 1)).to.equal("failed");
    expect(linkOf(s, 1)).to.include(`/usgov/${tenant.tenantId}/v2.0/adminconsent`);
  });

  it("goes on without beta fields when the simulator's beta fails", async () => {
    s = await setup([{ domain: "contoso.com", cloud: "global" }], "all");
    s.sim.controls.failBeta(500);
    const tenant = s.sim.fleet.tenants[0];
    const client = createIntuneClient(
      { tenantId: tenant.tenantId, cloud: "global" },
      { ...s.deps, microsoft: s.deps.config.microsoft },
    );
    let n = 0;
    for await (const page of client.readDevices()) {
      expect(page.beta).to.equal(false);
      n += page.devices.length;
    }
    expect(n).to.equal(40);
  });

  it("reads through Intune's enforced limits by waiting what each 429 says", async () => {
    let t = Date.parse("2025-06-02T08:00:00Z");
    const sleeps: number[] = [];
    s = await setup([{ domain: "contoso.com", cloud: "global" }], "all", {
      size: 100,
      sim: { now: () => t, enforceLimits: { devices: 4, windowMs: 20_000 } },
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    });
    const tenant = s.sim.fleet.tenants[0];
    const client = createIntuneClient(
      { tenantId: tenant.tenantId, cloud: "global" },
      { ...s.deps, microsoft: s.deps.config.microsoft },
    );

    let n = 0;
    for await (const page of client.readDevices({ pageSize: 10 })) n += page.devices.length;

    expect(n).to.equal(100);
    // Every wait is the simulator's Retry-After (whole seconds, ≤ the 20 s window) or what remains of it for a
    // request held back by an earlier 429 of the same tenant; none is a blind backoff.
    const throttled = s.sim.controls.stats().byStatus["429"] ?? 0;
    expect(throttled).to.be.greaterThan(0);
    expect(sleeps.length).to.be.greaterThan(0);
    expect(sleeps.every((ms) => ms > 0 && ms <= 20_000)).to.equal(true);
    expect(sleeps.some((ms) => ms % 1000 === 0 && ms >= 1000)).to.equal(true);
  });
});
