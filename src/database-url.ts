// DATABASE_URL, checked before anything touches the disk: a mistyped value must not become a SQLite file (or a
// folder such as `mysql:/`) wherever the process happens to run.
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_DATABASE_PATH = "./data/connector.db";

export type DatabaseSetting = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

/** Why a value was refused: one sentence, which never repeats the value (it may hold a password). */
export class DatabaseUrlError extends Error {}

const ACCEPTED =
  "use a postgres:// or postgresql:// URL, a file: URL, or a path ending in .db or .sqlite in an existing folder";

/**
 * PostgreSQL for `postgres://` and `postgresql://` URLs; SQLite for a `file:` URL, a path ending in .db or .sqlite
 * whose folder exists, the default ./data/connector.db (its folder is created when the store opens) and `:memory:`
 * (tests). Anything else is refused. Only reads the file system.
 */
export function parseDatabaseUrl(value: string | undefined, cwd = process.cwd()): DatabaseSetting {
  const raw = (value ?? "").trim();
  if (raw === "") return { kind: "sqlite", path: DEFAULT_DATABASE_PATH };
  if (raw === ":memory:") return { kind: "sqlite", path: raw };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    if (!URL.canParse(raw)) throw new DatabaseUrlError("is not a valid PostgreSQL URL");
    return { kind: "postgres", url: raw };
  }
  let path: string;
  if (scheme === "file") {
    if (!URL.canParse(raw)) throw new DatabaseUrlError("is not a valid file: URL");
    path = fileURLToPath(new URL(raw));
  } else if (scheme && scheme.length > 1) {
    // One letter is a Windows drive (C:\…); anything longer is a URL of a database we do not support.
    throw new DatabaseUrlError(`is a ${scheme}: URL, which is not supported: ${ACCEPTED}`);
  } else if (/\.(db|sqlite)$/i.test(raw)) {
    path = raw;
  } else {
    throw new DatabaseUrlError(`is neither a database URL nor a SQLite file path: ${ACCEPTED}`);
  }
  const folder = dirname(resolve(cwd, path));
  const isDefaultFolder = folder === dirname(resolve(cwd, DEFAULT_DATABASE_PATH));
  if (!isDefaultFolder && !existsSync(folder)) {
    throw new DatabaseUrlError(`names a SQLite file in a folder that does not exist (${folder}): create it first`);
  }
  if (!isDefaultFolder && !statSync(folder).isDirectory()) {
    throw new DatabaseUrlError(`names a SQLite file under ${folder}, which is not a folder`);
  }
  return { kind: "sqlite", path };
}
