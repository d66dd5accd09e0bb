import { expect } from "chai";
import type { MicrosoftSimulator } from "../../../../src/sandbox/microsoft/index.js";
import { example, sortedKeys } from "./examples.js";
import { graphGet, startSim, token, tokenRequest, type Json } from "./helpers.js";

const LIST = "/v1.0/deviceManagement/managedDevices?$top=10";

async function batch(sim: MicrosoftSimulator, jwt: string, requests: Json[], version = "beta") {
  const r = await fetch(`${sim.graphUrl}/global/${version}/$batch`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
    body: JSON.stringify({ requests }),
  });
  return { status: r.status, body: (await r.json()) as Json };
}

describe("Microsoft simulator: $batch", () => {
  let sim: MicrosoftSimulator;
  let jwt: string;
  beforeEach(async () => {
    sim = await startSim({ seed: 2, size: 100 });
    jwt = await token(sim);
  });
  afterEach(() => sim.close());
  const ids = () => sim.fleet.tenants[0]!.devices.map((d) => String(d["id"]));

  it("answers up to 20 sub-requests, each with its own status, matched by id", async () => {
    const requests = ids()
      .slice(0, 20)
      .map((id, i) => ({
        id: String(i + 1),
        method: "GET",
        url: `/deviceManagement/managedDevices/${id}/deviceCompliancePolicyStates`,
      }));
    requests[19] = { id: "20", method: "GET", url: "/deviceManagement/managedDevices/missing-device" };
    const r = await batch(sim, jwt, requests);
    expect(r.status).to.equal(200);
    const byId = new Map((r.body["responses"] as Json[]).map((x) => [x["id"], x]));
    expect([...byId.keys()].sort()).to.deep.equal(requests.map((x) => x.id).sort());
    expect(byId.get("1")!["status"]).to.equal(200);
    expect(byId.get("20")!["status"]).to.equal(404);
    expect((r.body["responses"] as Json[]).map((x) => x["id"])).to.not.deep.equal(requests.map((x) => x.id));
    expect(sim.controls.stats().byRoute["batch:graph.policyStates"]).to.equal(19);
  });

  it("refuses a batch of 21 requests with 400", async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: "GET",
      url: "/deviceManagement/managedDevices?$top=1",
    }));
    const r = await batch(sim, jwt, requests);
    expect(r.status).to.equal(400);
    expect(r.body["error"]["message"]).to.match(/20/);
  });

  it("throttles single sub-requests with their own 429 and Retry-After while the batch is 200", async () => {
    sim.controls.inject({ status: 429, retryAfter: 7, count: 2, target: "batchItem", route: "graph.devices" });
    const requests = ids()
      .slice(0, 3)
      .map((id, i) => ({
        id: String(i + 1),
        method: "GET",
        url: `/deviceManagement/managedDevices/${id}?$select=id,hardwareInformation`,
      }));
    const r = await batch(sim, jwt, requests);
    expect(r.status).to.equal(200);
    const responses = r.body["responses"] as Json[];
    const throttled = responses.filter((x) => x["status"] === 429);
    expect(throttled).to.have.length(2);
    expect(throttled[0]!["headers"]["Retry-After"]).to.equal("7");
    expect(throttled[0]!["body"]["error"]["code"]).to.equal("TooManyRequests");
    const ref = example("batch-response.json");
    const refThrottled = (ref["responses"] as Json[]).find((x) => x["status"] === 429)!;
    expect(sortedKeys(throttled[0])).to.deep.equal(sortedKeys(refThrottled));
    expect(sortedKeys(throttled[0]!["body"]["error"])).to.deep.equal(sortedKeys(refThrottled["body"]["error"]));
  });
});

describe("Microsoft simulator: failures", () => {
  let sim: MicrosoftSimulator;
  let jwt: string;
  beforeEach(async () => {
    sim = await startSim({ seed: 2, size: 100 });
    jwt = await token(sim);
  });
  afterEach(() => sim.close());

  it("injects a 429 with Retry-After shaped like Graph's, then serves again", async () => {
    sim.controls.inject({ status: 429, retryAfter: 10 });
    const r = await graphGet(sim, jwt, LIST);
    expect([r.status, r.headers.get("retry-after")]).to.deep.equal([429, "10"]);
    const ref = example("error-429-throttled.json");
    expect(sortedKeys(r.body)).to.deep.equal(sortedKeys(ref["body"]));
    expect(sortedKeys(r.body["error"])).to.deep.equal(sortedKeys((ref["body"] as Json)["error"]));
    expect(sortedKeys(r.body["error"]["innerError"])).to.deep.equal(
      sortedKeys((ref["body"] as Json)["error"]["innerError"]),
    );
    expect((await graphGet(sim, jwt, LIST)).status).to.equal(200);
  });

  it("injects 429s without Retry-After for the next N requests", async () => {
    sim.controls.inject({ status: 429, retryAfter: null, count: 2 });
    const statuses: (number | string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await graphGet(sim, jwt, LIST);
      statuses.push(r.status, r.headers.get("retry-after"));
    }
    expect(statuses).to.deep.equal([429, null, 429, null, 200, null]);
  });

  it("injects 503 and 504, and 429 at a rate", async () => {
    sim.controls.inject({ status: 503 });
    sim.controls.inject({ status: 504 });
    expect((await graphGet(sim, jwt, LIST)).status).to.equal(503);
    expect((await graphGet(sim, jwt, LIST)).status).to.equal(504);
    sim.controls.inject({ status: 429, rate: 0.5 });
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push((await graphGet(sim, jwt, LIST)).status);
    expect(statuses.filter((s) => s === 429).length).to.be.within(8, 32);
    sim.controls.clearFaults();
    expect((await graphGet(sim, jwt, LIST)).status).to.equal(200);
  });

  it("answers 403 (or 401, as chosen) once consent is revoked, and a token request AADSTS700016", async () => {
    sim.controls.revokeConsent("contoso.com");
    const r = await graphGet(sim, jwt, LIST);
    expect([r.status, r.body["error"]["code"]]).to.deep.equal([403, "Forbidden"]);
    sim.controls.revokeConsent("contoso.com", { graphStatus: 401 });
    expect((await graphGet(sim, jwt, LIST)).status).to.equal(401);
    expect((await tokenRequest(sim)).body["error_codes"]).to.deep.equal([700016]);
  });

  it("refuses a missing, forged or expired token with 401 InvalidAuthenticationToken", async () => {
    const forged = jwt.slice(0, -4) + (jwt.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (const t of ["", forged, "not-a-jwt"]) {
      const r = await graphGet(sim, t, LIST);
      expect([r.status, r.body["error"]["code"]]).to.deep.equal([401, "InvalidAuthenticationToken"]);
    }
    sim.controls.expireTokens();
    const expired = await graphGet(sim, jwt, LIST);
    expect(expired.body["error"]["message"]).to.match(/expired/);
  });

  it("gives 403 on compliance reads when the token lacks DeviceManagementConfiguration", async () => {
    sim.controls.setRoles("contoso.com", ["DeviceManagementManagedDevices.Read.All"]);
    const limited = await token(sim);
    const id = sim.fleet.tenants[0]!.devices[0]!["id"];
    expect((await graphGet(sim, limited, LIST)).status).to.equal(200);
    expect(
      (await graphGet(sim, limited, `/beta/deviceManagement/managedDevices/${id}/deviceCompliancePolicyStates`)).status,
    ).to.equal(403);
    const policyId = sim.fleet.tenants[0]!.devices.flatMap((d) => {
      const states = d["deviceCompliancePolicyStates"] as { id?: string }[] | undefined;
      return states?.[0]?.id ? [`${d["id"]}/deviceCompliancePolicyStates/${states[0].id}`] : [];
    })[0];
    const one = `/beta/deviceManagement/managedDevices/${policyId ?? `${id}/deviceCompliancePolicyStates/p1`}`;
    expect((await graphGet(sim, limited, one)).status).to.equal(403);
  });

  it("makes /beta fail on demand while v1.0 keeps working", async () => {
    sim.controls.failBeta(500);
    expect((await graphGet(sim, jwt, "/beta/deviceManagement/managedDevices")).status).to.equal(500);
    expect((await graphGet(sim, jwt, LIST)).status).to.equal(200);
    sim.controls.failBeta(null);
    expect((await graphGet(sim, jwt, "/beta/deviceManagement/managedDevices?$top=1")).status).to.equal(200);
  });

  it("shows fleet changes made through controls in the next reads", async () => {
    const t = sim.fleet.tenants[0]!;
    const gone = String(t.devices[5]!["id"]);
    sim.controls.removeDevice("contoso.com", gone);
    const added = sim.controls.addDevice("contoso.com");
    const summary = sim.controls.evolve(1);
    const all = await graphGet(sim, jwt, "/v1.0/deviceManagement/managedDevices?$select=id");
    const ids = (all.body["value"] as Json[]).map((d) => d["id"]);
    expect(all.body["@odata.count"]).to.equal(100 - 1 + 1 + summary.added.length - summary.removed.length);
    expect(ids).to.not.include(gone);
    expect(ids).to.include(added["id"]);
    expect((await graphGet(sim, jwt, `/v1.0/deviceManagement/managedDevices/${gone}`)).status).to.equal(404);
  });
});

describe("Microsoft simulator: clouds and limits", () => {
  it("routes each cloud by path, and a token works only on its own cloud's Graph", async () => {
    const sim = await startSim({
      seed: 1,
      size: 20,
      tenants: [
        { domain: "contoso.com" },
        { domain: "tailspin.us", cloud: "usgov" },
        { domain: "army.example", cloud: "usgov-dod" },
        { domain: "contoso.cn", cloud: "china" },
      ],
    });
    try {
      for (const [tenant, cloud] of [
        ["tailspin.us", "usgov"],
        ["army.example", "usgov-dod"],
        ["contoso.cn", "china"],
      ] as const) {
        const jwt = await token(sim, tenant, cloud);
        const here = await graphGet(sim, jwt, LIST, cloud);
        expect(here.status, cloud).to.equal(200);
        expect((here.body["value"] as Json[])[0]!["userPrincipalName"]).to.match(
          new RegExp(`${tenant.replace(".", "\\.")}$|^$`, "i"),
        );
        expect((await graphGet(sim, jwt, LIST, "global")).status, `${cloud} token on global`).to.equal(401);
      }
      const byCloud = sim.controls.stats().byCloud;
      expect(byCloud["usgov"]).to.equal(2);
      expect(byCloud["usgov-dod"]).to.equal(2);
      expect(byCloud["china"]).to.equal(2);
    } finally {
      await sim.close();
    }
  });

  it("enforces Intune's per-tenant request window when asked, with a Retry-After until the window frees", async () => {
    let now = Date.UTC(2025, 5, 2, 9);
    const sim = await startSim(
      { seed: 1, size: 20 },
      { now: () => now, enforceLimits: { devices: 3, windowMs: 20_000 } },
    );
    try {
      const jwt = await token(sim);
      for (let i = 0; i < 3; i++) expect((await graphGet(sim, jwt, LIST)).status).to.equal(200);
      const r = await graphGet(sim, jwt, LIST);
      expect([r.status, r.headers.get("retry-after")]).to.deep.equal([429, "20"]);
      now += 20_001;
      expect((await graphGet(sim, jwt, LIST)).status).to.equal(200);
    } finally {
      await sim.close();
    }
  });

  it("pages a lazy 100,000-device tenant without materialising it", async function () {
    this.timeout(30_000);
    const sim = await startSim({ seed: 1, size: 100_000, lazy: true });
    try {
      const jwt = await token(sim);
      const first = await graphGet(sim, jwt, "/v1.0/deviceManagement/managedDevices?$select=id,serialNumber");
      expect(first.body["@odata.count"]).to.equal(100_000);
      expect(first.body["value"]).to.have.length(1000);
      expect(sim.fleet.tenants[0]!.devices).to.have.length(0);
      const second = await graphGet(sim, jwt, first.body["@odata.nextLink"] as string);
      expect((second.body["value"] as Json[])[0]!["id"]).to.equal(sim.fleet.tenants[0]!.lazy!.deviceAt(1000)["id"]);
      const id = sim.fleet.tenants[0]!.lazy!.deviceAt(77_777)["id"];
      expect((await graphGet(sim, jwt, `/v1.0/deviceManagement/managedDevices/${id}?$select=id`)).body["id"]).to.equal(
        id,
      );
    } finally {
      await sim.close();
    }
  });
});
