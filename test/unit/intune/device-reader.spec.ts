import { expect } from "chai";
import nock from "nock";
import type { ParsedUrlQuery } from "node:querystring";
import { Readable } from "node:stream";
import { AuthorizationError, RateLimitError, UpstreamError } from "../../../src/errors.js";
import { BETA_DEVICE_SELECT, V1_DEVICE_SELECT } from "../../../src/intune/device-json.js";
import { readDevices, type DevicePage } from "../../../src/intune/device-reader.js";
import { captureLog, fixture, GRAPH, syntheticPage, TENANT, testHttp } from "./helpers.js";

const PATH = "/v1.0/deviceManagement/managedDevices";
const BETA_PATH = "/beta/deviceManagement/managedDevices";
const v1Page = () =>
  fixture<Record<string, unknown> & { value: Record<string, unknown>[] }>("managedDevices-v1.0-select-page.json");
const betaPage = () => fixture<{ value: Record<string, unknown>[] }>("managedDevices-beta-select-page.json");
const v1Query = (q: ParsedUrlQuery) => q.$select === V1_DEVICE_SELECT.join(",") && q.$top === "1000";
const betaQuery = (q: ParsedUrlQuery) => q.$select === BETA_DEVICE_SELECT.join(",") && q.$top === "1000";

async function collect(it: AsyncIterable<DevicePage>): Promise<DevicePage[]> {
  const pages: DevicePage[] = [];
  for await (const p of it) pages.push(p);
  return pages;
}

describe("readDevices", () => {
  it("asks v1.0 for an explicit $select with 1000 per page and follows @odata.nextLink to the end", async () => {
    const { http } = testHttp();
    const next = `${GRAPH}${PATH}?$select=${V1_DEVICE_SELECT.join(",")}&$top=1000&$skiptoken=LastDeviceId%3d%27x%27`;
    const first = { ...v1Page(), "@odata.nextLink": next };
    nock(GRAPH).get(PATH).query(v1Query).reply(200, first);
    nock(GRAPH)
      .get(PATH)
      .query((q) => v1Query(q) && q.$skiptoken === "LastDeviceId='x'")
      .reply(200, syntheticPage(100, 3));

    const pages = await collect(readDevices(http, { beta: false }));

    expect(pages.map((p) => p.devices.length)).to.deep.equal([4, 3]);
    expect(pages[0].reportedTotal).to.equal(1873);
    expect(pages[1].reportedTotal).to.equal(undefined);
    const laptop = pages[0].devices[0];
    expect(laptop).to.include({
      tenantId: TENANT,
      id: "b3f7c2a1-5e4d-4c8b-9a6f-2d1e0c9b8a74",
      deviceName: "CON-LT-0142",
      complianceState: "noncompliant",
      managedDeviceOwnerType: "company",
      totalStorageSpaceInBytes: 254721834496,
      isEncrypted: false,
    });
    expect(laptop).not.to.have.property("joinType");
    expect(nock.isDone()).to.equal(true);
  });

  it("merges the beta-only fields by id, whatever their order within the beta page", async () => {
    const { http } = testHttp();
    const { "@odata.nextLink": _next, ...lastPage } = v1Page();
    nock(GRAPH).get(PATH).query(v1Query).reply(200, lastPage);
    const beta = betaPage();
    beta.value.reverse();
    nock(GRAPH).get(BETA_PATH).query(betaQuery).reply(200, beta);

    const [page] = await collect(readDevices(http));

    expect(page.beta).to.equal(true);
    const byId = new Map(page.devices.map((d) => [d.id, d]));
    expect(byId.get("b3f7c2a1-5e4d-4c8b-9a6f-2d1e0c9b8a74")).to.include({
      joinType: "azureADJoined",
      skuFamily: "Enterprise",
      skuNumber: 4,
      chassisType: "laptop",
      deviceType: "windowsRT",
    });
    expect(byId.get("e1a94d27-3c6b-4f80-b2d5-9f7a0c1e6b38")).to.include({ deviceType: "iPhone", chassisType: "phone" });
  });

  it("merges beta pages that do not line up with the v1.0 pages", async () => {
    const { http } = testHttp();
    const v1Next = `${GRAPH}${PATH}?$skiptoken=v2`;
    nock(GRAPH)
      .get(PATH)
      .query(v1Query)
      .reply(200, syntheticPage(0, 3, v1Next));
    nock(GRAPH).get(PATH).query({ $skiptoken: "v2" }).reply(200, syntheticPage(3, 3));
    const betaOf = (from: number, n: number, next?: string) => ({
      value: syntheticPage(from, n).value.map((d) => ({ id: d.id, joinType: `join-${d.deviceName}` })),
      ...(next ? { "@odata.nextLink": `${GRAPH}${BETA_PATH}?$skiptoken=${next}` } : {}),
    });
    nock(GRAPH)
      .get(BETA_PATH)
      .query(betaQuery)
      .reply(200, betaOf(0, 2, "b2"));
    nock(GRAPH)
      .get(BETA_PATH)
      .query({ $skiptoken: "b2" })
      .reply(200, betaOf(2, 2, "b3"));
    nock(GRAPH).get(BETA_PATH).query({ $skiptoken: "b3" }).reply(200, betaOf(4, 2));

    const pages = await collect(readDevices(http));

    const joins = pages.flatMap((p) => p.devices.map((d) => d.joinType));
    expect(joins).to.deep.equal(["DEV-0", "DEV-1", "DEV-2", "DEV-3", "DEV-4", "DEV-5"].map((n) => `join-${n}`));
    expect(pages.every((p) => p.beta)).to.equal(true);
  });

  it("goes on without the beta fields when beta fails, and says so once", async () => {
    const log = captureLog("warn");
    const { http } = testHttp({ logger: log.logger });
    const next = `${GRAPH}${PATH}?$select=${V1_DEVICE_SELECT.join(",")}&$top=1000&$skiptoken=p2`;
    nock(GRAPH)
      .get(PATH)
      .query(v1Query)
      .reply(200, syntheticPage(0, 2, next));
    nock(GRAPH).get(PATH).query(true).reply(200, syntheticPage(2, 2));
    nock(GRAPH)
      .get(BETA_PATH)
      .query(true)
      .reply(400, { error: { code: "BadRequest", message: "Resource not found for the segment 'joinType'." } });

    const pages = await collect(readDevices(http, { logger: log.logger }));

    expect(pages.map((p) => [p.devices.length, p.beta])).to.deep.equal([
      [2, false],
      [2, false],
    ]);
    expect(pages[1].devices[0]).not.to.have.property("joinType");
    const warnings = log.lines.filter((l) => String(l.msg).includes("beta device fields unavailable"));
    expect(warnings).to.have.length(1);
  });

  it("waits what Retry-After says on a 429, then reads on", async () => {
    const { http, clock } = testHttp();
    nock(GRAPH)
      .get(PATH)
      .query(true)
      .reply(429, fixture("error-429.json"), { "Retry-After": "10" })
      .get(PATH)
      .query(true)
      .reply(200, syntheticPage(0, 1));

    const pages = await collect(readDevices(http, { beta: false }));

    expect(pages[0].devices).to.have.length(1);
    expect(clock.sleeps).to.deep.equal([10_000]);
  });

  it("backs off exponentially with jitter when a 429 carries no Retry-After", async () => {
    const { http, clock } = testHttp();
    nock(GRAPH)
      .get(PATH)
      .query(true)
      .times(3)
      .reply(429, fixture("error-429.json"))
      .get(PATH)
      .query(true)
      .reply(200, syntheticPage(0, 1));

    await collect(readDevices(http, { beta: false }));

    // random() is 0.5: half the step plus a quarter of it; steps 1 s, 2 s, 4 s.
    expect(clock.sleeps).to.deep.equal([750, 1500, 3000]);
  });

  it("retries 503 and 504 a bounded number of times, then fails with UpstreamError", async () => {
    const { http, clock } = testHttp();
    nock(GRAPH).get(PATH).query(true).reply(504).get(PATH).query(true).times(5).reply(503, "busy");

    const err = await collect(readDevices(http, { beta: false })).catch((e: unknown) => e);

    expect(err).to.be.instanceOf(UpstreamError);
    expect((err as UpstreamError).status).to.equal(503);
    expect(clock.sleeps).to.have.length(5);
    expect(nock.isDone()).to.equal(true);
  });

  it("gives up with RateLimitError rather than wait out an hour-long Retry-After", async () => {
    const { http, clock } = testHttp();
    nock(GRAPH).get(PATH).query(true).reply(429, fixture("error-429.json"), { "Retry-After": "3600" });

    const err = await collect(readDevices(http, { beta: false })).catch((e: unknown) => e);

    expect(err).to.be.instanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).to.equal(3_600_000);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("fails with AuthorizationError('graph') on a 401 that a fresh token does not cure (consent revoked)", async () => {
    const tokens: { forceRefresh: boolean }[] = [];
    const { http, clock } = testHttp({ tokens });
    const denied = { error: { code: "InvalidAuthenticationToken", message: "Access token validation failure." } };
    nock(GRAPH).get(PATH).query(true).times(2).reply(401, denied, { "request-id": "r-1" });

    const err = await collect(readDevices(http, { beta: false })).catch((e: unknown) => e);

    expect(err).to.be.instanceOf(AuthorizationError);
    expect((err as AuthorizationError).service).to.equal("graph");
    expect((err as Error).message)
      .to.include("401")
      .and.include("InvalidAuthenticationToken")
      .and.include("r-1");
    expect(tokens).to.deep.equal([{ forceRefresh: false }, { forceRefresh: true }]);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("fails at once on a 403 (permission missing), without retrying", async () => {
    const { http } = testHttp();
    nock(GRAPH)
      .get(PATH)
      .query(true)
      .once()
      .reply(403, {
        error: { code: "Forbidden", message: "Application is not authorized to perform this operation." },
      });

    const err = await collect(readDevices(http, { beta: false })).catch((e: unknown) => e);

    expect(err).to.be.instanceOf(AuthorizationError);
    expect(nock.isDone()).to.equal(true);
  });

  it("reads a page that arrives in small pieces, cut inside records and inside multi-byte characters", async () => {
    const { http } = testHttp();
    const page = syntheticPage(0, 5);
    (page.value[3] as Record<string, unknown>).userDisplayName = "Zoë Ångström 東京 😀";
    const bytes = Buffer.from(JSON.stringify(page));
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    nock(GRAPH)
      .get(PATH)
      .query(v1Query)
      .reply(200, () => Readable.from(pieces), { "content-type": "application/json" });

    const pages = await collect(readDevices(http, { beta: false }));

    expect(pages.map((p) => p.devices.map((d) => d.deviceName))).to.deep.equal([page.value.map((d) => d.deviceName)]);
    expect(pages[0].devices[3].userDisplayName).to.equal("Zoë Ångström 東京 😀");
  });

  it("fails with UpstreamError, yielding nothing of the page, when a page's body breaks off mid-record", async () => {
    const { http } = testHttp();
    const text = JSON.stringify(syntheticPage(0, 3));
    nock(GRAPH)
      .get(PATH)
      .query(v1Query)
      .reply(200, text.slice(0, Math.floor(text.length * 0.6)));

    const seen: DevicePage[] = [];
    const err = await (async () => {
      for await (const p of readDevices(http, { beta: false })) seen.push(p);
    })().catch((e: unknown) => e);

    expect(err).to.be.instanceOf(UpstreamError);
    expect((err as Error).message).to.include("not JSON");
    expect(seen).to.deep.equal([]);
  });

  it("skips records without an id with a reason and nulls values of the wrong type", async () => {
    const { http } = testHttp();
    const page = syntheticPage(0, 2);
    page.value.push({ deviceName: "no id" } as never);
    page.value[1] = { ...page.value[1], isEncrypted: "yes", totalStorageSpaceInBytes: "1024", deviceName: 42 } as never;
    nock(GRAPH).get(PATH).query(true).reply(200, page);

    const [out] = await collect(readDevices(http, { beta: false }));

    expect(out.devices).to.have.length(2);
    expect(out.skipped).to.deep.equal([{ reason: "missing device id" }]);
    expect(out.devices[1]).to.include({ isEncrypted: null, totalStorageSpaceInBytes: 1024, deviceName: null });
  });

  it("refuses to follow a nextLink to another host (the bearer token stays with Graph)", async () => {
    const { http } = testHttp();
    nock(GRAPH)
      .get(PATH)
      .query(true)
      .reply(200, syntheticPage(0, 1, "https://evil.example/steal"));

    const pages: DevicePage[] = [];
    const err = await (async () => {
      for await (const p of readDevices(http, { beta: false })) pages.push(p);
    })().catch((e: unknown) => e);

    expect(pages).to.have.length(1);
    expect(err).to.be.instanceOf(UpstreamError);
  });
});
