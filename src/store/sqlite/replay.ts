// The replay cache on SQLite: insert-if-absent, where an expired row counts as absent.
import type BetterSqlite3 from "better-sqlite3";
import { PURGE_INTERVAL_MS } from "../replay.js";
import type { Now } from "../time.js";

export class SqliteReplayCache {
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly now: Now,
  ) {}

  remember(scope: string, id: string, expiresAt: Date): boolean {
    const now = this.now().getTime();
    if (now - this.lastPurge >= PURGE_INTERVAL_MS) {
      this.db.prepare("DELETE FROM seen_once WHERE expires_at <= ?").run(now);
      this.lastPurge = now;
    }
    const row = this.db
      .prepare(
        `INSERT INTO seen_once (scope, id, expires_at) VALUES (@scope, @id, @expires)
         ON CONFLICT (scope, id) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_once.expires_at <= @now
         RETURNING 1`,
      )
      .get({ scope, id, expires: expiresAt.getTime(), now });
    return row !== undefined;
  }

  forget(scope: string, id: string): void {
    this.db.prepare("DELETE FROM seen_once WHERE scope = ? AND id = ?").run(scope, id);
  }
}
