// No secret value in plain text: not in the SQLite file (nor its WAL), not in a dump of our PostgreSQL tables,
// not in the logs. Each check also finds a non-secret marker, so a scan that reads nothing cannot pass.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { expect } from "chai";
import pg from "pg";
import { createLogger, type Logger } from "../../../src/logger.js";
import { keyFilePath } from "../../../src/store/key-file.js";
import { openStore } from "../../../src/store/open-store.js";
import { PostgresStore } from "../../../src/store/postgres/postgres-store.js";
import type { InstanceStore, SecretsPatch } from "../../../src/store/types.js";
import { createTestSchema, requirePostgres, TEST_DATABASE_URL, type TestSchema } from "../../helpers/pg.js";
import { key } from "./contract.js";

const SECRETS = {
  clientSecret: "cs-PLAINTEXT-app-7f3a91",
  authSecret: "cs-PLAINTEXT-auth-2b8c44",
  publicKey: "PEM-PLAINTEXT-policy-9d1e07",
  field: "field-PLAINTEXT-value-5c6f22",
  token: "eyJ-PLAINTEXT-token-0a4b13",
  jwt: "eyJ-PLAINTEXT-jwt-8e2d55",
  bearer: "PLAINTEXT-bearer-3f7c61",
};
const MARKER = "breakdown-visible-marker-41d9";

const PATCH: SecretsPatch = {
  application: { nodeID: "NG1-app", client_id: "client-id-widget", client_secret: SECRETS.clientSecret },
  authorization_application: { client_id: "client-id-auth", client_secret: SECRETS.authSecret },
  policy: { nodeID: "NG1-pol", algorithm: "es512", public_key: SECRETS.publicKey, audience: "aud" },
  secrets: { api_token: SECRETS.field },
};

async function writeEverything(store: InstanceStore): Promise<void> {
  await store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune", breakdown: MARKER });
  await store.mergeSecrets("widget", PATCH);
  // A second write, so earlier versions of the rows exist in the WAL or as dead tuples too.
  await store.mergeSecrets("widget", { secrets: { api_token: SECRETS.field, other: SECRETS.token } });
}

function expectNoSecret(haystack: string, where: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(haystack.includes(value), `${name} found in plain text in ${where}`).to.equal(false);
  }
}

function captureLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("trace", stream), text: () => lines.join("") };
}

describe("secrets at rest and in logs", function () {
  describe("in the SQLite file", function () {
    let dir: string;
    beforeEach(function () {
      dir = mkdtempSync(join(tmpdir(), "plaintext-"));
    });
    afterEach(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it("appear in neither the database file nor its WAL, before or after close", async function () {
      const path = join(dir, "connector.db");
      const log = captureLogger();
      const store = await openStore({ database: { kind: "sqlite", path } }, log.logger);
      await writeEverything(store);
      const read = (p: string) => (existsSync(p) ? readFileSync(p).toString("latin1") : "");
      const whileOpen = read(path) + read(`${path}-wal`);
      expect(read(`${path}-wal`)).to.include(MARKER);
      expectNoSecret(whileOpen, "the open database and WAL");
      await store.close();
      const afterClose = read(path) + read(`${path}-wal`);
      expect(afterClose).to.include(MARKER);
      expectNoSecret(afterClose, "the closed database file");

      const keyB64 = readFileSync(keyFilePath(path), "utf8").split(":")[1].trim();
      expect(whileOpen + afterClose).to.not.include(keyB64);
      expectNoSecret(log.text(), "the store's logs");
      expect(log.text()).to.not.include(keyB64);
    });
  });

  describe("in a dump of the PostgreSQL tables", function () {
    let schema: TestSchema;
    before(async function () {
      await requirePostgres(this);
      schema = await createTestSchema("plaintext");
    });
    after(async function () {
      await schema?.drop();
    });

    it("appear nowhere in our schema's dump or rows", async function () {
      const log = captureLogger();
      const store = new PostgresStore({
        pool: schema.poolConfig,
        keys: { current: key("k1"), previous: [] },
        logger: log.logger,
      });
      await store.migrate();
      await writeEverything(store);
      await store.close();

      const dump = await pgDump(schema.schema);
      if (dump !== undefined) {
        expect(dump).to.include(MARKER);
        expectNoSecret(dump, "pg_dump of the schema");
      } else {
        console.warn("    (pg_dump not usable here: checked the rows as text only)");
      }
      const rows = await everyRowAsText(schema);
      expect(rows).to.include(MARKER);
      expectNoSecret(rows, "the rows of every table");
      expectNoSecret(log.text(), "the store's logs");
    });
  });

  describe("in the logs", function () {
    it("are redacted from client_secret, token, jwt, application, secrets and authorization fields", function () {
      const { logger, text } = captureLogger();
      logger.info({ client_secret: SECRETS.clientSecret, account: "widget-visible" }, "client credentials");
      logger.info({ token: SECRETS.token }, "token");
      logger.warn({ jwt: SECRETS.jwt }, "bad jwt");
      logger.info({ application: PATCH.application, authorization_application: PATCH.authorization_application }, "a");
      logger.info({ secrets: PATCH.secrets }, "data-secret fields");
      logger.info({ payload: { application: PATCH.application, secrets: PATCH.secrets } }, "nested once");
      logger.info({ event: { client_secret: SECRETS.clientSecret, token: SECRETS.token, jwt: SECRETS.jwt } }, "n");
      logger.info({ headers: { authorization: `Bearer ${SECRETS.bearer}` } }, "request");
      logger.child({ delivery: "d-1" }).error({ token: SECRETS.token, jwt: SECRETS.jwt }, "per-delivery child");
      const out = text();
      expect(out).to.include("widget-visible").and.include("[redacted]");
      expectNoSecret(out, "the log output");
    });
  });
});

const run = promisify(execFile);

/** pg_dump of one schema, or undefined when pg_dump is missing or cannot talk to this server. */
async function pgDump(schemaName: string): Promise<string | undefined> {
  const bin = "/usr/bin/pg_dump";
  if (!existsSync(bin)) return undefined;
  try {
    const { stdout } = await run(bin, ["--dbname", TEST_DATABASE_URL, "--schema", schemaName, "--no-owner"], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch {
    return undefined;
  }
}

async function everyRowAsText(schema: TestSchema): Promise<string> {
  const pool = new pg.Pool(schema.poolConfig);
  try {
    const tables = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
      [schema.schema],
    );
    expect(tables.rows.length).to.be.greaterThan(5);
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await pool.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      parts.push(...rows.rows.map((r) => r.row));
    }
    return parts.join("\n");
  } finally {
    await pool.end();
  }
}
