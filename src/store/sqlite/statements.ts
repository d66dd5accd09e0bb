// Prepared statements, compiled once per connection. better-sqlite3's prepare() parses and plans the SQL on every
// call; on the webhook path (replay claim, secrets merge, instance upsert) that was a tenth of the CPU per request.
// Only for statements used as they are: a statement switched with pluck()/raw()/expand() must not be shared.
import type BetterSqlite3 from "better-sqlite3";

const byConnection = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** The connection's statement for this SQL text, prepared on first use (so tables may be created after open). */
export function prepared(db: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = byConnection.get(db);
  if (!cache) byConnection.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}
