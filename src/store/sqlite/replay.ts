// The replay cache on SQLite: insert-if-absent, where an expired row counts as absent.
//
// Durability: replay records are committed with synchronous=NORMAL instead of the store's FULL. With FULL every
// commit waits for an fsync (several milliseconds on ordinary disks, blocking the event loop: better-sqlite3 is
// synchronous), and the webhook receiver writes one or two replay records per delivery before its handler's own
// durable write. In WAL mode a NORMAL commit still survives a crash of the process (the WAL is written before the
// call returns); only an OS crash or power loss can drop it, and then only until the next FULL commit, whose fsync
// of the WAL covers the earlier frames too. Every handler that writes (secrets, instance flags) commits with FULL
// before 4me gets its 2xx, so the replay record of such a delivery is on disk by then as well. What can be lost is
// the record of a delivery that wrote nothing else; a redelivery of it is processed again, and every event we
// handle is idempotent (merge, upsert, re-read, queue with a singleton key). The store's own records keep FULL.
import type BetterSqlite3 from "better-sqlite3";
import { PURGE_INTERVAL_MS } from "../replay.js";
import type { Now } from "../time.js";
import { prepared } from "./statements.js";

const REMEMBER = `INSERT INTO seen_once (scope, id, expires_at) VALUES (@scope, @id, @expires)
  ON CONFLICT (scope, id) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_once.expires_at <= @now
  RETURNING 1`;
const PURGE = "DELETE FROM seen_once WHERE expires_at <= ?";
const FORGET = "DELETE FROM seen_once WHERE scope = ? AND id = ?";

export class SqliteReplayCache {
  private lastPurge = Number.NEGATIVE_INFINITY;
  /** The connection's configured synchronous level (a number, 2 = FULL), restored after each relaxed write. */
  private configuredLevel: number | undefined;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly now: Now,
  ) {}

  remember(scope: string, id: string, expiresAt: Date): boolean {
    const now = this.now().getTime();
    return this.relaxed(() => {
      if (now - this.lastPurge >= PURGE_INTERVAL_MS) {
        prepared(this.db, PURGE).run(now);
        this.lastPurge = now;
      }
      const row = prepared(this.db, REMEMBER).get({ scope, id, expires: expiresAt.getTime(), now });
      return row !== undefined;
    });
  }

  forget(scope: string, id: string): void {
    this.relaxed(() => prepared(this.db, FORGET).run(scope, id));
  }

  /** Runs `fn` (its own autocommit statements) at synchronous=NORMAL, then restores the configured level. */
  private relaxed<T>(fn: () => T): T {
    // Inside a caller's transaction the commit is the caller's, at the caller's level; and NORMAL is only safe in
    // WAL mode (in rollback-journal mode it can corrupt on power loss), which :memory: and temp databases lack.
    if (this.db.inTransaction || this.db.memory) return fn();
    this.configuredLevel ??= this.db.pragma("synchronous", { simple: true }) as number;
    if (this.configuredLevel <= 1 || !this.walMode()) return fn();
    prepared(this.db, "PRAGMA synchronous = NORMAL").run();
    try {
      return fn();
    } finally {
      prepared(this.db, `PRAGMA synchronous = ${this.configuredLevel}`).run();
    }
  }

  private wal: boolean | undefined;
  private walMode(): boolean {
    return (this.wal ??= String(this.db.pragma("journal_mode", { simple: true })).toLowerCase() === "wal");
  }
}
