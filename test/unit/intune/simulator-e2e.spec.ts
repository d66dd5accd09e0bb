// End to end against the sandbox's Entra and Graph simulators on 127.0.0.1: the real consent link, the real
// redirect, the connector's callback route, real MSAL tokens and the real reader. Nothing leaves loopback.
import { expect } from "chai";
import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { Config } from "../../../src/config.js";
import { parseSettings, type CustomFieldValue } from "../../../src/app-instance/settings.js";
import { tenantField } from "../../../src/app-instance/fields.js";
import { AuthorizationError } from "../../../src/errors.js";
import { fourMeEndpoints } from "../../../src/fourme/endpoints.js";
import { silentLogger } from "../../../src/logger.js";
import type { Cloud } from "../../../src/intune/clouds.js";
import type { ConsentCallbackDeps } from "../../../src/intune/consent-callback.js";
import { consentStateKeys } from "../../../src/intune/consent-state.js";
import { connectTenants, recordAuthorizationFailure } from "../../../src/intune/connection.js";
import { createIntuneClient } from "../../../src/intune/intune-client.js";
import { ThrottleRegistry } from "../../../src/intune/throttle.js";
import { MsalGraphTokens } from "../../../src/intune/tokens.js";
import { createConsentRouter } from "../../../src/server/consent-routes.js";
import { generateFleet } from "../../../src/sandbox/fleet/generate.js";
import {
  SANDBOX_APP,
  startMicrosoftSimulator,
  type MicrosoftSimulator,
  type MicrosoftSimulatorOptions,
} from "../../../src/sandbox/microsoft/index.js";
import { openStore } from "../../../src/store/open-store.js";
import { RecordingWriter } from "./connection-helpers.js";

const ACCOUNT = "widget";
const APP_INSTANCE = "NG1lLmNvbS9BcHBJbnN0YW5jZS80Mg";
const noSleep = async () => undefined;

interface Setup {
  sim: MicrosoftSimulator;
  deps: ConsentCallbackDeps;
  writer: RecordingWriter;
  close(): Promise<void>;
}

interface SetupOptions {
  sim?: Partial<MicrosoftSimulatorOptions>;
  microsoft?: Partial<Config["microsoft"]>;
  sleep?: (ms: number) => Promise<void>;
  size?: number;
}

async function setup(
  tenants: { domain: string; cloud: Cloud }[],
  consented: "all" | "none" = "none",
  opts: SetupOptions = {},
): Promise<Setup> {
  const fleet = generateFleet({ seed: 42, size: opts.size ?? 40, tenants });
  const sim = await startMicrosoftSimulator({ fleet, consented, ...opts.sim });
  const app = express();
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = await openStore({ database: { kind: "sqlite", path: ":memory:" } }, silentLogger);
  const fields: CustomFieldValue[] = tenants.flatMap((t, i) => [
    { id: tenantField.domain(i + 1), value: t.domain },
    { id: tenantField.cloud(i + 1), value: t.cloud },
  ]);
  await store.upsertInstance({
    account: ACCOUNT,
    offeringReference: "microsoft_intune",
    appInstanceId: APP_INSTANCE,
    settings: parseSettings(fields, { defaultIntervalMinutes: 60, minIntervalMinutes: 15 }),
  });
  const microsoft: Config["microsoft"] = {
    clientId: SANDBOX_APP.clientId,
    clientSecret: SANDBOX_APP.clientSecret,
    loginUrl: sim.loginUrl,
    graphUrl: sim.graphUrl,
    ...opts.microsoft,
  };
  const writer = new RecordingWriter();
  const deps: ConsentCallbackDeps = {
    config: {
      publicUrl,
      microsoft,
      fourme: {
        ...fourMeEndpoints("4me.com"),
        providerAccount: "wdc",
        offeringReference: "microsoft_intune",
        webhook: { algorithms: ["RS256"], clockToleranceSeconds: 60 },
      },
    },
    store,
    writer,
    tokens: new MsalGraphTokens(microsoft),
    stateKeys: consentStateKeys(undefined, { id: "e2e", key: randomBytes(32) }),
    throttles: new ThrottleRegistry(),
    sleep: opts.sleep ?? noSleep,
    logger: silentLogger,
  };
  app.use(createConsentRouter(deps));
  return {
    sim,
    deps,
    writer,
    close: async () => {
      await new Promise((r) => server.close(r));
      await sim.close();
      await store.close();
    },
  };
}

/** The administrator opens the consent link: Microsoft redirects to our callback, which answers a page. */
async function visit(consentUrl: string): Promise<{ status: number; html: string; result: string }> {
  const atMicrosoft = await fetch(consentUrl, { redirect: "manual" });
  expect(atMicrosoft.status, "admin-consent redirect").to.equal(302);
  const callback = await fetch(atMicrosoft.headers.get("location")!);
  const html = await callback.text();
  return { status: callback.status, html, result: /data-result="([a-z]+)"/.exec(html)?.[1] ?? "" };
}

const linkOf = (s: Setup, slot: number) => String(s.writer.last(tenantField.consentUrl(slot)));
const statusOf = async (s: Setup, slot: number) =>
  (await s.deps.store.listTenants(ACCOUNT)).find((t) => t.slot === slot)?.status;

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
