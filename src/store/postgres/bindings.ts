// Tenant bindings in PostgreSQL (see TenantBinding in ../types.ts). Replicas may bind the same tenant at once: a
// transaction-scoped advisory lock on the tenant id serialises them, so each sees the holder it replaces.
import type pg from "pg";
import { toTenantBinding, type TenantBindingRow } from "../rows.js";
import type { TenantBinding } from "../types.js";

const SELECT_ONE = "SELECT * FROM tenant_bindings WHERE tenant_id = $1";

export async function bindTenant(
  client: pg.PoolClient,
  now: Date,
  b: Omit<TenantBinding, "boundAt">,
): Promise<{ binding: TenantBinding; previous?: TenantBinding }> {
  const tenantId = b.tenantId.toLowerCase();
  await client.query("SELECT pg_advisory_xact_lock(hashtext('tenant_binding:' || $1))", [tenantId]);
  const before = (await client.query<TenantBindingRow>(`${SELECT_ONE} FOR UPDATE`, [tenantId])).rows[0];
  const row = (
    await client.query<TenantBindingRow>(
      `INSERT INTO tenant_bindings (tenant_id, cloud, account, app_instance_id, bound_by, bound_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id) DO UPDATE SET cloud = EXCLUDED.cloud, account = EXCLUDED.account,
         app_instance_id = EXCLUDED.app_instance_id, bound_by = EXCLUDED.bound_by, bound_at = EXCLUDED.bound_at
       RETURNING *`,
      [tenantId, b.cloud, b.account, b.appInstanceId, b.boundBy, now],
    )
  ).rows[0]!;
  const previous = before && toTenantBinding(before);
  const changedHands =
    previous && (previous.account !== b.account || previous.appInstanceId !== b.appInstanceId) ? previous : undefined;
  return { binding: toTenantBinding(row), ...(changedHands ? { previous: changedHands } : {}) };
}

export async function getTenantBinding(pool: pg.Pool, tenantId: string): Promise<TenantBinding | undefined> {
  const row = (await pool.query<TenantBindingRow>(SELECT_ONE, [tenantId.toLowerCase()])).rows[0];
  return row && toTenantBinding(row);
}

export async function listTenantBindings(pool: pg.Pool, account: string): Promise<TenantBinding[]> {
  const rows = (
    await pool.query<TenantBindingRow>("SELECT * FROM tenant_bindings WHERE account = $1 ORDER BY tenant_id", [account])
  ).rows;
  return rows.map(toTenantBinding);
}
