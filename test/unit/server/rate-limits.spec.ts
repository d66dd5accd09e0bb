// Rate limits on the unauthenticated endpoints: per client address, only refused requests count, 429 with
// Retry-After, one log line per address and window; X-Forwarded-For counts only through TRUST_PROXY.
import { expect } from "chai";
import express from "express";
import { readConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/logger.js";
import { createApp } from "../../../src/server/app.js";
import { listen, type Listening } from "../../../src/server/listen.js";
import { MemoryStore } from "../../helpers/memory-store.js";
import {
  FakeAppInstances,
  providerEnvelope,
  RecordingQueue,
  rawRequest,
  startReceiver,
  strangerKey,
  type Receiver,
} from "../webhooks/harness.js";

const LIMIT_REACHED = "rate limit reached: refusing this address's requests until the minute is over";

describe("rate limits on unauthenticated endpoints", () => {
  describe("webhooks", () => {
    let r: Receiver;
    afterEach(async () => r?.close());

    const start = async (env: Record<string, string> = {}) => {
      r = await startReceiver({ env: { RATE_LIMIT_WEBHOOK_REFUSED_PER_MINUTE: "5", ...env } });
    };
    const forged = async (headers: Record<string, string> = {}, path = "/webhooks/4me") =>
      r.post(path, { jwt: await r.sign({ event: "app_instance.create" }, {}, await strangerKey()) }, headers);
    const valid = async () =>
      r.post("/webhooks/4me", {
        jwt: await r.sign({
          ...providerEnvelope("app_instance.create", {
            app_offering: { reference: "microsoft_intune" },
            customer_account_id: "widget",
          }),
        }),
      });

    it("answers 429 with Retry-After once an address had 5 refused requests in the minute, and logs it once", async () => {
      await start();
      for (let i = 0; i < 5; i++) expect((await forged()).status).to.equal(401);
      const limited = await forged();
      expect(limited.status).to.equal(429);
      const retryAfter = Number(limited.headers["retry-after"]);
      expect(retryAfter).to.be.within(1, 60);
      expect(limited.body?.message).to.equal("too many refused requests from this address; retry later");
      expect((await forged({}, "/webhooks/4me/customer?account=widget")).status).to.equal(429);
      expect(r.logs.filter((l) => l.msg === LIMIT_REACHED)).to.have.length(1);
    });

    it("does not count valid deliveries: 4me's own traffic never uses up the allowance", async () => {
      await start();
      for (let i = 0; i < 30; i++) expect((await valid()).status).to.equal(200);
      // Deliveries in flight count until answered (then they are given back): a burst below the limit passes.
      const burst = await Promise.all(Array.from({ length: 4 }, () => valid()));
      expect(burst.map((a) => a.status)).to.deep.equal([200, 200, 200, 200]);
      for (let i = 0; i < 5; i++) expect((await forged()).status).to.equal(401);
      expect((await forged()).status).to.equal(429);
    });

    it("ignores X-Forwarded-For without TRUST_PROXY: a client cannot pick its own address", async () => {
      await start();
      for (let i = 0; i < 5; i++) expect((await forged({ "x-forwarded-for": `203.0.113.${i}` })).status).to.equal(401);
      expect((await forged({ "x-forwarded-for": "203.0.113.99" })).status).to.equal(429);
    });

    it("with TRUST_PROXY=1 keys on the address the proxy saw, not on what the client prepended", async () => {
      await start({ TRUST_PROXY: "1" });
      // The test is the proxy (on loopback); the client is 198.51.100.7 and sends spoofed entries of its own.
      for (let i = 0; i < 5; i++) {
        expect((await forged({ "x-forwarded-for": `10.0.0.${i}, 198.51.100.7` })).status).to.equal(401);
      }
      expect((await forged({ "x-forwarded-for": "10.9.9.9, 198.51.100.7" })).status).to.equal(429);
      // Another client behind the same proxy still gets through.
      expect((await forged({ "x-forwarded-for": "198.51.100.8" })).status).to.equal(401);
    });

    it("is off at 0", async () => {
      await start({ RATE_LIMIT_WEBHOOK_REFUSED_PER_MINUTE: "0" });
      for (let i = 0; i < 8; i++) expect((await forged()).status).to.equal(401);
    });
  });

  describe("consent routes", () => {
    let server: Listening;
    let lines: { msg: string }[];

    beforeEach(async () => {
      lines = [];
      const consent = express.Router();
      // Stands in for the callback: 400 for a refused state, 200 for a good one.
      consent.all("/consent/callback", (req, res) => {
        res.status(req.query.state === "good" ? 200 : 400).send("page");
      });
      const app = createApp({
        config: readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc", RATE_LIMIT_CONSENT_REFUSED_PER_MINUTE: "3" }),
        store: new MemoryStore(),
        logger: createLogger("info", { write: (l: string) => void lines.push(JSON.parse(l)) }),
        queue: new RecordingQueue(),
        appInstances: new FakeAppInstances(),
        routers: [consent],
      });
      server = await listen(app);
    });
    afterEach(async () => server.close());

    const call = (path: string, method = "GET") => rawRequest(`${server.url}${path}`, { method });

    it("limits refused GET and POST callbacks and any /consent/* route per address; good ones do not count", async () => {
      for (let i = 0; i < 10; i++) expect((await call("/consent/callback?state=good")).status).to.equal(200);
      expect((await call("/consent/callback?state=forged")).status).to.equal(400);
      expect((await call("/consent/callback?state=forged", "POST")).status).to.equal(400);
      expect((await call("/consent/elsewhere")).status).to.equal(404);
      const limited = await call("/consent/callback?state=good");
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers["retry-after"])).to.be.within(1, 60);
      expect(lines.filter((l) => l.msg === LIMIT_REACHED)).to.have.length(1);
      // Other endpoints are not limited by it.
      expect((await call("/healthz")).status).to.equal(200);
    });
  });

  describe("TRUST_PROXY", () => {
    const base = { FOURME_PROVIDER_ACCOUNT: "wdc" };
    it("is off by default, and takes a hop count or proxy addresses, never true", () => {
      expect(readConfig(base).trustProxy).to.equal(false);
      expect(readConfig({ ...base, TRUST_PROXY: "false" }).trustProxy).to.equal(false);
      expect(readConfig({ ...base, TRUST_PROXY: "2" }).trustProxy).to.equal(2);
      expect(
        readConfig({ ...base, TRUST_PROXY: "loopback, 10.0.0.0/8, fd00::/8, 192.0.2.1" }).trustProxy,
      ).to.deep.equal(["loopback", "10.0.0.0/8", "fd00::/8", "192.0.2.1"]);
      for (const bad of ["true", "11", "10.0.0.0/33", "proxy.example", "10.0.0.1/8/1", ""]) {
        if (bad === "") continue; // empty is unset
        expect(() => readConfig({ ...base, TRUST_PROXY: bad }), bad).to.throw(/^configuration: TRUST_PROXY is invalid/);
      }
    });

    it("takes the limits per minute, 0 switching one off", () => {
      expect(readConfig(base).rateLimits).to.deep.equal({ webhookRefusedPerMinute: 600, consentRefusedPerMinute: 60 });
      expect(() => readConfig({ ...base, RATE_LIMIT_CONSENT_REFUSED_PER_MINUTE: "-1" })).to.throw(
        /RATE_LIMIT_CONSENT_REFUSED_PER_MINUTE is invalid/,
      );
    });
  });
});
