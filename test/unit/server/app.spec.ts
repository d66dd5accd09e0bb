import { expect } from "chai";
import express from "express";
import { readConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/logger.js";
import { createApp } from "../../../src/server/app.js";
import { listen, type Listening } from "../../../src/server/listen.js";
import { MemoryStore } from "../../helpers/memory-store.js";
import { FakeAppInstances, RecordingQueue, rawRequest } from "../webhooks/harness.js";

describe("createApp", () => {
  let store: MemoryStore;
  let server: Listening;
  let lines: { msg: string; err?: string }[];

  beforeEach(async () => {
    store = new MemoryStore();
    lines = [];
    const consent = express.Router();
    consent.get("/consent/callback", (_req, res) => {
      res.type("html").send("<p>connected</p>");
    });
    consent.get("/boom", () => {
      throw new Error("consent state table missing");
    });
    const app = createApp({
      config: readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc" }),
      store,
      logger: createLogger("info", { write: (l: string) => void lines.push(JSON.parse(l)) }),
      queue: new RecordingQueue(),
      appInstances: new FakeAppInstances(),
      routers: [consent],
    });
    server = await listen(app);
  });
  afterEach(async () => {
    await server.close();
  });

  const get = (path: string) => rawRequest(`${server.url}${path}`, { method: "GET" });

  it("listens on an ephemeral loopback port", () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).to.be.greaterThan(0);
  });

  it("answers /healthz with 200, even when the store is down", async () => {
    store.failing.add("*");
    const answer = await get("/healthz");
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({ status: "ok" });
  });

  it("answers /readyz with 200 while the store answers and 503 when it does not", async () => {
    expect((await get("/readyz")).status).to.equal(200);
    store.failing.add("ping");
    const down = await get("/readyz");
    expect(down.status).to.equal(503);
    expect(down.body).to.deep.equal({ status: "store unreachable" });
    expect(lines.map((l) => l.msg)).to.deep.equal(["readiness: store unreachable"]);
  });

  it("mounts the routers it is given", async () => {
    const answer = await get("/consent/callback");
    expect(answer.status).to.equal(200);
    expect(answer.text).to.equal("<p>connected</p>");
  });

  it("mounts the webhook endpoints", async () => {
    expect((await get("/webhooks/4me")).status).to.equal(405);
  });

  it("answers unknown paths with 404 and no framework banner", async () => {
    const answer = await get("/nope");
    expect(answer.status).to.equal(404);
    expect(answer.body).to.deep.equal({ message: "not found" });
    expect(answer.headers["x-powered-by"]).to.equal(undefined);
  });

  it("turns an error in a mounted router into a plain 500 and one log line", async () => {
    const answer = await get("/boom");
    expect(answer.status).to.equal(500);
    expect(answer.text).not.to.include("consent state table");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ msg: "request failed", err: "consent state table missing" });
  });
});
