// Where a run keeps its full mapped CIs between reading Intune and writing 4me. At 100,000 devices the full CIs
// are what would fill the heap (issue 6: the connector stays under 300 MB), so a real run spills them to a temporary
// SQLite file and loads one batch at a time; the file is removed when the run ends. Tests use the in-memory store.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { MappedCi } from "./map-device.js";

export interface CiStore {
  /** Keeps a CI; returns its row, for `load`. */
  put(ci: MappedCi): number;
  /** The CIs of these rows, in this order. */
  load(rows: readonly number[]): MappedCi[];
  /** Frees what the store holds (removes its file). Idempotent. */
  close(): void;
}

export class MemoryCiStore implements CiStore {
  private cis: MappedCi[] = [];

  put(ci: MappedCi): number {
    return this.cis.push(ci) - 1;
  }

  load(rows: readonly number[]): MappedCi[] {
    return rows.map((r) => {
      const ci = this.cis[r];
      if (!ci) throw new RangeError(`no CI at row ${r}`);
      return ci;
    });
  }

  close(): void {
    this.cis = [];
  }
}

/** Rows are written in transactions of this many (one per row would be a disk sync each without them). */
const FLUSH_EVERY = 500;

export class SqliteCiStore implements CiStore {
  private readonly dir: string;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, string]>;
  private readonly select: Database.Statement<[string], { row: number; ci: string }>;
  private pending: [number, string][] = [];
  private next = 0;
  private closed = false;

  constructor(parent: string = tmpdir()) {
    this.dir = mkdtempSync(join(parent, "intune-cis-"));
    this.db = new Database(join(this.dir, "cis.sqlite"));
    // A scratch file for one run: nothing to recover after a crash, so no journal and no syncs.
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    // Each row is written once and read once, in batches: a page cache buys nothing here, and better-sqlite3's
    // default of 16 MB per connection would be memory the run holds for nothing.
    this.db.pragma("cache_size = -1024");
    this.db.exec("CREATE TABLE cis (row INTEGER PRIMARY KEY, ci TEXT NOT NULL)");
    this.insert = this.db.prepare("INSERT INTO cis (row, ci) VALUES (?, ?)");
    this.select = this.db.prepare("SELECT row, ci FROM cis WHERE row IN (SELECT value FROM json_each(?))");
  }

  put(ci: MappedCi): number {
    if (this.closed) throw new Error("CI store is closed");
    const row = this.next++;
    this.pending.push([row, JSON.stringify(ci)]);
    if (this.pending.length >= FLUSH_EVERY) this.flush();
    return row;
  }

  load(rows: readonly number[]): MappedCi[] {
    if (this.closed) throw new Error("CI store is closed");
    this.flush();
    const found = new Map(this.select.all(JSON.stringify(rows)).map((r) => [r.row, r.ci]));
    return rows.map((r) => {
      const json = found.get(r);
      if (json === undefined) throw new RangeError(`no CI at row ${r}`);
      return JSON.parse(json) as MappedCi;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const [row, json] of rows) this.insert.run(row, json);
    })();
  }
}
