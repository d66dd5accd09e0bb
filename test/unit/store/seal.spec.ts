import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { expect } from "chai";
import { StoreError } from "../../../src/errors.js";
import { createLogger, silentLogger } from "../../../src/logger.js";
import { keyFilePath, GENERATED_KEY_ID } from "../../../src/store/key-file.js";
import { loadSealingKeys, Sealer } from "../../../src/store/seal.js";
import { openStore } from "../../../src/store/open-store.js";
import { key } from "./contract.js";

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("debug", stream), lines, text: () => lines.join("") };
}

describe("Sealer", function () {
  const k1 = key("k1");
  const k2 = key("k2");

  it("seals to v1:<key id>:iv:tag:ciphertext and unseals it back", function () {
    const sealer = new Sealer({ current: k1, previous: [] });
    const sealed = sealer.seal("client-secret-ü", "widget/application");
    expect(sealed).to.match(/^v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).to.not.include("client-secret");
    expect(sealer.unseal(sealed, "widget/application")).to.equal("client-secret-ü");
  });

  it("uses a fresh IV every time, so equal values do not look equal at rest", function () {
    const sealer = new Sealer({ current: k1, previous: [] });
    expect(sealer.seal("same", "c")).to.not.equal(sealer.seal("same", "c"));
  });

  it("unseals with a previous key after rotation and reports values sealed with it as stale", function () {
    const old = new Sealer({ current: k1, previous: [] }).seal("v", "c");
    const rotated = new Sealer({ current: k2, previous: [k1] });
    expect(rotated.unseal(old, "c")).to.equal("v");
    expect(rotated.isStale(old)).to.equal(true);
    expect(rotated.isStale(rotated.seal("v", "c"))).to.equal(false);
    expect(Sealer.keyIdOf(old)).to.equal("k1");
  });

  it("names the missing key when a value was sealed with a key that is not configured", function () {
    const old = new Sealer({ current: k1, previous: [] }).seal("v", "c");
    expect(() => new Sealer({ current: k2, previous: [] }).unseal(old, "c"))
      .to.throw(StoreError)
      .with.property("message")
      .that.includes("'k1'")
      .and.includes("SECRET_KEYS_PREVIOUS");
  });

  it("refuses a tampered ciphertext, a wrong context, a key with the same id but other bytes, and junk", function () {
    const sealer = new Sealer({ current: k1, previous: [] });
    const sealed = sealer.seal("value", "widget/policy");
    const parts = sealed.split(":");
    const flipped = Buffer.from(parts[4], "base64");
    flipped[0] ^= 1;
    const tampered = [...parts.slice(0, 4), flipped.toString("base64")].join(":");
    expect(() => sealer.unseal(tampered, "widget/policy")).to.throw(StoreError, /altered/);
    expect(() => sealer.unseal(sealed, "other/policy")).to.throw(StoreError, /altered/);
    expect(() => new Sealer({ current: key("k1"), previous: [] }).unseal(sealed, "widget/policy")).to.throw(
      StoreError,
      /wrong/,
    );
    expect(() => sealer.unseal("plain text", "widget/policy")).to.throw(StoreError, /sealed format/);
  });

  it("refuses a key that is not 32 bytes or an id that cannot be recorded", function () {
    expect(() => new Sealer({ current: { id: "k1", key: randomBytes(16) }, previous: [] })).to.throw(StoreError);
    expect(() => new Sealer({ current: { id: "a:b", key: randomBytes(32) }, previous: [] })).to.throw(StoreError);
  });
});

describe("loadSealingKeys", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "seal-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses the configured keys with PostgreSQL, and refuses PostgreSQL without a key", function () {
    const keys = { current: key("k2"), previous: [key("k1")] };
    expect(
      loadSealingKeys({ database: { kind: "postgres", url: "postgres://x/y" }, secretKeys: keys }, silentLogger),
    ).to.equal(keys);
    expect(() => loadSealingKeys({ database: { kind: "postgres", url: "postgres://x/y" } }, silentLogger)).to.throw(
      StoreError,
      /SECRET_KEY/,
    );
  });

  it("generates a 0600 key file beside a SQLite database, warns to set SECRET_KEY, and reuses it", function () {
    const path = join(dir, "data", "connector.db");
    const log = captureLogger();
    const first = loadSealingKeys({ database: { kind: "sqlite", path } }, log.logger);
    const file = keyFilePath(path);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(file, "utf8")).to.equal(`${GENERATED_KEY_ID}:${first.current.key.toString("base64")}\n`);
    expect(first.current.key).to.have.length(32);
    expect(log.text()).to.include("generated a sealing key").and.include("SECRET_KEY");
    expect(log.text()).to.not.include(first.current.key.toString("base64"));

    const again = captureLogger();
    const second = loadSealingKeys({ database: { kind: "sqlite", path } }, again.logger);
    expect(second.current.key.equals(first.current.key)).to.equal(true);
    expect(again.text()).to.include("set SECRET_KEY").and.not.include("generated a sealing key");
  });

  it("tightens a key file that others could read, and refuses a damaged one", function () {
    const path = join(dir, "connector.db");
    loadSealingKeys({ database: { kind: "sqlite", path } }, silentLogger);
    chmodSync(keyFilePath(path), 0o644);
    const log = captureLogger();
    loadSealingKeys({ database: { kind: "sqlite", path } }, log.logger);
    expect(statSync(keyFilePath(path)).mode & 0o777).to.equal(0o600);
    expect(log.text()).to.include("0600");
    writeFileSync(keyFilePath(path), "local:tooshort\n");
    expect(() => loadSealingKeys({ database: { kind: "sqlite", path } }, silentLogger)).to.throw(StoreError, /damaged/);
  });

  it("keeps an in-memory database's key in memory only", function () {
    const keys = loadSealingKeys({ database: { kind: "sqlite", path: ":memory:" } }, silentLogger);
    expect(keys.current.key).to.have.length(32);
    expect(existsSync(":memory:.key")).to.equal(false);
  });

  it("keeps reading what the generated key sealed once SECRET_KEY is set, and re-seals it on the next write", async function () {
    const path = join(dir, "connector.db");
    const before = await openStore({ database: { kind: "sqlite", path } }, silentLogger);
    await before.mergeSecrets("widget", { application: { client_id: "c", client_secret: "s1" }, secrets: { f: "v" } });
    await before.close();

    const configured = { current: key("k1"), previous: [] };
    const keys = loadSealingKeys({ database: { kind: "sqlite", path }, secretKeys: configured }, silentLogger);
    expect(keys.previous.map((k) => k.id)).to.deep.equal([GENERATED_KEY_ID]);

    const after = await openStore({ database: { kind: "sqlite", path }, secretKeys: configured }, silentLogger);
    expect(await after.getSecrets("widget")).to.deep.equal({
      application: { client_id: "c", client_secret: "s1" },
      secrets: { f: "v" },
    });
    await after.mergeSecrets("widget", { secrets: { g: "w" } });
    await after.close();

    // Without the key file, only SECRET_KEY remains: everything must have been re-sealed with it.
    rmSync(keyFilePath(path));
    const final = await openStore({ database: { kind: "sqlite", path }, secretKeys: configured }, silentLogger);
    expect(await final.getSecrets("widget")).to.deep.equal({
      application: { client_id: "c", client_secret: "s1" },
      secrets: { f: "v", g: "w" },
    });
    await final.close();
  });
});
