// Sealed secrets and tenants on PostgreSQL. mergeSecrets runs inside the caller's transaction.
import type pg from "pg";
import type { Sealer } from "../seal.js";
import { assembleSecrets, planSecretWrites, type SealedPart } from "../secret-parts.js";
import { toTenant, type TenantRow } from "../rows.js";
import type { InstanceSecrets, SecretsPatch, TenantRecord } from "../types.js";

export async function mergeSecrets(
  client: pg.PoolClient,
  sealer: Sealer,
  now: Date,
  account: string,
  parts: SecretsPatch,
): Promise<void> {
  // FOR UPDATE: a concurrent merge for this account waits, so re-sealing never resurrects an old value.
  const existing = await client.query<SealedPart>(
    "SELECT part, sealed FROM instance_secrets WHERE account = $1 ORDER BY part FOR UPDATE",
    [account],
  );
  const plan = planSecretWrites(account, parts, existing.rows, sealer);
  for (const u of plan.upserts) {
    await client.query(
      `INSERT INTO instance_secrets (account, part, sealed, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account, part) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at`,
      [account, u.part, u.sealed, now],
    );
  }
  if (plan.deletes.length > 0) {
    await client.query("DELETE FROM instance_secrets WHERE account = $1 AND part = ANY($2::text[])", [
      account,
      plan.deletes,
    ]);
  }
  for (const r of plan.reseals) {
    await client.query("UPDATE instance_secrets SET sealed = $1 WHERE account = $2 AND part = $3 AND sealed = $4", [
      r.to,
      account,
      r.part,
      r.from,
    ]);
  }
}

export async function getSecrets(pool: pg.Pool, sealer: Sealer, account: string): Promise<InstanceSecrets> {
  const result = await pool.query<SealedPart>(
    "SELECT part, sealed FROM instance_secrets WHERE account = $1 ORDER BY part",
    [account],
  );
  return assembleSecrets(account, result.rows, sealer);
}

export async function upsertTenant(
  pool: pg.Pool,
  now: Date,
  record: Omit<TenantRecord, "updatedAt">,
): Promise<TenantRecord> {
  const result = await pool.query<TenantRow>(
    `INSERT INTO tenants (account, slot, domain, cloud, tenant_id, status, reason, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (account, slot) DO UPDATE SET domain = EXCLUDED.domain, cloud = EXCLUDED.cloud,
       tenant_id = EXCLUDED.tenant_id, status = EXCLUDED.status, reason = EXCLUDED.reason,
       updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [
      record.account,
      record.slot,
      record.domain,
      record.cloud,
      record.tenantId ?? null,
      record.status,
      record.reason ?? null,
      now,
    ],
  );
  return toTenant(result.rows[0]);
}

export async function listTenants(pool: pg.Pool, account: string): Promise<TenantRecord[]> {
  const result = await pool.query<TenantRow>("SELECT * FROM tenants WHERE account = $1 ORDER BY slot", [account]);
  return result.rows.map(toTenant);
}
