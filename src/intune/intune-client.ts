// One tenant's Intune, as the rest of the connector sees it: the paged device reader, the compliance reader and
// an access check, wired to the tenant's cloud, its MSAL tokens and its shared throttle.
import type { Config } from "../config.js";
import { AuthorizationError } from "../errors.js";
import type { Logger } from "../logger.js";
import { cloudEndpoints } from "./clouds.js";
import { readCompliance, type ReadComplianceOptions } from "./compliance-reader.js";
import {
  listDetectedApps,
  readTrackedApps,
  type DetectedApp,
  type ReadTrackedAppsResult,
} from "./detected-apps-reader.js";
import { readDevices, type DevicePage, type ReadDevicesOptions } from "./device-reader.js";
import { GraphHttp } from "./graph-http.js";
import type { BackoffPolicy } from "./backoff.js";
import { sharedThrottles, type ThrottleRegistry } from "./throttle.js";
import { EntraAuthorizationError, type GraphTokenSource, type TenantRef } from "./tokens.js";
import type { DeviceCompliance, IntuneDevice } from "./types.js";

export interface IntuneDeps {
  microsoft: Config["microsoft"];
  tokens: GraphTokenSource;
  throttles?: ThrottleRegistry;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  logger?: Logger;
}

export interface IntuneClient {
  readonly tenant: TenantRef;
  readDevices(opts?: ReadDevicesOptions): AsyncGenerator<DevicePage>;
  readCompliance(
    devices: Pick<IntuneDevice, "id" | "complianceState">[],
    opts?: ReadComplianceOptions,
  ): Promise<DeviceCompliance[]>;
  /** Intune's detected-app catalogue, page by page. */
  listDetectedApps(): AsyncGenerator<DetectedApp[]>;
  /** The detected apps `wanted` keeps, each with the ids of the devices it is installed on. */
  readTrackedApps(wanted: (app: DetectedApp) => boolean): Promise<ReadTrackedAppsResult>;
}

export function graphHttpFor(tenant: TenantRef, deps: IntuneDeps): GraphHttp {
  return new GraphHttp({
    graphUrl: cloudEndpoints(tenant.cloud, deps.microsoft).graphUrl,
    tenantId: tenant.tenantId,
    token: async ({ forceRefresh }) => (await deps.tokens.graphToken(tenant, { forceRefresh })).accessToken,
    throttle: (deps.throttles ?? sharedThrottles).forTenant(`${tenant.cloud}/${tenant.tenantId}`),
    fetch: deps.fetch,
    sleep: deps.sleep,
    now: deps.now,
    random: deps.random,
    backoff: deps.backoff,
    logger: deps.logger,
  });
}

export function createIntuneClient(tenant: TenantRef, deps: IntuneDeps): IntuneClient {
  const http = graphHttpFor(tenant, deps);
  return {
    tenant,
    readDevices: (opts) => readDevices(http, { logger: deps.logger, ...opts }),
    readCompliance: (devices, opts) => readCompliance(http, devices, opts),
    listDetectedApps: () => listDetectedApps(http),
    readTrackedApps: (wanted) => readTrackedApps(http, wanted),
  };
}

/** Any of these application permissions lets the connector list managed devices. */
export const DEVICE_READ_ROLES = [
  "DeviceManagementManagedDevices.Read.All",
  "DeviceManagementManagedDevices.ReadWrite.All",
];

/** Any of these lets it read the devices' compliance policy states (compliance alerts). */
export const COMPLIANCE_READ_ROLES = [
  "DeviceManagementConfiguration.Read.All",
  "DeviceManagementConfiguration.ReadWrite.All",
];

export type AccessCheck =
  | { ok: true; roles: string[] }
  | { ok: false; kind: "consent" | "credentials" | "tenant" | "permission" | "transient"; reason: string };

const missing = (role: string, needed: string): AccessCheck => ({
  ok: false,
  kind: "permission",
  reason: `permission missing (${role}, ${needed}): an Entra admin must consent again`,
});

/**
 * Proves the connector can read the tenant's devices and their compliance states: an app-only token (its `roles`
 * must hold both permissions when the token names any), then one small Graph read of each. So a tenant missing
 * the compliance permission shows it when it connects, not at its first compliance alert. `attempts` > 1 waits
 * out consent propagation.
 */
export async function checkTenantAccess(
  tenant: TenantRef,
  deps: IntuneDeps,
  opts: { attempts?: number; delayMs?: number } = {},
): Promise<AccessCheck> {
  const attempts = opts.attempts ?? 1;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let roles: string[] = [];
  for (let i = 1; ; i++) {
    try {
      roles = (await deps.tokens.graphToken(tenant, { forceRefresh: true })).roles;
      break;
    } catch (err) {
      if (err instanceof EntraAuthorizationError) {
        if (err.kind === "consent" && i < attempts) {
          await sleep((opts.delayMs ?? 2_000) * i);
          continue;
        }
        return { ok: false, kind: err.kind, reason: err.message };
      }
      return { ok: false, kind: "transient", reason: (err as Error).message };
    }
  }
  if (roles.length > 0 && !roles.some((r) => DEVICE_READ_ROLES.includes(r))) {
    return missing(DEVICE_READ_ROLES[0], "to import devices");
  }
  if (roles.length > 0 && !roles.some((r) => COMPLIANCE_READ_ROLES.includes(r))) {
    return missing(COMPLIANCE_READ_ROLES[0], "for compliance alerts");
  }
  const http = graphHttpFor(tenant, deps);
  let step: "devices" | "compliance" = "devices";
  try {
    const page = await http.getJson<{ value?: { id?: string }[] }>(
      "devices",
      "/v1.0/deviceManagement/managedDevices?$select=id&$top=1",
    );
    // The compliance reader's own path (compliance-reader.ts), on one device: a token without a roles claim is
    // proved here. A tenant without devices has nothing to read yet, and its token's roles were checked above.
    const id = page.value?.[0]?.id;
    if (id) {
      step = "compliance";
      await http.getJson(
        "compliance",
        `/beta/deviceManagement/managedDevices/${encodeURIComponent(id)}/deviceCompliancePolicyStates`,
      );
    }
    return { ok: true, roles };
  } catch (err) {
    if (err instanceof AuthorizationError) {
      const which =
        step === "compliance" ? ` (${COMPLIANCE_READ_ROLES[0]}, for compliance alerts)` : ` (${DEVICE_READ_ROLES[0]})`;
      return { ok: false, kind: "permission", reason: `consent revoked or permission missing${which}: ${err.message}` };
    }
    return { ok: false, kind: "transient", reason: (err as Error).message };
  }
}
