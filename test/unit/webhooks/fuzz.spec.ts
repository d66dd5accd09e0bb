// Random bodies, headers, methods and content types against the live receiver. Seeded, so a failure reproduces:
// the seed is printed with the first unexpected answer.
import { expect } from "chai";
import { makeKey } from "../../helpers/jwt.js";
import { providerEnvelope, rawHttp, rawRequest, startReceiver, strangerKey, type Receiver } from "./harness.js";
import { signWebhook } from "../../helpers/jwt.js";
import { mulberry32 } from "../../../src/sandbox/fleet/prng.js";

const REQUESTS = 1200;
const SEED = 0x4d3e2a1;

describe("webhook receiver: fuzz", function () {
  this.timeout(30_000);
  let r: Receiver;
  before(async () => {
    // The fuzzer is one address sending only bad requests: the rate limit (test/unit/server/rate-limits.spec.ts)
    // would answer most of them 429 before they reach the receiver under test.
    r = await startReceiver({ env: { RATE_LIMIT_WEBHOOK_REFUSED_PER_MINUTE: "0" } });
  });
  after(async () => {
    await r.close();
  });

  it(`answers ${REQUESTS} random requests with 4xx, stays up, and stores nothing`, async () => {
    const rand = mulberry32(SEED);
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
    const printable = (max: number) =>
      Array.from({ length: int(max) }, () => String.fromCharCode(32 + int(95))).join("");
    const unicode = (max: number) => Array.from({ length: int(max) }, () => String.fromCodePoint(int(0x2fff))).join("");
    const b64url = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))).toString("base64url");
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

    const randomJson = (depth: number): unknown => {
      switch (depth > 3 ? int(4) : int(7)) {
        case 0:
          return null;
        case 1:
          return rand() < 0.5;
        case 2:
          return rand() * 1e9 - 5e8;
        case 3:
          return unicode(40);
        case 4:
          return Array.from({ length: int(5) }, () => randomJson(depth + 1));
        default:
          return Object.fromEntries(Array.from({ length: int(5) }, () => [printable(10), randomJson(depth + 1)]));
      }
    };

    const stranger = await strangerKey();
    const ec = await makeKey("ES256");
    const signed = [
      // Real signatures by keys the receiver does not trust, with every issuer it does trust.
      ...(await Promise.all(
        ["https://wdc.4me.com", "https://wdc.xurrent.com", "https://evil.example"].map((issuer) =>
          signWebhook(stranger, providerEnvelope("app_instance.secrets-update", { customer_account_id: "x" }), {
            issuer,
          }),
        ),
      )),
      await signWebhook(ec, providerEnvelope("app_instance.create"), { issuer: "https://wdc.4me.com" }),
    ];
    const randomToken = (): string => {
      switch (int(6)) {
        case 0:
          return pick(signed);
        case 1: {
          // A trusted-looking header and claims with a forged or truncated signature.
          const [h, p, s] = pick(signed).split(".");
          return rand() < 0.5 ? `${h}.${p}.${b64url(s.length)}` : `${h}.${p}.${s.slice(0, int(s.length))}`;
        }
        case 2:
          return `${enc({ alg: pick(["none", "HS256", "RS256", "ES512", "", "PS256"]), typ: "JWT" })}.${enc({
            iss: pick(["https://wdc.4me.com", "https://wdc.xurrent.com", "x"]),
            jti: b64url(16),
            iat: int(2e9),
            data: randomJson(1),
          })}.${b64url(int(300))}`;
        case 3:
          return [b64url(int(60)), b64url(int(200)), b64url(int(300))].join(".");
        case 4:
          return printable(200);
        default:
          return `${b64url(9000)}.${b64url(10)}.${b64url(10)}`;
      }
    };
    const randomBody = (): string | Buffer => {
      switch (int(8)) {
        case 0:
          return JSON.stringify(randomJson(0));
        case 1:
          return printable(300);
        case 2:
          return Buffer.from(Array.from({ length: int(400) }, () => int(256)));
        case 3:
          return JSON.stringify({ jwt: randomJson(2) });
        case 4:
          return JSON.stringify({ jwt: randomToken(), extra: randomJson(2) });
        case 5:
          return `{"jwt":"${randomToken()}"`; // truncated JSON
        case 6:
          return rand() < 0.1 ? JSON.stringify({ jwt: "a", pad: "x".repeat(70_000) }) : "";
        default:
          return JSON.stringify({ jwt: randomToken() });
      }
    };
    const contentTypes = [
      "application/json",
      "application/json; charset=utf-8",
      "application/json; charset=latin1",
      "application/vnd.4me+json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "",
      "*/*",
      "application/json; charset=utf-16",
    ];
    const paths = () =>
      pick([
        "/webhooks/4me",
        "/webhooks/4me",
        "/webhooks/4me/",
        `/webhooks/4me/customer?account=${encodeURIComponent(pick(["widget", "wdc", "", printable(20), "a".repeat(80)]))}`,
        "/webhooks/4me/customer",
        `/webhooks/4me?${printable(30).replace(/[#\s]/g, "")}`,
      ]);

    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    const sentTokens: string[] = [];
    const batch = 40;
    for (let i = 0; i < REQUESTS; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, REQUESTS - i) }, async (_, j) => {
          const body = randomBody();
          const contentType = pick(contentTypes);
          const headers: Record<string, string> = {};
          if (contentType) headers["content-type"] = contentType;
          if (rand() < 0.4) headers[pick(["x-4me-delivery", "x-xurrent-delivery"])] = printable(60) || "d";
          if (rand() < 0.2)
            headers[
              `x-${b64url(4)
                .toLowerCase()
                .replace(/[^a-z0-9]/g, "a")}`
            ] = printable(40);
          if (rand() < 0.05) headers["content-encoding"] = pick(["gzip", "br", "identity", "zzz"]);
          const method = rand() < 0.85 ? "POST" : pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
          if (typeof body === "string" && body.includes("jwt")) sentTokens.push(body);
          const path = paths();
          const status = await rawHttp(r.url, { method, path, headers, body });
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status < 400 || status > 499) {
            unexpected.push(`#${i + j} (seed ${SEED}) ${method} ${path} ${contentType} → ${status}`);
          }
        }),
      );
    }

    expect(unexpected, unexpected.slice(0, 5).join("\n")).to.deep.equal([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).to.equal(REQUESTS);
    // A varied run: several different refusals were exercised.
    expect([...statuses.keys()].sort()).to.include.members([400, 401, 405, 413, 415]);
    expect(r.store.isEmpty(), "nothing stored").to.equal(true);
    expect(r.queue.jobs).to.deep.equal([]);
    expect(r.logs).to.have.length(REQUESTS);
    expect(r.logs.every((l) => l.msg === "webhook rejected")).to.equal(true);
    const log = r.rawLog.join("");
    for (const token of signed) expect(log).not.to.include(token.split(".")[2]);

    const health = await rawRequest(`${r.url}/healthz`, { method: "GET" });
    expect(health.status).to.equal(200);
  });
});
