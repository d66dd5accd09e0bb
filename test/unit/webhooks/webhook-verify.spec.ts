import { expect } from "chai";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { makeKey } from "../../helpers/jwt.js";
import { providerEnvelope, startReceiver, type Receiver } from "./harness.js";

/** A loopback HTTP server that records the requests it gets. */
async function recordingServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("webhook receiver: webhook.verify", () => {
  describe("against a loopback 4me (account URL http://127.0.0.1:PORT/{account})", () => {
    let fourMe: Awaited<ReturnType<typeof recordingServer>>;
    let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
    let r: Receiver;
    let accountUrl: string;

    before(async () => {
      elsewhere = await recordingServer((_req, res) => res.end("ok"));
      fourMe = await recordingServer((req, res) => {
        if (req.url?.startsWith("/wdc/webhooks/7/verify")) res.end("verified");
        else if (req.url?.startsWith("/wdc/redirect")) {
          res.writeHead(302, { location: `${elsewhere.origin}/stolen` }).end();
        } else res.writeHead(500).end();
      });
    });
    after(async () => {
      await fourMe.close();
      await elsewhere.close();
    });
    beforeEach(async () => {
      fourMe.seen.length = 0;
      elsewhere.seen.length = 0;
      r = await startReceiver({ env: { FOURME_ACCOUNT_URL_TEMPLATE: `${fourMe.origin}/{account}` } });
      accountUrl = `${fourMe.origin}/wdc`;
    });
    afterEach(async () => {
      await r.close();
    });

    const verify = async (callback: unknown) =>
      r.post("/webhooks/4me", {
        jwt: await r.sign(providerEnvelope("webhook.verify", { callback }), { issuer: accountUrl }),
      });

    it("GETs a callback on the issuing account's own URL and answers 200", async () => {
      const answer = await verify(`${accountUrl}/webhooks/7/verify?code=abc&expires_at=1748865600`);
      expect(answer.status).to.equal(200);
      expect(answer.body?.message).to.equal("webhook verified");
      expect(fourMe.seen).to.deep.equal(["GET /wdc/webhooks/7/verify?code=abc&expires_at=1748865600"]);
    });

    it("refuses a callback on another host or port with 400, fetches nothing and stores nothing", async () => {
      const answer = await verify(`${elsewhere.origin}/wdc/webhooks/7/verify?code=abc`);
      expect(answer.status).to.equal(400);
      expect(answer.body?.message).to.match(
        /^callback refused: http:\/\/127\.0\.0\.1:\d+ is not the account's own host$/,
      );
      expect(elsewhere.seen).to.deep.equal([]);
      expect(r.store.isEmpty()).to.equal(true);
      expect(r.logs).to.have.length(1);
      expect(r.logs[0].msg).to.equal("webhook rejected");
    });

    it("refuses a callback under another account's path on the same host", async () => {
      for (const callback of [
        `${fourMe.origin}/other/webhooks/7/verify`,
        `${fourMe.origin}/wdcx/webhooks/7/verify`,
        `${fourMe.origin}/wdc/../other/verify`,
        `${fourMe.origin}/`,
      ]) {
        expect((await verify(callback)).status, callback).to.equal(400);
      }
      expect(fourMe.seen).to.deep.equal([]);
    });

    it("refuses callbacks with credentials, other schemes, or no URL at all", async () => {
      const withUser = accountUrl.replace("http://", "http://user:pw@");
      for (const callback of [`${withUser}/webhooks/7/verify`, "file:///etc/passwd", "not a url", 42, undefined]) {
        expect((await verify(callback)).status, String(callback)).to.equal(400);
      }
      expect(fourMe.seen).to.deep.equal([]);
    });

    it("does not follow a redirect from the callback: 502, and the target sees nothing", async () => {
      const answer = await verify(`${accountUrl}/redirect`);
      expect(answer.status).to.equal(502);
      expect(answer.body?.message).to.equal("callback GET answered 302");
      expect(elsewhere.seen).to.deep.equal([]);
    });

    it("answers 502 when the callback fails, leaving no replay record so 4me's retry is processed", async () => {
      const jwt = await r.sign(providerEnvelope("webhook.verify", { callback: `${accountUrl}/broken` }), {
        issuer: accountUrl,
      });
      expect((await r.post("/webhooks/4me", { jwt }, { "x-4me-delivery": "v-1" })).status).to.equal(502);
      expect(r.store.isEmpty()).to.equal(true);
      expect((await r.post("/webhooks/4me", { jwt }, { "x-4me-delivery": "v-1" })).status).to.equal(502);
      expect(fourMe.seen).to.deep.equal(["GET /wdc/broken", "GET /wdc/broken"]);
    });
  });

  describe("with the real 4me hosts (fetch injected)", () => {
    let r: Receiver;
    const fetched: string[] = [];
    let fail: Error | undefined;
    const fakeFetch = (async (url: URL | string, init?: RequestInit) => {
      expect(init?.redirect).to.equal("manual");
      expect(init?.signal).to.be.instanceOf(AbortSignal);
      if (fail) throw fail;
      fetched.push(String(url));
      return new Response("ok", { status: 200 });
    }) as typeof fetch;

    beforeEach(async () => {
      fetched.length = 0;
      fail = undefined;
      r = await startReceiver({ fetch: fakeFetch });
    });
    afterEach(async () => {
      await r.close();
    });

    const verify = async (callback: string, issuer = "https://wdc.4me.com") =>
      r.post("/webhooks/4me", { jwt: await r.sign(providerEnvelope("webhook.verify", { callback }), { issuer }) });

    it("fetches callbacks on the account's 4me and Xurrent hosts", async () => {
      expect((await verify("https://wdc.4me.com/webhooks/7/verify?code=a")).status).to.equal(200);
      expect((await verify("https://wdc.xurrent.com/webhooks/7/verify?code=b")).status).to.equal(200);
      expect(fetched).to.deep.equal([
        "https://wdc.4me.com/webhooks/7/verify?code=a",
        "https://wdc.xurrent.com/webhooks/7/verify?code=b",
      ]);
    });

    it("refuses look-alike hosts, plain http and metadata addresses", async () => {
      for (const callback of [
        "https://wdc.4me.com.evil.example/verify",
        "https://evil.example/?https://wdc.4me.com",
        "http://wdc.4me.com/webhooks/7/verify",
        "https://wdc.4me.com:8443/webhooks/7/verify",
        "https://other.4me.com/webhooks/7/verify",
        "http://169.254.169.254/latest/meta-data/",
      ]) {
        expect((await verify(callback)).status, callback).to.equal(400);
      }
      expect(fetched).to.deep.equal([]);
    });

    it("answers 502 when the callback GET times out", async () => {
      fail = new DOMException("The operation was aborted due to timeout", "TimeoutError");
      const answer = await verify("https://wdc.4me.com/webhooks/7/verify?code=a");
      expect(answer.status).to.equal(502);
      expect(answer.body?.message).to.equal("callback GET timed out");
    });

    it("on the customer endpoint, fetches only the customer account's own host", async () => {
      const key = await makeKey("ES256");
      await r.store.mergeSecrets("widget", { policy: { algorithm: "ES256", public_key: key.publicKeyPem } });
      const send = async (callback: string) =>
        r.post("/webhooks/4me/customer?account=widget", {
          jwt: await r.sign(
            { ...providerEnvelope("webhook.verify", { callback }), account_id: "widget" },
            { issuer: "https://widget.4me.com" },
            key,
          ),
        });
      expect((await send("https://wdc.4me.com/webhooks/9/verify")).status).to.equal(400);
      expect((await send("https://widget.4me.com/webhooks/9/verify?code=c")).status).to.equal(200);
      expect(fetched).to.deep.equal(["https://widget.4me.com/webhooks/9/verify?code=c"]);
    });
  });
});
