// Reads every connected tenant of an account page by page and maps each device. Holds only mapped CIs (what the
// plan needs) and a compact list of devices with compliance trouble (what the alerts need), never raw pages.
import { AuthorizationError } from "../errors.js";
import type { Logger } from "../logger.js";
import { BreakdownAccumulator, type FleetBreakdown } from "../intune/breakdown.js";
import { cloudEndpoints, type CloudOverrides } from "../intune/clouds.js";
import type { IntuneClient } from "../intune/intune-client.js";
import type { IntuneDevice } from "../intune/types.js";
import type { TenantRecord } from "../store/types.js";
import { mapDevice, type MappedCi } from "./map-device.js";

/** States whose failing policies are read for alerts (issue 5). */
export const TROUBLED_STATES = new Set(["noncompliant", "inGracePeriod", "conflict", "error"]);

export type TroubledDevice = Pick<
  IntuneDevice,
  "tenantId" | "id" | "deviceName" | "complianceState" | "lastSyncDateTime" | "complianceGracePeriodExpirationDateTime"
>;

export interface FleetRead {
  mapped: MappedCi[];
  unmapped: { tenantId: string; deviceId: string; reason: string }[];
  /** Tenants whose every page was read: only their missing devices may be retired. */
  completeTenantIds: string[];
  scanComplete: boolean;
  breakdown: FleetBreakdown;
  troubled: TroubledDevice[];
  /** Counts of cleaned values by warning (`cleaned:<warning>`). */
  counts: Record<string, number>;
  errors: string[];
  /** Tenants that refused access during the read. */
  refused: { tenant: TenantRecord; error: AuthorizationError }[];
}

export interface ReadFleetDeps {
  tenants: TenantRecord[];
  clientFor: (tenant: TenantRecord) => IntuneClient;
  microsoft: CloudOverrides;
  ciStatus: string;
  /**
   * Qualify sourceIDs by tenant: whether the account has several tenants, connected or not. Defaults to several
   * tenants being read; a tenant that is failing for a while must not flip the others' sourceIDs back and forth.
   */
  qualifySourceIds?: boolean;
  now: Date;
  logger: Logger;
  onPage?: (devicesSoFar: number) => void;
}

export async function readFleet(deps: ReadFleetDeps): Promise<FleetRead> {
  const out: FleetRead = {
    mapped: [],
    unmapped: [],
    completeTenantIds: [],
    scanComplete: true,
    breakdown: { v: 1, total: 0, rows: [] },
    troubled: [],
    counts: {},
    errors: [],
    refused: [],
  };
  const acc = new BreakdownAccumulator();
  const qualify = deps.qualifySourceIds ?? deps.tenants.length > 1;
  let seen = 0;
  for (const tenant of deps.tenants) {
    const ctx = {
      adminCenterUrl: cloudEndpoints(tenant.cloud, deps.microsoft).adminCenterUrl,
      now: deps.now,
      qualifySourceId: qualify,
      ciStatus: deps.ciStatus,
    };
    try {
      for await (const page of deps.clientFor(tenant).readDevices()) {
        for (const s of page.skipped) {
          out.unmapped.push({ tenantId: tenant.tenantId!, deviceId: s.id ?? "(no id)", reason: s.reason });
        }
        acc.add(page.devices);
        for (const device of page.devices) {
          const result = mapDevice(device, ctx);
          if (!result.ok) {
            out.unmapped.push({ tenantId: result.tenantId, deviceId: result.deviceId, reason: result.reason });
            continue;
          }
          out.mapped.push(result.ci);
          for (const w of result.warnings) out.counts[`cleaned:${w}`] = (out.counts[`cleaned:${w}`] ?? 0) + 1;
          if (device.complianceState && TROUBLED_STATES.has(device.complianceState)) {
            out.troubled.push({
              tenantId: device.tenantId,
              id: device.id,
              deviceName: device.deviceName,
              complianceState: device.complianceState,
              lastSyncDateTime: device.lastSyncDateTime,
              complianceGracePeriodExpirationDateTime: device.complianceGracePeriodExpirationDateTime,
            });
          }
        }
        seen += page.devices.length + page.skipped.length;
        deps.onPage?.(seen);
      }
      out.completeTenantIds.push(tenant.tenantId!);
    } catch (err) {
      // An incomplete scan never retires anything (issue 6); the devices read so far are still written.
      out.scanComplete = false;
      if (err instanceof AuthorizationError) out.refused.push({ tenant, error: err });
      out.errors.push(`${tenant.domain}: ${(err as Error).message}`);
      deps.logger.warn({ tenant: tenant.domain, err: (err as Error).message }, "tenant read stopped early");
    }
  }
  out.breakdown = acc.result();
  return out;
}
