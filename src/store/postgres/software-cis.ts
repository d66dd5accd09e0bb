// The tracked software's CIs on PostgreSQL (issue 17): as sqlite/software-cis.ts, device CI ids as a JSON array.
import type pg from "pg";
import { toSoftwareCi, type SoftwareCiRow } from "../rows.js";
import type { SoftwareCiEntry } from "../types.js";
import { withTransaction } from "./tx.js";

export async function getSoftwareCis(pool: pg.Pool, account: string): Promise<SoftwareCiEntry[]> {
  const result = await pool.query<SoftwareCiRow>("SELECT * FROM software_cis WHERE account = $1 ORDER BY source_id", [
    account,
  ]);
  return result.rows.map(toSoftwareCi);
}

export async function putSoftwareCis(pool: pg.Pool, entries: SoftwareCiEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // Sorted, so two writers upserting the same rows take their locks in the same order.
  const sorted = [...entries].sort((a, b) => (a.sourceID < b.sourceID ? -1 : a.sourceID > b.sourceID ? 1 : 0));
  await withTransaction(pool, "putSoftwareCis", async (client) => {
    for (const e of sorted)
      await client.query(
        `INSERT INTO software_cis (account, source_id, ci_id, name, app_name, device_ci_ids)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (account, source_id) DO UPDATE SET ci_id = EXCLUDED.ci_id, name = EXCLUDED.name,
           app_name = EXCLUDED.app_name, device_ci_ids = EXCLUDED.device_ci_ids`,
        [e.account, e.sourceID, e.ciId, e.name, e.appName, JSON.stringify(e.deviceCiIds)],
      );
  });
}
