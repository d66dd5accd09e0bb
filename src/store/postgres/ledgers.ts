// The device and alert ledgers on PostgreSQL. putLedger writes in chunks of LEDGER_CHUNK rows, each one
// INSERT … SELECT FROM unnest(column arrays) ON CONFLICT DO UPDATE, all in the caller's transaction. Entries are
// de-duplicated (an upsert may not touch a row twice) and sorted by key, so concurrent writers lock rows in the
// same order and cannot deadlock each other.
import type pg from "pg";
import { isoTime } from "../time.js";
import { ledgerReader, toAlert, type AlertRow, type LedgerRow } from "../rows.js";
import type { AlertEntry, LedgerEntry } from "../types.js";

export const LEDGER_CHUNK = 1000;

export async function getLedger(pool: pg.Pool, account: string): Promise<LedgerEntry[]> {
  const result = await pool.query<LedgerRow>(
    "SELECT * FROM device_ledger WHERE account = $1 ORDER BY tenant_id, device_id",
    [account],
  );
  return result.rows.map(ledgerReader());
}

/** Last entry per key wins, in key order. Validates every time before anything is written. */
export function prepareLedger(entries: LedgerEntry[]): LedgerEntry[] {
  const byKey = new Map<string, LedgerEntry>();
  for (const e of entries) {
    byKey.set(JSON.stringify([e.account, e.tenantId, e.deviceId]), {
      ...e,
      lastSeenAt: isoTime(e.lastSeenAt, "lastSeenAt"),
    });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

export async function putLedger(client: pg.PoolClient, sorted: LedgerEntry[]): Promise<void> {
  for (let i = 0; i < sorted.length; i += LEDGER_CHUNK) {
    const chunk = sorted.slice(i, i + LEDGER_CHUNK);
    await client.query(
      `INSERT INTO device_ledger (account, tenant_id, device_id, ci_id, product_id, fingerprint, last_seen_at,
         retired, user_id, beta)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::timestamptz[], $8::boolean[], $9::text[], $10::text[])
       ON CONFLICT (account, tenant_id, device_id) DO UPDATE SET ci_id = EXCLUDED.ci_id,
         product_id = EXCLUDED.product_id, fingerprint = EXCLUDED.fingerprint,
         last_seen_at = EXCLUDED.last_seen_at, retired = EXCLUDED.retired, user_id = EXCLUDED.user_id,
         beta = EXCLUDED.beta`,
      [
        chunk.map((e) => e.account),
        chunk.map((e) => e.tenantId),
        chunk.map((e) => e.deviceId),
        chunk.map((e) => e.ciId ?? null),
        chunk.map((e) => e.productId ?? null),
        chunk.map((e) => e.fingerprint ?? null),
        chunk.map((e) => e.lastSeenAt),
        chunk.map((e) => e.retired),
        chunk.map((e) => e.userId ?? null),
        chunk.map((e) => e.beta ?? null),
      ],
    );
  }
}

export async function getAlerts(pool: pg.Pool, account: string): Promise<AlertEntry[]> {
  const result = await pool.query<AlertRow>(
    "SELECT * FROM alert_ledger WHERE account = $1 ORDER BY tenant_id, device_id",
    [account],
  );
  return result.rows.map(toAlert);
}

export async function putAlert(pool: pg.Pool, e: AlertEntry): Promise<void> {
  await pool.query(
    `INSERT INTO alert_ledger (account, tenant_id, device_id, request_id, state, detail_hash, detail,
       previous_request_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (account, tenant_id, device_id) DO UPDATE SET request_id = EXCLUDED.request_id,
       state = EXCLUDED.state, detail_hash = EXCLUDED.detail_hash, detail = EXCLUDED.detail,
       previous_request_id = EXCLUDED.previous_request_id, updated_at = EXCLUDED.updated_at`,
    [
      e.account,
      e.tenantId,
      e.deviceId,
      e.requestId ?? null,
      e.state,
      e.detailHash,
      e.detail,
      e.previousRequestId ?? null,
      isoTime(e.updatedAt, "updatedAt"),
    ],
  );
}
