// Shared pieces of the Intune unit tests: fixtures shaped like test/fixtures/reference/graph-examples, a fake clock,
// a log capture and a GraphHttp wired to them.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, type Logger } from "../../../src/logger.js";
import { DEFAULT_BACKOFF } from "../../../src/intune/backoff.js";
import { GraphHttp } from "../../../src/intune/graph-http.js";
import { TenantThrottle } from "../../../src/intune/throttle.js";

const HERE = dirname(fileURLToPath(import.meta.url));

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(resolve(HERE, "fixtures", name), "utf8")) as T;
}

export const GRAPH = "https://graph.microsoft.com";
export const TENANT = "4c1f0a2e-8d3b-4f6a-9e2d-7b5c1a9f3e10";

/** Records every wait instead of waiting; time moves forward by what was slept. */
export class FakeClock {
  sleeps: number[] = [];
  t = Date.parse("2025-06-02T08:00:00Z");
  now = () => this.t;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}

export interface CapturedLog {
  logger: Logger;
  lines: Record<string, unknown>[];
}

export function captureLog(level = "debug"): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

export function testHttp(
  opts: { clock?: FakeClock; logger?: Logger; tokens?: { forceRefresh: boolean }[]; graphUrl?: string } = {},
) {
  const clock = opts.clock ?? new FakeClock();
  const tokenCalls = opts.tokens ?? [];
  const http = new GraphHttp({
    graphUrl: opts.graphUrl ?? GRAPH,
    tenantId: TENANT,
    token: async (o) => {
      tokenCalls.push(o);
      return `token-${tokenCalls.length}`;
    },
    throttle: new TenantThrottle(),
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    backoff: DEFAULT_BACKOFF,
    logger: opts.logger,
  });
  return { http, clock, tokenCalls };
}

/** A v1.0 page of `n` synthetic devices shaped like the select fixture's first device. */
export function syntheticPage(from: number, n: number, nextLink?: string) {
  const template = fixture<{ value: Record<string, unknown>[] }>("managedDevices-v1.0-select-page.json").value[0];
  const value = Array.from({ length: n }, (_, i) => ({
    ...template,
    id: `00000000-0000-4000-8000-${String(from + i).padStart(12, "0")}`,
    deviceName: `DEV-${from + i}`,
  }));
  return { value, ...(nextLink ? { "@odata.nextLink": nextLink } : {}) };
}
