// The device and alert ledgers on SQLite. putLedger runs inside the caller's transaction: one prepared upsert
// per entry is fast in SQLite (100k entries in well under a second), and the transaction makes it all-or-nothing.
import type BetterSqlite3 from "better-sqlite3";
import { isoTime } from "../time.js";
import { ledgerReader, toAlert, type AlertRow, type LedgerRow } from "../rows.js";
import type { AlertEntry, LedgerEntry } from "../types.js";

export function getLedger(db: BetterSqlite3.Database, account: string): LedgerEntry[] {
  // Row by row: a 100k-row ledger is never also held as 100k raw rows.
  const rows = db
    .prepare("SELECT * FROM device_ledger WHERE account = ? ORDER BY tenant_id, device_id")
    .iterate(account) as IterableIterator<LedgerRow>;
  const read = ledgerReader();
  const entries: LedgerEntry[] = [];
  for (const row of rows) entries.push(read(row));
  return entries;
}

export function putLedger(db: BetterSqlite3.Database, entries: LedgerEntry[]): void {
  const upsert = db.prepare(
    `INSERT INTO device_ledger (account, tenant_id, device_id, ci_id, product_id, fingerprint, last_seen_at,
       retired, user_id, beta)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account, tenant_id, device_id) DO UPDATE SET ci_id = excluded.ci_id,
       product_id = excluded.product_id, fingerprint = excluded.fingerprint,
       last_seen_at = excluded.last_seen_at, retired = excluded.retired, user_id = excluded.user_id,
       beta = excluded.beta`,
  );
  for (const e of entries) {
    upsert.run(
      e.account,
      e.tenantId,
      e.deviceId,
      e.ciId ?? null,
      e.productId ?? null,
      e.fingerprint ?? null,
      isoTime(e.lastSeenAt, "lastSeenAt"),
      e.retired ? 1 : 0,
      e.userId ?? null,
      e.beta ?? null,
    );
  }
}

export function getAlerts(db: BetterSqlite3.Database, account: string): AlertEntry[] {
  const rows = db
    .prepare("SELECT * FROM alert_ledger WHERE account = ? ORDER BY tenant_id, device_id")
    .all(account) as AlertRow[];
  return rows.map(toAlert);
}

export function putAlert(db: BetterSqlite3.Database, e: AlertEntry): void {
  db.prepare(
    `INSERT INTO alert_ledger (account, tenant_id, device_id, request_id, state, detail_hash, detail,
       previous_request_id, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account, tenant_id, device_id) DO UPDATE SET request_id = excluded.request_id,
       state = excluded.state, detail_hash = excluded.detail_hash, detail = excluded.detail,
       previous_request_id = excluded.previous_request_id, updated_at = excluded.updated_at`,
  ).run(
    e.account,
    e.tenantId,
    e.deviceId,
    e.requestId ?? null,
    e.state,
    e.detailHash,
    e.detail,
    e.previousRequestId ?? null,
    isoTime(e.updatedAt, "updatedAt"),
  );
}
