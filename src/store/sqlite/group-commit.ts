// Group commit for the SQLite store's durable writes. Each commit at synchronous=FULL waits for an fsync, and
// better-sqlite3 waits on the event loop's thread: at a few milliseconds per fsync, one commit per webhook capped
// the receiver far below 200 deliveries/s and every delivery queued behind the others' fsyncs. Writes requested
// while the event loop works through a round of I/O are collected and run at the next turn (setImmediate) in ONE
// transaction, each inside its own savepoint: a write that throws is rolled back alone and rejected alone, the
// others commit. One fsync then makes the whole group durable, and no promise resolves before it: "durable when
// resolved" holds exactly as before. Reads never wait; a read that runs before the group commits sees the state
// before those writes, as if it had run before them (none of their callers has been answered yet).
import { setImmediate as nextTurn } from "node:timers";
import type BetterSqlite3 from "better-sqlite3";

interface PendingWrite {
  op: string;
  fn: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export class GroupCommit {
  private pending: PendingWrite[] = [];
  private scheduled = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    /** Turns a driver error into the store's error for this operation. */
    private readonly asError: (op: string, err: unknown) => Error,
  ) {}

  /** Runs `fn` atomically in the next group; resolves once the group's commit is durable. */
  run<T>(op: string, fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        nextTurn(() => this.flush());
      }
    });
  }

  /** Commits what is pending now (also called before the connection closes). */
  flush(): void {
    this.scheduled = false;
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      this.db
        .transaction(() => {
          for (const write of group) {
            try {
              // A transaction function called inside a transaction runs in a savepoint (better-sqlite3).
              outcomes.push({ ok: true, value: this.db.transaction(write.fn)() });
            } catch (err) {
              outcomes.push({ ok: false, err });
            }
          }
        })
        .immediate();
    } catch (err) {
      // BEGIN or COMMIT failed (busy, disk full, I/O error): nothing of the group is durable.
      for (const write of group) write.reject(this.asError(write.op, err));
      return;
    }
    group.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(this.asError(write.op, outcome.err));
    });
  }
}
