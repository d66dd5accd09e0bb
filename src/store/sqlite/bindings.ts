// Tenant bindings in SQLite (see TenantBinding in ../types.ts). One connection, so a transaction is enough to make
// "read the holder, take the tenant" atomic.
import type BetterSqlite3 from "better-sqlite3";
import { toTenantBinding, type TenantBindingRow } from "../rows.js";
import type { TenantBinding } from "../types.js";
import { prepared } from "./statements.js";

const SELECT_ONE = "SELECT * FROM tenant_bindings WHERE tenant_id = ?";

export function bindTenant(
  db: BetterSqlite3.Database,
  now: Date,
  b: Omit<TenantBinding, "boundAt">,
): { binding: TenantBinding; previous?: TenantBinding } {
  const tenantId = b.tenantId.toLowerCase();
  return db.transaction(() => {
    const before = prepared(db, SELECT_ONE).get(tenantId) as TenantBindingRow | undefined;
    const row = prepared(
      db,
      `INSERT INTO tenant_bindings (tenant_id, cloud, account, app_instance_id, bound_by, bound_at)
       VALUES (@tenantId, @cloud, @account, @appInstanceId, @boundBy, @now)
       ON CONFLICT (tenant_id) DO UPDATE SET cloud = excluded.cloud, account = excluded.account,
         app_instance_id = excluded.app_instance_id, bound_by = excluded.bound_by, bound_at = excluded.bound_at
       RETURNING *`,
    ).get({ ...b, tenantId, now: now.toISOString() }) as TenantBindingRow;
    const previous = before && toTenantBinding(before);
    const changedHands =
      previous && (previous.account !== b.account || previous.appInstanceId !== b.appInstanceId) ? previous : undefined;
    return { binding: toTenantBinding(row), ...(changedHands ? { previous: changedHands } : {}) };
  })();
}

export function getTenantBinding(db: BetterSqlite3.Database, tenantId: string): TenantBinding | undefined {
  const row = prepared(db, SELECT_ONE).get(tenantId.toLowerCase()) as TenantBindingRow | undefined;
  return row && toTenantBinding(row);
}

export function listTenantBindings(db: BetterSqlite3.Database, account: string): TenantBinding[] {
  const rows = prepared(db, "SELECT * FROM tenant_bindings WHERE account = ? ORDER BY tenant_id").all(
    account,
  ) as TenantBindingRow[];
  return rows.map(toTenantBinding);
}
