import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import pg from "pg";
import { ConfigError, readConfig } from "../../../src/config.js";
import { StoreError } from "../../../src/errors.js";
import { silentLogger } from "../../../src/logger.js";
import { keyFilePath } from "../../../src/store/key-file.js";
import { openStore } from "../../../src/store/open-store.js";
import { createTestSchema, requirePostgres, TEST_DATABASE_URL, type TestSchema } from "../../helpers/pg.js";

const BASE_ENV = { FOURME_PROVIDER_ACCOUNT: "wdc" };

describe("openStore", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "open-store-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens the SQLite file DATABASE_URL names, migrated, with a generated key beside it", async function () {
    // readConfig takes a file in an existing folder only (or in the default ./data/, which the store creates).
    mkdirSync(join(dir, "data"));
    const path = join(dir, "data", "connector.db");
    const store = await openStore(readConfig({ ...BASE_ENV, DATABASE_URL: path }), silentLogger);
    try {
      expect(store.kind).to.equal("sqlite");
      await store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune" });
      expect(await store.listInstances()).to.have.length(1);
      expect(existsSync(keyFilePath(path))).to.equal(true);
    } finally {
      await store.close();
    }
  });

  it("generates no key file when SECRET_KEY is set", async function () {
    const path = join(dir, "connector.db");
    const env = { ...BASE_ENV, DATABASE_URL: path, SECRET_KEY: Buffer.alloc(32, 7).toString("base64") };
    const store = await openStore(readConfig(env), silentLogger);
    await store.mergeSecrets("widget", { secrets: { a: "b" } });
    await store.close();
    expect(existsSync(keyFilePath(path))).to.equal(false);
  });

  it("says to check DATABASE_URL when the SQLite file cannot be opened, and when PostgreSQL does not answer", async function () {
    // A file under a plain file is refused by readConfig already; a folder named like a database passes it.
    const blocked = join(dir, "file");
    writeFileSync(blocked, "");
    expect(() => readConfig({ ...BASE_ENV, DATABASE_URL: join(blocked, "connector.db") })).to.throw(
      ConfigError,
      /^configuration: DATABASE_URL names a SQLite file under .*, which is not a folder$/,
    );
    const folder = join(dir, "folder.db");
    mkdirSync(folder);
    const sqlite = await openStore(readConfig({ ...BASE_ENV, DATABASE_URL: folder }), silentLogger)
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(sqlite).to.be.instanceOf(StoreError).with.property("message").that.includes("DATABASE_URL");
    const env = {
      ...BASE_ENV,
      DATABASE_URL: "postgres://u:hunter2@127.0.0.1:1/none",
      SECRET_KEY: Buffer.alloc(32, 1).toString("base64"),
    };
    const postgres = await openStore(readConfig(env), silentLogger)
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(postgres).to.be.instanceOf(StoreError).with.property("message").that.includes("DATABASE_URL");
    expect((postgres as Error).message).to.not.include("hunter2");
  });

  describe("with PostgreSQL", function () {
    let schema: TestSchema;
    before(async function () {
      await requirePostgres(this);
      schema = await createTestSchema("open_store");
    });
    after(async function () {
      await schema?.drop();
    });

    it("opens the postgres:// URL DATABASE_URL names, migrated", async function () {
      const url = new URL(TEST_DATABASE_URL);
      url.searchParams.set("options", `-c search_path=${schema.schema}`);
      const env = { ...BASE_ENV, DATABASE_URL: url.toString(), SECRET_KEY: Buffer.alloc(32, 9).toString("base64") };
      const store = await openStore(readConfig(env), silentLogger);
      try {
        expect(store.kind).to.equal("postgres");
        await store.ping();
        await store.mergeSecrets("widget", { policy: { algorithm: "es512", public_key: "pem" } });
        expect(await store.getSecrets("widget")).to.deep.equal({ policy: { algorithm: "es512", public_key: "pem" } });
        // The URL's search_path was honoured: the tables are in the test schema, not in public.
        const side = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await side.connect();
        const rows = await side.query(`SELECT count(*)::int AS n FROM "${schema.schema}".instance_secrets`);
        await side.end();
        expect(rows.rows[0].n).to.equal(1);
      } finally {
        await store.close();
      }
    });
  });
});
