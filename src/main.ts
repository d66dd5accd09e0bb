// `serve` and `sync`: read the configuration, build the connector, and run it until SIGTERM.
import { readConfig } from "./config.js";
import { buildConnector } from "./connector.js";
import { createLogger } from "./logger.js";
import { listen } from "./server/listen.js";

export async function serve(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const connector = await buildConnector(config, logger);
  const server = await listen(connector.app, { port: config.port, host: config.host });
  logger.info({ url: server.url, publicUrl: config.publicUrl, store: connector.store.kind }, "connector listening");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Stop taking webhooks first, then let running jobs finish (or be released to another replica), then exit.
    logger.info({ signal }, "shutting down");
    await server.close();
    await connector.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

export async function syncOnce(account: string): Promise<boolean> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const connector = await buildConnector(config, logger, { scheduler: false });
  try {
    const result = await connector.syncNow(account, "cli");
    if (result.skipped) logger.warn({ account, skipped: result.skipped }, "sync not run");
    return result.run?.status === "succeeded";
  } finally {
    await connector.stop();
  }
}
