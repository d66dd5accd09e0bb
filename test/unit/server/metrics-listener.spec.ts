// The metrics listener: GET /metrics only, on its own port (loopback by default), behind a bearer token when
// METRICS_TOKEN is set.
import { expect } from "chai";
import { readConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/logger.js";
import type { Listening } from "../../../src/server/listen.js";
import { createMetrics } from "../../../src/server/metrics.js";
import { listenMetrics } from "../../../src/server/metrics-listener.js";

const base = { FOURME_PROVIDER_ACCOUNT: "wdc" };

describe("metrics listener", () => {
  let server: Listening | undefined;
  let lines: { msg: string; host?: string }[];
  const logger = () => createLogger("info", { write: (l: string) => void lines.push(JSON.parse(l)) });
  beforeEach(() => {
    lines = [];
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("is configured apart from the public listener: 127.0.0.1:9464 by default", () => {
    expect(readConfig(base).metrics).to.deep.equal({ port: 9464, host: "127.0.0.1", token: undefined });
    const c = readConfig({ ...base, METRICS_PORT: "9100", METRICS_HOST: "0.0.0.0", METRICS_TOKEN: "t".repeat(32) });
    expect(c.metrics).to.deep.equal({ port: 9100, host: "0.0.0.0", token: "t".repeat(32) });
    expect(() => readConfig({ ...base, METRICS_TOKEN: "short" })).to.throw(/METRICS_TOKEN is invalid/);
    expect(() => readConfig({ ...base, METRICS_PORT: "x" })).to.throw(/METRICS_PORT is invalid/);
  });

  it("serves GET /metrics on loopback and nothing else", async () => {
    const settings = readConfig({ ...base, METRICS_PORT: "0" }).metrics;
    server = await listenMetrics(createMetrics(), settings, logger());
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.include("connector_syncs_total");
    expect((await fetch(`${server.url}/webhooks/4me`, { method: "POST" })).status).to.equal(404);
    expect((await fetch(`${server.url}/healthz`)).status).to.equal(404);
  });

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const token = "s3cret-metrics-token-0123456789";
    const settings = readConfig({ ...base, METRICS_PORT: "0", METRICS_TOKEN: token }).metrics;
    server = await listenMetrics(createMetrics(), settings, logger());
    const get = (authorization?: string) =>
      fetch(`${server!.url}/metrics`, { headers: authorization ? { authorization } : {} });
    for (const wrong of [undefined, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, token, `Basic ${token}`]) {
      const res = await get(wrong);
      expect(res.status, String(wrong)).to.equal(401);
      expect(res.headers.get("www-authenticate")).to.match(/^Bearer/);
    }
    expect((await get(`Bearer ${token}`)).status).to.equal(200);
    expect(JSON.stringify(lines)).not.to.include(token);
  });

  it("warns when it listens beyond loopback without a token", async () => {
    server = await listenMetrics(createMetrics(), { port: 0, host: "0.0.0.0" }, logger());
    expect(lines.map((l) => l.msg)).to.include(
      "metrics listener on a non-loopback address without METRICS_TOKEN: whoever reaches it reads the metrics",
    );
  });
});
