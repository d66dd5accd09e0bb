// End to end against the sandbox's Entra and Graph simulators on 127.0.0.1: the real consent link, the real
// redirect, the connector's callback route, real MSAL tokens and the real reader. Nothing leaves loopback.
import { expect } from "chai";
import { everyCloud } from "../helpers/entra-apps.js";
import { SANDBOX_APP } from "../../src/sandbox/microsoft/index.js";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { tenantField } from "../../src/app-instance/fields.js";
import { AuthorizationError } from "../../src/errors.js";
import { connectTenants, recordAuthorizationFailure } from "../../src/intune/connection.js";
import { createIntuneClient } from "../../src/intune/intune-client.js";
import { EntraAuthorizationError } from "../../src/intune/tokens.js";
import { ACCOUNT, APP_INSTANCE, linkOf, setup, statusOf, visit, type Setup } from "./helpers/intune-simulator.js";

describe("Intune connection against the Microsoft simulator", () => {
  let s: Setup;
  afterEach(async () => s?.close());

  it("connects a tenant through the real admin-consent flow", async () => {
    s = await setup([{ domain: "contoso.com", cloud: "global" }]);
    const [pending] = await connectTenants(ACCOUNT, s.deps);
    expect(pending.status).to.equal("pending_consent");
    expect(linkOf(s, 1)).to.match(new RegExp(`^${s.sim.loginUrl}/global/[0-9a-f-]{36}/oauth2/v2.0/authorize\\?`));

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
    expect(linkOf(s, 2)).to.match(new RegExp(`^${s.sim.loginUrl}/usgov/${usgov.tenantId}/oauth2/v2.0/authorize\\?`));
    expect(new URL(linkOf(s, 2)).searchParams.get("scope")).to.equal("openid profile");
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

  it("connects two tenants of the same cloud on one account and reads each tenant's own devices", async () => {
    s = await setup(
      [
        { domain: "contoso.com", cloud: "global" },
        { domain: "fabrikam.com", cloud: "global" },
      ],
      "none",
      { size: 12 },
    );
    await connectTenants(ACCOUNT, s.deps);
    expect((await visit(linkOf(s, 1))).result).to.equal("connected");
    expect((await visit(linkOf(s, 2))).result).to.equal("connected");

    // One token source serves both tenants, as in the running connector; each read must see only its own fleet.
    for (const tenant of s.sim.fleet.tenants) {
      const client = createIntuneClient(
        { tenantId: tenant.tenantId, cloud: "global" },
        { ...s.deps, microsoft: s.deps.config.microsoft },
      );
      const ids: string[] = [];
      for await (const page of client.readDevices({ pageSize: 5 })) ids.push(...page.devices.map((d) => d.id));
      expect(ids, tenant.domain).to.have.members(tenant.devices.map((d) => String(d["id"])));
      const token = await s.deps.tokens.graphToken({ tenantId: tenant.tenantId, cloud: "global" });
      expect(decodeJwt(token.accessToken).tid, tenant.domain).to.equal(tenant.tenantId);
    }
    const [contoso, fabrikam] = s.sim.fleet.tenants;
    expect(contoso.devices.map((d) => d["id"])).to.not.include.members([fabrikam.devices[0]["id"]]);
  });

  it("logs in with a certificate (private_key_jwt) through the simulator and reads the tenant", async () => {
    // The simulator trusts a public key under a thumbprint; MSAL needs only the thumbprint and the private key, so
    // no X.509 certificate is made here (node:crypto cannot issue one), and the connector's code path is the same.
    const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const thumbprintSha256 = randomBytes(32).toString("hex");
    s = await setup([{ domain: "contoso.com", cloud: "global" }], "all", {
      size: 8,
      sim: {
        app: {
          clientSecret: undefined,
          certificate: {
            thumbprint: randomBytes(20).toString("hex"),
            thumbprintSha256,
            publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
          },
        },
      },
      microsoft: {
        apps: everyCloud({
          clientId: SANDBOX_APP.clientId,
          certificate: {
            thumbprint: thumbprintSha256,
            privateKeyPem: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          },
        }),
      },
    });
    const tenant = s.sim.fleet.tenants[0];
    const client = createIntuneClient(
      { tenantId: tenant.tenantId, cloud: "global" },
      { ...s.deps, microsoft: s.deps.config.microsoft },
    );

    let n = 0;
    for await (const page of client.readDevices()) n += page.devices.length;

    expect(n).to.equal(8);
    const token = await s.deps.tokens.graphToken({ tenantId: tenant.tenantId, cloud: "global" });
    expect(decodeJwt(token.accessToken)).to.include({ tid: tenant.tenantId, appidacr: "2" });
    const logins = s.sim.controls.requests().filter((r) => r.route === "login.token");
    expect(logins.map((r) => r.status)).to.deep.equal([200]);
  });

  it("refuses a certificate login whose key the simulator does not trust, as the operator's credentials problem", async () => {
    const trusted = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const thumbprintSha256 = randomBytes(32).toString("hex");
    s = await setup([{ domain: "contoso.com", cloud: "global" }], "all", {
      size: 2,
      sim: {
        app: {
          clientSecret: undefined,
          certificate: {
            thumbprint: randomBytes(20).toString("hex"),
            thumbprintSha256,
            publicKeyPem: trusted.publicKey.export({ type: "spki", format: "pem" }).toString(),
          },
        },
      },
      microsoft: {
        apps: everyCloud({
          clientId: SANDBOX_APP.clientId,
          certificate: {
            thumbprint: thumbprintSha256,
            privateKeyPem: other.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          },
        }),
      },
    });
    const err = await s.deps.tokens
      .graphToken({ tenantId: s.sim.fleet.tenants[0].tenantId, cloud: "global" })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EntraAuthorizationError);
    expect(err).to.include({ kind: "credentials", aadsts: 700027 });
  });

  it("reads a tenant's devices with beta fields, then fails the tenant once consent is revoked", async () => {
    s = await setup([{ domain: "fabrikam.us", cloud: "usgov" }], "all");
    await connectTenants(ACCOUNT, s.deps);
    expect(await statusOf(s, 1), "access alone connects nothing").to.equal("pending_consent");
    // Consent is already there: the administrator's sign-in connects it without the admin-consent page.
    expect((await visit(linkOf(s, 1))).result).to.equal("connected");
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
    expect(linkOf(s, 1)).to.include(`/usgov/${tenant.tenantId}/oauth2/v2.0/authorize?`);
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
