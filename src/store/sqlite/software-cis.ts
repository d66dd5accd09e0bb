// The tracked software's CIs on SQLite (issue 17): one row per software CI, its device CI ids as a JSON array.
import type BetterSqlite3 from "better-sqlite3";
import { toSoftwareCi, type SoftwareCiRow } from "../rows.js";
import type { SoftwareCiEntry } from "../types.js";

export function getSoftwareCis(db: BetterSqlite3.Database, account: string): SoftwareCiEntry[] {
  const rows = db
    .prepare("SELECT * FROM software_cis WHERE account = ? ORDER BY source_id")
    .all(account) as SoftwareCiRow[];
  return rows.map(toSoftwareCi);
}

export function putSoftwareCis(db: BetterSqlite3.Database, entries: SoftwareCiEntry[]): void {
  const upsert = db.prepare(
    `INSERT INTO software_cis (account, source_id, ci_id, name, app_name, device_ci_ids) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account, source_id) DO UPDATE SET ci_id = excluded.ci_id, name = excluded.name,
       app_name = excluded.app_name, device_ci_ids = excluded.device_ci_ids`,
  );
  // Inside the store's write transaction (sqlite-store.ts write): all or nothing.
  for (const e of entries) upsert.run(e.account, e.sourceID, e.ciId, e.name, e.appName, JSON.stringify(e.deviceCiIds));
}
