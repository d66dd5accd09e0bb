// Secret sealing at rest: AES-256-GCM. Each ciphertext names the key that sealed it, so the key can rotate: seal
// with the current key, unseal with the current or any previous one.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { StoreError } from "../errors.js";
import type { Config, SecretKey } from "../config.js";
import type { Logger } from "../logger.js";
import { keyFilePath, readKeyFile, readOrCreateKeyFile } from "./key-file.js";

export type { SecretKey };

export interface SealingKeys {
  current: SecretKey;
  previous: SecretKey[];
}

/** Format tag of a sealed value: `v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`. */
export const SEAL_FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class Sealer {
  private readonly byId = new Map<string, Buffer>();

  constructor(readonly keys: SealingKeys) {
    for (const k of [keys.current, ...keys.previous]) {
      if (k.key.length !== 32) {
        throw new StoreError(`sealing key '${k.id}' must be 32 bytes (SECRET_KEY / SECRET_KEYS_PREVIOUS)`);
      }
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) {
        throw new StoreError(
          `sealing key id '${k.id}' must be 1-32 letters, digits, _ or - (SECRET_KEY_ID / SECRET_KEYS_PREVIOUS)`,
        );
      }
      // The current key wins a duplicate id: it is the one the operator means now.
      if (!this.byId.has(k.id)) this.byId.set(k.id, k.key);
    }
  }

  get currentKeyId(): string {
    return this.keys.current.id;
  }

  /**
   * Seals `plain`. `context` is bound as additional authenticated data (e.g. "widget/application"), so a sealed
   * value copied to another account or part of the database does not unseal there.
   */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.keys.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      SEAL_FORMAT,
      this.keys.current.id,
      iv.toString("base64"),
      tag.toString("base64"),
      ct.toString("base64"),
    ].join(":");
  }

  unseal(sealed: string, context: string): string {
    const parts = sealed.split(":");
    if (parts.length !== 5 || parts[0] !== SEAL_FORMAT) {
      throw new StoreError(`a stored secret (${context}) is not in the sealed format ${SEAL_FORMAT}`);
    }
    const [, keyId, ivB64, tagB64, ctB64] = parts;
    const key = this.byId.get(keyId);
    if (!key) {
      throw new StoreError(
        `a stored secret (${context}) was sealed with key '${keyId}', which is not configured: ` +
          `add it to SECRET_KEYS_PREVIOUS as ${keyId}:<base64 key>`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivB64, "base64"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tagB64, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(ctB64, "base64")), decipher.final()]).toString("utf8");
    } catch (err) {
      throw new StoreError(
        `a stored secret (${context}) does not unseal with key '${keyId}': the key is wrong or the value was altered`,
        { cause: err },
      );
    }
  }

  /** The key id recorded in a sealed value. */
  static keyIdOf(sealed: string): string | undefined {
    const parts = sealed.split(":");
    return parts.length === 5 && parts[0] === SEAL_FORMAT ? parts[1] : undefined;
  }

  /** True when the value is sealed with another key than the current one and should be re-sealed on write. */
  isStale(sealed: string): boolean {
    return Sealer.keyIdOf(sealed) !== this.currentKeyId;
  }
}

/** True for a SQLite database that lives only in this process. */
export function isMemoryDatabase(path: string): boolean {
  return path === ":memory:" || path === "";
}

/**
 * The keys the store seals with. Configured keys win. Without them (SQLite only; readConfig refuses PostgreSQL
 * without SECRET_KEY) a key is generated beside the database file, with a warning on every start.
 * A generated key file found next to a database that now has SECRET_KEY is kept for reading, so switching to a
 * configured key loses nothing: old values are re-sealed with the configured key on their next write.
 */
export function loadSealingKeys(config: Pick<Config, "database" | "secretKeys">, logger: Logger): SealingKeys {
  const configured = config.secretKeys;
  if (config.database.kind === "postgres") {
    if (!configured) {
      throw new StoreError("SECRET_KEY is required with PostgreSQL: replicas must share one sealing key");
    }
    return configured;
  }
  const dbPath = config.database.path;
  if (isMemoryDatabase(dbPath)) {
    if (configured) return configured;
    logger.info("in-memory database: secrets are sealed with a key that lives only in this process");
    return { current: { id: "memory", key: randomBytes(32) }, previous: [] };
  }
  const path = keyFilePath(dbPath);
  if (configured) {
    const file = readKeyFile(path);
    const known = [configured.current, ...configured.previous].some((k) => k.id === file?.key.id);
    if (!file || known) return configured;
    logger.info(
      { keyFile: path, keyId: file.key.id },
      "also reading secrets sealed with the generated key file; they are re-sealed with SECRET_KEY on their next write",
    );
    return { current: configured.current, previous: [...configured.previous, file.key] };
  }
  const file = readOrCreateKeyFile(path);
  if (file.tightened)
    logger.warn({ keyFile: path }, "the sealing key file was readable by others; set its mode to 0600");
  logger.warn(
    { keyFile: path, keyId: file.key.id },
    `${file.created ? "generated a sealing key" : "sealing secrets with the generated key"} in ${path}: ` +
      "set SECRET_KEY (openssl rand -base64 32) for production, and keep the key file with the database until then",
  );
  return { current: file.key, previous: [] };
}
