// The generated sealing key of the embedded (SQLite) default: 32 random bytes in a file beside the database, so a
// first start needs no setup. Production sets SECRET_KEY instead.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { StoreError } from "../errors.js";
import type { SecretKey } from "../config.js";

const HINT = "check DATABASE_URL and the folder's permissions, or set SECRET_KEY";

/** Key id recorded in values sealed with a generated key file. */
export const GENERATED_KEY_ID = "local";

/** Where the generated key of a SQLite database lives: beside it, named after it. */
export function keyFilePath(databasePath: string): string {
  return `${databasePath}.key`;
}

export interface KeyFile {
  key: SecretKey;
  /** True when this call generated the file. */
  created: boolean;
  /** True when the file was readable by others and its mode was tightened to 0600. */
  tightened: boolean;
}

/** Reads the key file; undefined when there is none. */
export function readKeyFile(path: string): KeyFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StoreError(`cannot read the sealing key file ${path} (${HINT}): ${(err as Error).message}`, {
      cause: err,
    });
  }
  const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)\s*$/.exec(text);
  const key = match ? Buffer.from(match[2], "base64") : undefined;
  if (!match || !key || key.length !== 32) {
    throw new StoreError(`the sealing key file ${path} is damaged: expected "<id>:<32 bytes base64>"`);
  }
  // Other users must not read it; a copied or restored file may have lost its mode.
  const tightened = (statSync(path).mode & 0o077) !== 0;
  if (tightened) chmodSync(path, 0o600);
  return { key: { id: match[1], key }, created: false, tightened };
}

/** Reads the key file, generating it (mode 0600, never overwriting) when absent. */
export function readOrCreateKeyFile(path: string): KeyFile {
  const existing = readKeyFile(path);
  if (existing) return existing;
  const key = randomBytes(32);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // "wx": if another process created it meanwhile, keep theirs rather than orphan what it sealed.
    writeFileSync(path, `${GENERATED_KEY_ID}:${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(path)!;
    throw new StoreError(`cannot write the sealing key file ${path} (${HINT}): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { key: { id: GENERATED_KEY_ID, key }, created: true, tightened: false };
}
