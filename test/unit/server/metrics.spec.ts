// GET /metrics on a connector built by buildConnector against the sandbox (embedded mode): what a sync, its 4me
// and Graph requests, and the webhooks did shows in the Prometheus text. The metrics are served on their own
// listener (src/server/metrics-listener.ts), never on the public one.
import { expect } from "chai";
import { generateFleet } from "../../../src/sandbox/fleet/generate.js";
import { listen, type Listening } from "../../../src/server/listen.js";
import { createMetrics, requestOutcome } from "../../../src/server/metrics.js";
import { createMetricsApp } from "../../../src/server/metrics-listener.js";
import { BASE_FORM, startTestSandbox, type Sandbox } from "../../e2e/helpers/sandbox.js";

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

describe("metrics", function () {
  this.timeout(30_000);

  describe("GET /metrics on a connector", () => {
    let sb: Sandbox;
    let metricsServer: Listening;
    let text: string;

    before(async () => {
      sb = await startTestSandbox({ fleet: generateFleet({ seed: 5, size: 40 }) });
      metricsServer = await listen(createMetricsApp(sb.connector.metrics));
      await sb.setup({ fields: BASE_FORM });
      const res = await fetch(`${metricsServer.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/plain/);
      text = await res.text();
    });
    after(async () => {
      await metricsServer?.close();
      await sb?.close();
    });

    it("answers 404 for /metrics on the public listener", async () => {
      const res = await fetch(`${sb.url}/metrics`);
      expect(res.status).to.equal(404);
      expect(await res.text()).not.to.include("connector_");
    });

    it("counts the syncs that ran (consent, form save), and the devices they saw and wrote", async () => {
      const runs = await sb.runs(10);
      expect(runs.length).to.be.greaterThan(0);
      const sum = (k: string) => runs.reduce((n, r) => n + (r.counts[k] ?? 0), 0);
      for (const status of new Set(runs.map((r) => r.status))) {
        const n = runs.filter((r) => r.status === status).length;
        expect(sample(text, "connector_syncs_total", `outcome="${status}"`)).to.equal(n);
      }
      expect(sample(text, "connector_devices_seen_total")).to.equal(sum("seen"));
      expect(sum("created")).to.be.greaterThan(0);
      expect(sample(text, "connector_devices_written_total", 'action="created"')).to.equal(sum("created"));
    });

    it("counts 4me and Graph requests by outcome", () => {
      expect(sample(text, "connector_upstream_requests_total", 'upstream="fourme",outcome="2xx"')).to.be.greaterThan(0);
      expect(sample(text, "connector_upstream_requests_total", 'upstream="graph",outcome="2xx"')).to.be.greaterThan(0);
    });

    it("times the webhook deliveries by status, and reports the queue", () => {
      // install, form saves: every delivery 4me made to the connector answered 2xx and was timed.
      expect(sample(text, "connector_webhook_duration_seconds_count", 'status="200"')).to.be.greaterThan(0);
      expect(sample(text, "connector_queue_depth")).to.equal(0);
      expect(sample(text, "connector_jobs_running")).to.equal(0);
    });

    it("does not time requests outside the webhook routes", async () => {
      await (await fetch(`${sb.url}/healthz`)).arrayBuffer();
      const after = await (await fetch(`${metricsServer.url}/metrics`)).text();
      const count = (t: string) =>
        t
          .split("\n")
          .filter((l) => l.startsWith("connector_webhook_duration_seconds_count"))
          .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
      expect(count(after)).to.equal(count(text));
    });
  });

  describe("createMetrics", () => {
    it("labels request outcomes by status class, 429 apart", () => {
      expect([200, 302, 404, 429, 503].map(requestOutcome)).to.deep.equal(["2xx", "3xx", "4xx", "throttled", "5xx"]);
    });

    it("counts a failed fetch as a network error and rethrows it", async () => {
      const metrics = createMetrics();
      const failing = metrics.countingFetch("graph", async () => {
        throw new TypeError("fetch failed");
      });
      let thrown: unknown;
      await failing("http://127.0.0.1:9/").catch((e) => (thrown = e));
      expect(thrown).to.be.instanceOf(TypeError);
      const text = await metrics.registry.metrics();
      expect(sample(text, "connector_upstream_requests_total", 'upstream="graph",outcome="network_error"')).to.equal(1);
    });

    it("records a sync that threw, and a skipped one, by outcome", async () => {
      const metrics = createMetrics();
      metrics.recordSync(undefined, new Error("boom"));
      metrics.recordSync({ skipped: "already_running" });
      const text = await metrics.registry.metrics();
      expect(sample(text, "connector_syncs_total", 'outcome="error"')).to.equal(1);
      expect(sample(text, "connector_syncs_total", 'outcome="skipped_already_running"')).to.equal(1);
    });
  });
});
