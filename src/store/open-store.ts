// Start-up: the store the configuration names, with its sealing keys loaded and its migrations applied.
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { loadSealingKeys, type SealingKeys } from "./seal.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Now } from "./time.js";
import type { InstanceStore } from "./types.js";

export async function openStore(
  config: Pick<Config, "database" | "secretKeys">,
  logger: Logger,
  options: {
    now?: Now;
    /** Keys the caller already loaded (it uses them for more than the store). */
    keys?: SealingKeys;
  } = {},
): Promise<InstanceStore> {
  const keys = options.keys ?? loadSealingKeys(config, logger);
  const db = config.database;
  const store: InstanceStore =
    db.kind === "postgres"
      ? new PostgresStore({ pool: { connectionString: db.url }, keys, logger, now: options.now })
      : new SqliteStore({ path: db.path, keys, logger, now: options.now });
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  logger.info({ store: store.kind }, "instance store ready");
  return store;
}
