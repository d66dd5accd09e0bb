// Sealed secrets and tenants on SQLite. mergeSecrets runs inside the caller's IMMEDIATE transaction.
import type BetterSqlite3 from "better-sqlite3";
import type { Sealer } from "../seal.js";
import { assembleSecrets, planSecretWrites, type SealedPart } from "../secret-parts.js";
import { toTenant, type TenantRow } from "../rows.js";
import { prepared } from "./statements.js";
import type { InstanceSecrets, SecretsPatch, TenantRecord } from "../types.js";

function secretRows(db: BetterSqlite3.Database, account: string): SealedPart[] {
  return prepared(db, "SELECT part, sealed FROM instance_secrets WHERE account = ? ORDER BY part").all(
    account,
  ) as SealedPart[];
}

export function mergeSecrets(
  db: BetterSqlite3.Database,
  sealer: Sealer,
  now: Date,
  account: string,
  parts: SecretsPatch,
): void {
  const plan = planSecretWrites(account, parts, secretRows(db, account), sealer);
  const upsert = prepared(
    db,
    `INSERT INTO instance_secrets (account, part, sealed, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (account, part) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
  );
  const remove = prepared(db, "DELETE FROM instance_secrets WHERE account = ? AND part = ?");
  const reseal = prepared(db, "UPDATE instance_secrets SET sealed = ? WHERE account = ? AND part = ? AND sealed = ?");
  for (const u of plan.upserts) upsert.run(account, u.part, u.sealed, now.toISOString());
  for (const part of plan.deletes) remove.run(account, part);
  for (const r of plan.reseals) reseal.run(r.to, account, r.part, r.from);
}

export function getSecrets(db: BetterSqlite3.Database, sealer: Sealer, account: string): InstanceSecrets {
  return assembleSecrets(account, secretRows(db, account), sealer);
}

export function upsertTenant(
  db: BetterSqlite3.Database,
  now: Date,
  record: Omit<TenantRecord, "updatedAt">,
): TenantRecord {
  const row = db
    .prepare(
      `INSERT INTO tenants (account, slot, domain, cloud, tenant_id, status, reason, updated_at)
       VALUES (@account, @slot, @domain, @cloud, @tenantId, @status, @reason, @now)
       ON CONFLICT (account, slot) DO UPDATE SET domain = excluded.domain, cloud = excluded.cloud,
         tenant_id = excluded.tenant_id, status = excluded.status, reason = excluded.reason,
         updated_at = excluded.updated_at
       RETURNING *`,
    )
    .get({
      account: record.account,
      slot: record.slot,
      domain: record.domain,
      cloud: record.cloud,
      tenantId: record.tenantId ?? null,
      status: record.status,
      reason: record.reason ?? null,
      now: now.toISOString(),
    }) as TenantRow;
  return toTenant(row);
}

export function listTenants(db: BetterSqlite3.Database, account: string): TenantRecord[] {
  const rows = db.prepare("SELECT * FROM tenants WHERE account = ? ORDER BY slot").all(account) as TenantRow[];
  return rows.map(toTenant);
}
