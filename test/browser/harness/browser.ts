// Launches Debian's chromium for the browser tests. Without chromium the tests skip with a visible notice, except
// in CI (CI=true), where a missing browser is a failure: .ci/run installs it.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Whether the tests can run; throws in CI when they cannot, so a missing browser never passes silently. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === "true") {
    throw new Error(`chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH); browser tests must run in CI`);
  }
  console.warn(`\n  NOTICE: browser tests skipped: chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)\n`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  // A fresh profile per run: launchPersistentContext passes it to chromium as --user-data-dir.
  const profile = await mkdtemp(join(tmpdir(), "intune-browser-test-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    locale: "en-US",
    timezoneId: "UTC",
    viewport: { width: 920, height: 900 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
