import { expect } from "chai";
import { Writable } from "node:stream";
import { createLogger, redactSecrets } from "../../src/logger.js";
import { mulberry32 } from "../../src/sandbox/fleet/prng.js";

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

  describe("scrubbing time", () => {
    // The pattern the scrubber used before: quadratic on runs like "eyJ-eyJ-…". Kept as the oracle of what it censors.
    const OLD_JWT_IN_TEXT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
    const scrub = (s: string) => redactSecrets(s) as string;

    it("is linear: 256 KB of adversarial text is scrubbed in well under 200 ms", () => {
      const adversarial = [
        "eyJ-".repeat(64 * 1024),
        "eyJaaaaa.".repeat(29 * 1024),
        `eyJ${"a-".repeat(128 * 1024)}`,
        `${"eyJ-".repeat(32 * 1024)}.${"b".repeat(64 * 1024)}`,
        `Bearer${" ".repeat(256 * 1024)}`,
        "Bearer ".repeat(37 * 1024),
      ];
      for (const text of adversarial) {
        const started = performance.now();
        scrub(text);
        const ms = performance.now() - started;
        expect(ms, `${text.slice(0, 12)}…: ${ms.toFixed(0)} ms`).to.be.below(200);
      }
    });

    it("censors exactly what the old pattern censored (random texts of JWT-like pieces)", () => {
      const rand = mulberry32(0x5eed);
      const pieces = ["eyJ", "eyJhbGciOi", "abcde", "ab", ".", ".", "-", "_", " ", "x", "=", "Bearer ", "é", "1234567"];
      for (let n = 0; n < 5000; n++) {
        const text = Array.from(
          { length: 1 + Math.floor(rand() * 14) },
          () => pieces[Math.floor(rand() * pieces.length)],
        ).join("");
        const expected = text
          .replace(OLD_JWT_IN_TEXT, "[redacted jwt]")
          .replace(/\b(Bearer)\s+[\w.~+/=-]{8,}/gi, "$1 [redacted]");
        expect(scrub(text), JSON.stringify(text)).to.equal(expected);
      }
    });

    it("still censors a JWT after a dash, a dot or inside a longer dotted run", () => {
      expect(scrub(`x-${JWT}`)).to.equal("x-[redacted jwt]");
      expect(scrub(`a.${JWT}.tail`)).to.equal("a.[redacted jwt].tail");
      expect(scrub(`id_${JWT}`)).to.equal(`id_${JWT}`); // no word boundary: the old pattern left it too
    });
  });
});
