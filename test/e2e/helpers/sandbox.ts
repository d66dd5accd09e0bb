// End-to-end helpers over the sandbox harness (src/sandbox/harness.ts): a sandbox with zeroed waits, the form
// values every test starts from, and small readers of what the simulated 4me and Intune hold.
import { APP_CI_PREFIX, OS_CI_PREFIX } from "../../../src/sync/software-ci.js";
import { Field } from "../../../src/app-instance/fields.js";
import { contextOf, hardCaseAt } from "../../../src/sandbox/fleet/context.js";
import type { SimTenant } from "../../../src/sandbox/fleet/types.js";
import type { RequestStats } from "../../../src/sandbox/fourme/index.js";
import { IMPORT_ALL, startSandbox, type Sandbox, type SandboxOptions } from "../../../src/sandbox/harness.js";

export { IMPORT_ALL, type Sandbox };

/** The team the seeded 4me accounts have first (fleet seed), given to the CIs and products the connector creates. */
export const SUPPORT_TEAM = "Service Desk";

/** Import active, every platform, a support team for new CIs. */
export const BASE_FORM: { id: string; value: unknown }[] = [
  ...IMPORT_ALL,
  { id: Field.supportTeam, value: SUPPORT_TEAM },
];

/** Device ids of each generated tenant in generated order: device i is hard case hardCaseAt(ctx, i). */
const generatedOrder = new WeakMap<SimTenant, string[]>();

/** A sandbox for tests: every client wait is virtual, so retries and polls never sleep for real. */
export function startTestSandbox(options: SandboxOptions): Promise<Sandbox> {
  // Tests remove, re-add and re-enrol devices; remember which device is which case before they do.
  for (const t of options.fleet.tenants)
    generatedOrder.set(
      t,
      t.devices.map((d) => String(d["id"])),
    );
  return startSandbox({ instantWaits: true, ...options });
}

/**
 * Mutations made in customer accounts. The provider's appInstanceUpdate (tenant status, run summary) is the one
 * mutation the connector makes in its own account; every other mutation writes to the customer's CMDB.
 */
export function customerMutations(stats: RequestStats): Record<string, number> {
  const { appInstanceUpdate: _provider, ...rest } = stats.byMutation;
  return rest;
}

export function totalOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((n, v) => n + v, 0);
}

export type CiView = ReturnType<Sandbox["fourme"]["inspect"]["cis"]>[number];

/** The CIs of the account; the device CIs carrying our source; the operating-system CIs (issue 17), ours too. */
export function cis(sb: Sandbox): CiView[] {
  return sb.fourme.inspect.cis(sb.account);
}

export function ourCis(sb: Sandbox): CiView[] {
  return cis(sb).filter((c) => c.source === "Intune" && !isOsCi(c) && !isAppCi(c));
}

/** The tracked-software CIs (issue 17): sourceID "app:<name>:<version line>" (src/sync/plan-software.ts). */
export function appCis(sb: Sandbox): CiView[] {
  return cis(sb).filter((c) => c.source === "Intune" && isAppCi(c));
}

export const isAppCi = (c: { sourceID?: string }): boolean => !!c.sourceID?.startsWith(APP_CI_PREFIX);

export function osCis(sb: Sandbox): CiView[] {
  return cis(sb).filter((c) => c.source === "Intune" && isOsCi(c));
}

/** OS CIs carry the sourceID "os:<family>" (src/sync/os-family.ts); a device's is its Intune id. */
export const isOsCi = (c: { sourceID?: string }): boolean => !!c.sourceID?.startsWith(OS_CI_PREFIX);

/** The CI of an Intune device (single-tenant accounts: sourceID is the device id). */
export function ciOf(sb: Sandbox, deviceId: string): CiView | undefined {
  const found = ourCis(sb).filter((c) => c.sourceID === deviceId);
  if (found.length > 1) throw new Error(`${found.length} CIs carry sourceID ${deviceId}`);
  return found[0];
}

export function tenantOf(sb: Sandbox, index = 0): SimTenant {
  return sb.microsoft.controls.tenant(sb.fleet.tenants[index].domain);
}

/** Generated devices still in the tenant whose hard case (undefined: none) passes `test`. */
function generated(tenant: SimTenant, test: (name: string | undefined) => boolean): Record<string, unknown>[] {
  const ctx = contextOf(tenant);
  const order = generatedOrder.get(tenant);
  if (!order) throw new Error(`tenant ${tenant.domain} was not started with startTestSandbox`);
  const byId = new Map(tenant.devices.map((d) => [String(d["id"]), d]));
  return order.flatMap((id, i) => (test(hardCaseAt(ctx, i)) && byId.has(id) ? [byId.get(id)!] : []));
}

/** Devices of a tenant that are the named hard case. */
export function hardCases(tenant: SimTenant, name: string): Record<string, unknown>[] {
  return generated(tenant, (n) => n === name);
}

/** Devices that are no hard case at all. */
export function ordinaryDevices(tenant: SimTenant): Record<string, unknown>[] {
  return generated(tenant, (n) => n === undefined);
}

export const str = (d: Record<string, unknown>, key: string): string => String(d[key] ?? "");

export function fieldOf(ci: { customFields?: { id: string; value: unknown }[] }, id: string): unknown {
  return ci.customFields?.find((f) => f.id === id)?.value;
}

/** A GraphQL call as some other 4me user of the customer account (an agent editing a CI by hand). */
export async function asCustomer<T = Record<string, unknown>>(
  sb: Sandbox,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const app = sb.fourme.createOAuthClient(sb.account, "A colleague's script");
  const tokenRes = await fetch(sb.fourme.oauthTokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }),
  });
  const { access_token: token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(sb.fourme.graphqlUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "X-4me-Account": sb.account },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!res.ok || body.errors) throw new Error(`GraphQL failed: ${res.status} ${JSON.stringify(body.errors)}`);
  return body.data as T;
}
