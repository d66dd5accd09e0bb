import { expect } from "chai";
import { Writable } from "node:stream";
import { createLogger, redactSecrets } from "../../src/logger.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("info", stream), text: () => lines.join("") };
}

const JWT = "eyJhbGciOiJFUzUxMiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJlLWJ5dGVz";

describe("logger", () => {
  it("censors secret keys at any depth and in any case", () => {
    const { logger, text } = capture();
    logger.info(
      { a: { b: { c: { client_secret: "deep-secret-1" } } }, list: [{ Token: "deep-secret-2" }], kept: "visible" },
      "event",
    );
    expect(text()).to.include("visible").and.not.include("deep-secret-1").and.not.include("deep-secret-2");
  });

  it("scrubs JWTs and bearer tokens from messages, error texts and child bindings", () => {
    const { logger, text } = capture();
    const child = logger.child({ delivery: "d-1", secrets: { api_key: "binding-secret" } });
    child.warn({ err: new Error(`upstream said: invalid ${JWT}`) }, `header was Bearer abcdefghijklmnop and ${JWT}`);
    const out = text();
    expect(out).to.include("d-1").and.include("[redacted jwt]");
    expect(out).not.to.include(JWT).and.not.include("abcdefghijklmnop").and.not.include("binding-secret");
  });

  it("copies values without touching the caller's objects and survives cycles", () => {
    const input: Record<string, unknown> = { password: "p", nested: { ok: 1 } };
    input.self = input;
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(out.password).to.equal("[redacted]");
    expect(out.self).to.equal("[circular]");
    expect(input.password).to.equal("p");
  });
});
