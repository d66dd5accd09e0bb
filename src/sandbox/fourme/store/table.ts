// One table of records of a type: node ids, per-account listing in insertion order, and secondary indexes that
// stay correct because every change goes through insert/update/remove.
import { isoAt, type Clock } from "../clock.js";
import { encodeNodeId, type NodeType } from "../ids.js";
import type { BaseRec } from "./records.js";

/** Index key of a record, or several (e.g. one per alternative source), or undefined when it has none. */
export type IndexKeyFn<T> = (rec: T) => string | string[] | undefined;

export type NewRecord<T extends BaseRec> = Omit<T, keyof BaseRec> & { createdAt?: string };

export class Table<T extends BaseRec> {
  private readonly byId = new Map<string, T>();
  private readonly byAccount = new Map<string, Map<string, T>>();
  /** Index key → the record, or a Set when several share the key (most keys are unique: no Set for those). */
  private readonly indexes = new Map<string, { keyOf: IndexKeyFn<T>; map: Map<string, T | Set<T>> }>();
  private counter = 0;

  constructor(
    readonly type: NodeType,
    private readonly domain: string,
    private readonly clock: Clock,
    indexes: Record<string, IndexKeyFn<T>> = {},
    /** Called on every change, so the store can version its contents (list caches depend on it). */
    private readonly changed: () => void = () => {},
  ) {
    for (const [name, keyOf] of Object.entries(indexes)) this.indexes.set(name, { keyOf, map: new Map() });
  }

  insert(account: string, fields: NewRecord<T>): T {
    const n = ++this.counter;
    const now = isoAt(this.clock);
    const rec = {
      ...fields,
      id: encodeNodeId(this.domain, this.type, n),
      n,
      account,
      createdAt: fields.createdAt ?? now,
      updatedAt: now,
    } as unknown as T;
    this.byId.set(rec.id, rec);
    let inAccount = this.byAccount.get(account);
    if (!inAccount) this.byAccount.set(account, (inAccount = new Map()));
    inAccount.set(rec.id, rec);
    this.addToIndexes(rec);
    this.changed();
    return rec;
  }

  /** Changes fields in place (the record object stays the same) and re-indexes it. */
  update(rec: T, patch: Partial<T>, touch = true): T {
    this.removeFromIndexes(rec);
    Object.assign(rec, patch);
    if (touch) rec.updatedAt = isoAt(this.clock);
    this.addToIndexes(rec);
    this.changed();
    return rec;
  }

  remove(rec: T): void {
    this.removeFromIndexes(rec);
    this.byId.delete(rec.id);
    this.byAccount.get(rec.account)?.delete(rec.id);
    this.changed();
  }

  get(id: string | undefined | null): T | undefined {
    return id ? this.byId.get(id) : undefined;
  }

  /** Records of one account, oldest first. */
  inAccount(account: string): T[] {
    return [...(this.byAccount.get(account)?.values() ?? [])];
  }

  all(): T[] {
    return [...this.byId.values()];
  }

  count(account?: string): number {
    return account === undefined ? this.byId.size : (this.byAccount.get(account)?.size ?? 0);
  }

  /** Records whose index key equals `key`, oldest first. */
  lookup(index: string, key: string): T[] {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`table ${this.type} has no index ${index}`);
    const found = idx.map.get(key);
    if (!found) return [];
    return found instanceof Set ? [...found].sort((a, b) => a.n - b.n) : [found];
  }

  hasIndex(index: string): boolean {
    return this.indexes.has(index);
  }

  private keys(keyOf: IndexKeyFn<T>, rec: T): string[] {
    const k = keyOf(rec);
    return k === undefined ? [] : Array.isArray(k) ? k : [k];
  }

  private addToIndexes(rec: T): void {
    for (const { keyOf, map } of this.indexes.values()) {
      for (const key of this.keys(keyOf, rec)) {
        const found = map.get(key);
        if (found === undefined) map.set(key, rec);
        else if (found instanceof Set) found.add(rec);
        else if (found !== rec) map.set(key, new Set([found, rec]));
      }
    }
  }

  private removeFromIndexes(rec: T): void {
    for (const { keyOf, map } of this.indexes.values()) {
      for (const key of this.keys(keyOf, rec)) {
        const found = map.get(key);
        if (found === rec) map.delete(key);
        else if (found instanceof Set) {
          found.delete(rec);
          if (found.size === 1) map.set(key, found.values().next().value!);
        }
      }
    }
  }
}

/** Index key helper: account-scoped, and case-folded where 4me compares without case. */
export function accountKey(account: string, value: string | undefined, fold = false): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return `${account}\u0000${fold ? value.trim().toLowerCase() : value}`;
}
