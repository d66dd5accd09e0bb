// A connection world for unit tests: an in-memory SQLite store with one app instance, fake MSAL tokens per tenant,
// a recording app-instance writer, and nock for Entra discovery and the Graph access probe.
import { everyCloud } from "../../helpers/entra-apps.js";
import { randomBytes } from "node:crypto";
import nock from "nock";
import { parseSettings, type CustomFieldValue } from "../../../src/app-instance/settings.js";
import { tenantField } from "../../../src/app-instance/fields.js";
import { fourMeEndpoints } from "../../../src/fourme/endpoints.js";
import { silentLogger } from "../../../src/logger.js";
import type { Cloud } from "../../../src/intune/clouds.js";
import { consentStateKeys } from "../../../src/intune/consent-state.js";
import type { ConsentCallbackDeps } from "../../../src/intune/consent-callback.js";
import { ThrottleRegistry } from "../../../src/intune/throttle.js";
import { EntraAuthorizationError, type GraphTokenSource, type TenantRef } from "../../../src/intune/tokens.js";
import { openStore } from "../../../src/store/open-store.js";
import type { InstanceStore } from "../../../src/store/types.js";
import { FakeClock, fixture } from "./helpers.js";

export const ACCOUNT = "widget";
export const APP_INSTANCE = "NG1lLmNvbS9BcHBJbnN0YW5jZS80Mg";
export const CONTOSO = "4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10";
export const FABRIKAM = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

export const LOGIN: Record<Cloud, string> = {
  global: "https://login.microsoftonline.com",
  usgov: "https://login.microsoftonline.us",
  "usgov-dod": "https://login.microsoftonline.us",
  china: "https://login.chinacloudapi.cn",
};
export const GRAPH: Record<Cloud, string> = {
  global: "https://graph.microsoft.com",
  usgov: "https://graph.microsoft.us",
  "usgov-dod": "https://dod-graph.microsoft.us",
  china: "https://microsoftgraph.chinacloudapi.cn",
};

/** Fake MSAL: per tenant id, a token (with roles) or an Entra refusal. */
export class FakeTokens implements GraphTokenSource {
  calls: TenantRef[] = [];
  refuse = new Map<string, EntraAuthorizationError>();
  roles: string[] = ["DeviceManagementManagedDevices.Read.All", "DeviceManagementConfiguration.Read.All"];
  async graphToken(tenant: TenantRef) {
    this.calls.push(tenant);
    const err = this.refuse.get(tenant.tenantId);
    if (err) throw err;
    return { accessToken: `token-for-${tenant.tenantId}`, expiresOn: null, roles: this.roles };
  }
}

export const consentError = () =>
  new EntraAuthorizationError(
    "consent revoked or permission missing: an Entra admin must consent again (AADSTS7000229)",
    "consent",
    7000229,
  );

export class RecordingWriter {
  calls: { id: string; fields: CustomFieldValue[] }[] = [];
  async updateAppInstance(id: string, input: { customFields: CustomFieldValue[] }) {
    this.calls.push({ id, fields: input.customFields });
    return {};
  }
  /** The last value written to a field. */
  last(field: string): unknown {
    for (let i = this.calls.length - 1; i >= 0; i--) {
      const f = this.calls[i].fields.find((x) => x.id === field);
      if (f) return f.value;
    }
    return undefined;
  }
}

export interface World {
  store: InstanceStore;
  tokens: FakeTokens;
  writer: RecordingWriter;
  clock: FakeClock;
  deps: ConsentCallbackDeps;
  connected: string[];
}

export async function world(tenants: { domain: string; cloud?: Cloud }[]): Promise<World> {
  const clock = new FakeClock();
  const store = await openStore(
    { database: { kind: "sqlite", path: ":memory:" }, secretKeys: undefined },
    silentLogger,
    {
      now: () => new Date(clock.now()),
    },
  );
  const fields: CustomFieldValue[] = [];
  tenants.forEach((t, i) => {
    fields.push(
      { id: tenantField.domain(i + 1), value: t.domain },
      { id: tenantField.cloud(i + 1), value: t.cloud ?? "global" },
    );
  });
  await store.upsertInstance({
    account: ACCOUNT,
    offeringReference: "microsoft_intune",
    appInstanceId: APP_INSTANCE,
    settings: parseSettings(fields, { defaultIntervalMinutes: 60, minIntervalMinutes: 15 }),
  });
  const tokens = new FakeTokens();
  const writer = new RecordingWriter();
  const connected: string[] = [];
  const deps: ConsentCallbackDeps = {
    config: {
      publicUrl: "https://connector.example.com",
      microsoft: { apps: everyCloud({ clientId: "11111111-2222-4333-8444-555555555555", clientSecret: "s" }) },
      fourme: {
        ...fourMeEndpoints("4me.com"),
        providerAccount: "wdc",
        offeringReference: "microsoft_intune",
        webhook: { algorithms: ["RS256"], clockToleranceSeconds: 60 },
      },
    },
    store,
    writer,
    tokens,
    stateKeys: consentStateKeys(undefined, { id: "t", key: randomBytes(32) }),
    throttles: new ThrottleRegistry(),
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    clock: () => new Date(clock.now()),
    logger: silentLogger,
    onConnected: (account, tenant) => void connected.push(`${account}/${tenant.slot}/${tenant.tenantId}`),
  };
  return { store, tokens, writer, clock, deps, connected };
}

export function discovery(cloud: Cloud, domain: string, tenantId: string) {
  const body = { ...fixture("openid-configuration-tenant.json"), issuer: `${LOGIN[cloud]}/${tenantId}/v2.0` };
  delete (body as Record<string, unknown>).cloud_instance_name;
  return nock(LOGIN[cloud]).get(`/${domain}/v2.0/.well-known/openid-configuration`).reply(200, body);
}

export function unknownDomain(cloud: Cloud, domain: string) {
  return nock(LOGIN[cloud])
    .get(`/${domain}/v2.0/.well-known/openid-configuration`)
    .reply(400, fixture("openid-configuration-unknown-tenant.json"));
}

/** The access probe: one device id from v1.0. */
/** The access check's Graph reads: one device, then that device's compliance policy states. */
export function probe(cloud: Cloud, status = 200, complianceStatus = 200) {
  const forbidden = { error: { code: "Forbidden", message: "no" } };
  const scope = nock(GRAPH[cloud])
    .get("/v1.0/deviceManagement/managedDevices")
    .query({ $select: "id", $top: "1" })
    .reply(status, status === 200 ? { value: [{ id: "d1" }] } : forbidden);
  if (status === 200) {
    scope
      .get("/beta/deviceManagement/managedDevices/d1/deviceCompliancePolicyStates")
      .reply(complianceStatus, complianceStatus === 200 ? { value: [] } : forbidden);
  }
  return scope;
}

/** A verified administrator's sign-in bound these tenants to the account (as sign-in-answer.ts does). */
/** A tenant the store holds as connected in the account's form slot (its binding is bindToAccount's). */
export async function connectedTenant(w: World, slot: number, domain: string, cloud: Cloud, tenantId: string) {
  await w.store.upsertTenant({ account: ACCOUNT, slot, domain, cloud, tenantId, status: "connected" });
}

export async function bindToAccount(w: World, tenantIds: string[], account = ACCOUNT): Promise<void> {
  for (const tenantId of tenantIds) {
    await w.store.bindTenant({ tenantId, cloud: "global", account, appInstanceId: APP_INSTANCE, boundBy: "oid-admin" });
  }
}
