import { expect } from "chai";
import nock from "nock";
import { AuthorizationError } from "../../../src/errors.js";
import { readCompliance } from "../../../src/intune/compliance-reader.js";
import { fixture, GRAPH, TENANT, testHttp } from "./helpers.js";

const LAPTOP = "b3f7c2a1-5e4d-4c8b-9a6f-2d1e0c9b8a74";
const PHONE = "7f3c1e9a-2b4d-4e6f-8a0c-5d7b9f1e3a62";
const FAILING_POLICY = "2f6b8d0a-4c1e-4a3f-b5d7-9e1a3c5f7b24";
const policyUrl = (d: string) => `/deviceManagement/managedDevices/${d}/deviceCompliancePolicyStates`;
const settingsUrl = (d: string, p: string) => `${policyUrl(d)}/${p}/settingStates`;

interface BatchBody {
  requests: { id: string; method: string; url: string }[];
}

/** Answers each $batch with `answer(url)` per sub-request and records what each batch asked for. */
function batchServer(answer: (url: string, call: number) => { status: number; headers?: object; body?: unknown }) {
  const seen: string[][] = [];
  let call = 0;
  nock(GRAPH)
    .post("/beta/$batch")
    .times(20)
    .reply(200, (_uri, body) => {
      const b = body as BatchBody;
      seen.push(b.requests.map((r) => r.url));
      call++;
      return { responses: b.requests.map((r) => ({ id: r.id, ...answer(r.url, call) })) };
    });
  return seen;
}

describe("readCompliance", () => {
  it("reads policy states, then the setting states of failing policies only, for flagged devices only", async () => {
    const { http } = testHttp();
    const seen = batchServer((url) => {
      if (url === policyUrl(LAPTOP)) return { status: 200, body: fixture("deviceCompliancePolicyStates-beta.json") };
      if (url === policyUrl(PHONE)) return { status: 200, body: { value: [] } };
      if (url === settingsUrl(LAPTOP, FAILING_POLICY)) return { status: 200, body: fixture("settingStates-beta.json") };
      return { status: 404, body: { error: { code: "NotFound", message: url } } };
    });

    const result = await readCompliance(http, [
      { id: LAPTOP, complianceState: "noncompliant" },
      { id: "compliant-one", complianceState: "compliant" },
      { id: PHONE, complianceState: "inGracePeriod" },
    ]);

    expect(seen).to.deep.equal([[policyUrl(LAPTOP), policyUrl(PHONE)], [settingsUrl(LAPTOP, FAILING_POLICY)]]);
    expect(result).to.deep.equal([
      {
        tenantId: TENANT,
        deviceId: LAPTOP,
        state: "noncompliant",
        policies: [
          {
            policyId: FAILING_POLICY,
            policyName: "WIN - Encryption required",
            state: "nonCompliant",
            settings: [
              {
                setting: "Windows10CompliancePolicy.BitLockerEnabled",
                settingName: "Windows10CompliancePolicy.BitLockerEnabled",
                state: "nonCompliant",
                errorDescription: null,
              },
            ],
          },
        ],
      },
      { tenantId: TENANT, deviceId: PHONE, state: "inGracePeriod", policies: [] },
    ]);
  });

  it("puts at most 20 requests in one $batch", async () => {
    const { http } = testHttp();
    const seen = batchServer(() => ({ status: 200, body: { value: [] } }));
    const devices = Array.from({ length: 45 }, (_, i) => ({ id: `d${i}`, complianceState: "error" }));

    const result = await readCompliance(http, devices);

    expect(seen.map((s) => s.length)).to.deep.equal([20, 20, 5]);
    expect(result).to.have.length(45);
  });

  it("sends again only the items a batch answered 429, after their Retry-After", async () => {
    const { http, clock } = testHttp();
    const seen = batchServer((url, call) =>
      url === policyUrl(PHONE) && call === 1
        ? { status: 429, headers: { "Retry-After": "7" }, body: fixture("error-429.json") }
        : { status: 200, body: { value: [] } },
    );

    const result = await readCompliance(http, [
      { id: LAPTOP, complianceState: "noncompliant" },
      { id: PHONE, complianceState: "conflict" },
    ]);

    expect(seen).to.deep.equal([[policyUrl(LAPTOP), policyUrl(PHONE)], [policyUrl(PHONE)]]);
    expect(clock.sleeps).to.deep.equal([7000]);
    expect(result.map((r) => r.deviceId)).to.deep.equal([LAPTOP, PHONE]);
  });

  it("reports a device whose items stay throttled and leaves it out, instead of guessing", async () => {
    const { http, clock } = testHttp();
    batchServer((url) =>
      url === policyUrl(PHONE)
        ? { status: 429, body: fixture("error-429.json") }
        : { status: 200, body: { value: [] } },
    );
    const errors: [string, string][] = [];

    const result = await readCompliance(
      http,
      [
        { id: LAPTOP, complianceState: "noncompliant" },
        { id: PHONE, complianceState: "noncompliant" },
      ],
      { onError: (id, reason) => errors.push([id, reason]) },
    );

    expect(result.map((r) => r.deviceId)).to.deep.equal([LAPTOP]);
    expect(errors).to.have.length(1);
    expect(errors[0][0]).to.equal(PHONE);
    expect(errors[0][1]).to.include("429").and.include("TooManyRequests");
    expect(clock.sleeps).to.have.length(5); // the attempt budget, with backoff: no Retry-After on these items
  });

  it("fails with AuthorizationError when an item is refused (permission missing)", async () => {
    const { http } = testHttp();
    batchServer(() => ({ status: 403, body: { error: { code: "Forbidden", message: "not authorized" } } }));

    const err = await readCompliance(http, [{ id: LAPTOP, complianceState: "noncompliant" }]).catch((e: unknown) => e);

    expect(err).to.be.instanceOf(AuthorizationError);
  });

  it("leaves out a device that left Intune since the list was read (404), without an error", async () => {
    const { http } = testHttp();
    batchServer(() => ({ status: 404, body: { error: { code: "ResourceNotFound", message: "gone" } } }));
    const errors: string[] = [];

    const result = await readCompliance(http, [{ id: LAPTOP, complianceState: "noncompliant" }], {
      onError: (id) => errors.push(id),
    });

    expect(result).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
