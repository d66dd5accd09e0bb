// The alerts pass's read of the failing policies and settings of the imported troubled devices, tenant by tenant,
// with progress: at 20,000 devices it reads about 2,000 devices' detail, which takes long enough to be seen.
import type { IntuneClient } from "../intune/intune-client.js";
import type { DeviceCompliance } from "../intune/types.js";
import type { Logger } from "../logger.js";
import type { TenantRecord } from "../store/types.js";
import type { FleetDevice } from "../sync/fleet-device.js";
import type { TroubledDevice } from "../sync/read-fleet.js";

/** compliance: devices whose detail was read; alerts: request actions carried out (total unknown while planning). */
export type AlertsProgress = (phase: "compliance" | "alerts", done: number, total?: number) => void;

export async function readCompliance(
  inScope: { ci: FleetDevice }[],
  troubledOf: (ci: FleetDevice) => TroubledDevice | undefined,
  tenantById: Map<string, TenantRecord>,
  deps: { intuneClient: (tenant: TenantRecord) => IntuneClient; onProgress?: AlertsProgress },
  log: Logger,
  add: (k: string, n?: number) => void,
): Promise<DeviceCompliance[]> {
  const byTenant = new Map<string, { id: string; complianceState: string | null }[]>();
  for (const { ci } of inScope) {
    const t = troubledOf(ci);
    if (!t) continue;
    const list = byTenant.get(ci.tenantId) ?? [];
    list.push({ id: t.id, complianceState: t.complianceState });
    byTenant.set(ci.tenantId, list);
  }
  const total = [...byTenant.values()].reduce((n, list) => n + list.length, 0);
  let before = 0;
  const out: DeviceCompliance[] = [];
  for (const [tenantId, list] of byTenant) {
    const tenant = tenantById.get(tenantId);
    if (!tenant) continue;
    try {
      out.push(
        ...(await deps.intuneClient(tenant).readCompliance(list, {
          onError: (deviceId, reason) => {
            add("detail_unread");
            log.warn({ tenantId, deviceId, reason }, "compliance detail not read");
          },
          onProgress: (done) => deps.onProgress?.("compliance", before + done, total),
        })),
      );
    } catch (err) {
      // Devices without detail wait for the next run (the planner never acts on half the story).
      add("detail_unread", list.length);
      log.warn({ tenant: tenant.domain, err: (err as Error).message }, "compliance detail not read");
    }
    before += list.length;
  }
  if (total > 0) deps.onProgress?.("compliance", total, total);
  return out;
}
