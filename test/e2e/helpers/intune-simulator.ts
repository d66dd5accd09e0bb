// The Microsoft simulator, a connector consent route and an in-memory store, wired for the end-to-end tests.
import express from "express";
import { everyCloud } from "../../helpers/entra-apps.js";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { Config } from "../../../src/config.js";
import { parseSettings, type CustomFieldValue } from "../../../src/app-instance/settings.js";
import { tenantField } from "../../../src/app-instance/fields.js";
import { fourMeEndpoints } from "../../../src/fourme/endpoints.js";
import { silentLogger } from "../../../src/logger.js";
import type { Cloud } from "../../../src/intune/clouds.js";
import type { ConsentCallbackDeps } from "../../../src/intune/consent-callback.js";
import { consentStateKeys } from "../../../src/intune/consent-state.js";
import { ThrottleRegistry } from "../../../src/intune/throttle.js";
import { MsalGraphTokens } from "../../../src/intune/tokens.js";
import { followConsentLink } from "../../../src/sandbox/consent-browser.js";
import { createConsentRouter } from "../../../src/server/consent-routes.js";
import { generateFleet } from "../../../src/sandbox/fleet/generate.js";
import {
  SANDBOX_APP,
  startMicrosoftSimulator,
  type MicrosoftSimulator,
  type MicrosoftSimulatorOptions,
} from "../../../src/sandbox/microsoft/index.js";
import { openStore } from "../../../src/store/open-store.js";
import { RecordingWriter } from "../../unit/intune/connection-helpers.js";

export const ACCOUNT = "widget";
export const APP_INSTANCE = "NG1lLmNvbS9BcHBJbnN0YW5jZS80Mg";
const noSleep = async () => undefined;

export interface Setup {
  sim: MicrosoftSimulator;
  deps: ConsentCallbackDeps;
  writer: RecordingWriter;
  close(): Promise<void>;
}

export interface SetupOptions {
  sim?: Partial<MicrosoftSimulatorOptions>;
  microsoft?: Partial<Config["microsoft"]>;
  sleep?: (ms: number) => Promise<void>;
  size?: number;
}

export async function setup(
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
    apps: everyCloud({ clientId: SANDBOX_APP.clientId, clientSecret: SANDBOX_APP.clientSecret }),
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

/**
 * The administrator opens the consent link: Microsoft's sign-in posts to our callback, which sends the browser on to
 * Microsoft's admin-consent page when consent is missing; it ends on our page.
 */
export async function visit(consentUrl: string): Promise<{ status: number; html: string; result: string }> {
  const v = await followConsentLink(consentUrl);
  return { status: v.status, html: v.html, result: v.result ?? "" };
}

export const linkOf = (s: Setup, slot: number) => String(s.writer.last(tenantField.consentUrl(slot)));
export const statusOf = async (s: Setup, slot: number) =>
  (await s.deps.store.listTenants(ACCOUNT)).find((t) => t.slot === slot)?.status;
