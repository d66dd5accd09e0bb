import { expect } from "chai";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { readConfig, ConfigError } from "../../src/config.js";
import { requireServeSettings, requireSyncSettings, webhookKeyAtStart } from "../../src/command-settings.js";
import { silentLogger } from "../../src/logger.js";
import { openStore } from "../../src/store/open-store.js";
import { recordPolicyKey } from "../../src/store/provider-records.js";

const base = { FOURME_PROVIDER_ACCOUNT: "wdc" };

describe("readConfig", () => {
  it("derives the 4me endpoints from domain and region, with the Xurrent twin as second issuer", () => {
    const c = readConfig({ ...base, FOURME_DOMAIN: "4me.com", FOURME_REGION: "au" });
    expect(c.fourme.graphqlUrl).to.equal("https://graphql.au.4me.com/");
    expect(c.fourme.oauthTokenUrl).to.equal("https://oauth.au.4me.com/token");
    expect(c.fourme.accountUrlTemplate).to.equal("https://{account}.au.4me.com");
    expect(c.fourme.twinAccountUrlTemplate).to.equal("https://{account}.au.xurrent.com");
  });

  it("lets every endpoint be overridden, which is how the sandbox is reached", () => {
    const c = readConfig({
      ...base,
      FOURME_GRAPHQL_URL: "http://127.0.0.1:4000/graphql",
      FOURME_OAUTH_URL: "http://127.0.0.1:4000/oauth/token",
      FOURME_ACCOUNT_URL_TEMPLATE: "http://127.0.0.1:4000/{account}",
      MS_LOGIN_URL: "http://127.0.0.1:4001/login",
    });
    expect(c.fourme.graphqlUrl).to.equal("http://127.0.0.1:4000/graphql");
    expect(c.fourme.twinAccountUrlTemplate).to.equal(undefined);
    expect(c.microsoft.loginUrl).to.equal("http://127.0.0.1:4001/login");
  });

  it("stops on a missing required variable with one line naming it", () => {
    expect(() => readConfig({})).to.throw(ConfigError, "configuration: FOURME_PROVIDER_ACCOUNT is required");
  });

  it("names the variable and the problem for a bad value", () => {
    expect(() => readConfig({ ...base, PORT: "http" })).to.throw(ConfigError, /PORT is invalid/);
    expect(() => readConfig({ ...base, FOURME_DOMAIN: "example.com" })).to.throw(/FOURME_DOMAIN is invalid/);
    expect(() => readConfig({ ...base, SECRET_KEY: "c2hvcnQ=" })).to.throw(/SECRET_KEY must be 32 bytes/);
  });

  it("refuses HS and none algorithms unless explicitly allowed", () => {
    expect(() => readConfig({ ...base, FOURME_WEBHOOK_ALGORITHMS: "RS256,HS256" })).to.throw(/HS256 is not allowed/);
    const c = readConfig({
      ...base,
      FOURME_WEBHOOK_ALGORITHMS: "HS256",
      FOURME_WEBHOOK_ALLOW_UNSAFE_ALGORITHMS: "true",
    });
    expect(c.fourme.webhook.algorithms).to.deep.equal(["HS256"]);
  });

  it("requires a shared sealing key with PostgreSQL", () => {
    expect(() => readConfig({ ...base, DATABASE_URL: "postgres://x@127.0.0.1/test" })).to.throw(
      /SECRET_KEY is required/,
    );
  });

  it("takes fractional sync intervals (tests and demos) and a scheduler tick period in whole seconds", () => {
    const dflt = readConfig(base);
    expect(dflt.sync).to.deep.equal({ defaultIntervalMinutes: 60, minIntervalMinutes: 15 });
    expect(dflt.scheduler.tickSeconds).to.equal(60);
    const fast = readConfig({
      ...base,
      SYNC_DEFAULT_INTERVAL_MINUTES: "0.2",
      SYNC_MIN_INTERVAL_MINUTES: "0.2",
      SCHEDULER_TICK_SECONDS: "2",
    });
    expect(fast.sync).to.deep.equal({ defaultIntervalMinutes: 0.2, minIntervalMinutes: 0.2 });
    expect(fast.scheduler.tickSeconds).to.equal(2);
    expect(() => readConfig({ ...base, SCHEDULER_TICK_SECONDS: "0" })).to.throw(/SCHEDULER_TICK_SECONDS is invalid/);
    expect(() => readConfig({ ...base, SCHEDULER_TICK_SECONDS: "3601" })).to.throw(/SCHEDULER_TICK_SECONDS/);
    expect(() => readConfig({ ...base, SCHEDULER_TICK_SECONDS: "1.5" })).to.throw(/SCHEDULER_TICK_SECONDS/);
    expect(() => readConfig({ ...base, SYNC_MIN_INTERVAL_MINUTES: "0" })).to.throw(/SYNC_MIN_INTERVAL_MINUTES/);
    expect(() => readConfig({ ...base, SYNC_DEFAULT_INTERVAL_MINUTES: "0.1" })).to.throw(
      /SYNC_DEFAULT_INTERVAL_MINUTES must not be below/,
    );
  });

  it("takes the job concurrency as a whole number from 1 to 32, leaving the default to the queue", () => {
    expect(readConfig(base).jobs).to.deep.equal({});
    expect(readConfig({ ...base, JOB_CONCURRENCY: "" }).jobs).to.deep.equal({});
    expect(readConfig({ ...base, JOB_CONCURRENCY: "6" }).jobs).to.deep.equal({ concurrency: 6 });
    for (const bad of ["0", "33", "1.5", "many"]) {
      expect(() => readConfig({ ...base, JOB_CONCURRENCY: bad }), bad).to.throw(/JOB_CONCURRENCY/);
    }
  });

  it("takes the pg-boss schema as a SQL identifier, pgboss by default", () => {
    expect(readConfig(base).pgBoss.schema).to.equal("pgboss");
    expect(readConfig({ ...base, PGBOSS_SCHEMA: "intune_jobs_2" }).pgBoss.schema).to.equal("intune_jobs_2");
    for (const bad of ["", "2jobs", "jobs;drop", "Jobs", "a-b", `"x"`, "x".repeat(51)]) {
      expect(() => readConfig({ ...base, PGBOSS_SCHEMA: bad }), bad).to.throw(/PGBOSS_SCHEMA is invalid/);
    }
  });

  it("rejects a region on the demo environment, which has none", () => {
    expect(() => readConfig({ ...base, FOURME_DOMAIN: "4me-demo.com", FOURME_REGION: "uk" })).to.throw(/FOURME_REGION/);
  });

  it("refuses http:// for the hosts credentials go to, except on loopback (the sandbox), naming the variable", () => {
    for (const variable of ["MS_LOGIN_URL", "MS_GRAPH_URL", "FOURME_OAUTH_URL", "FOURME_GRAPHQL_URL"]) {
      for (const bad of [
        "http://login.example.com",
        "http://10.0.0.5:4001/login",
        "http://128.0.0.1/",
        "http://[::2]/",
      ]) {
        expect(() => readConfig({ ...base, [variable]: bad }), `${variable}=${bad}`).to.throw(
          ConfigError,
          new RegExp(`^configuration: ${variable} is invalid: must be https://`),
        );
      }
      for (const ok of [
        "https://login.example.com",
        "http://127.0.0.1:4001/x",
        "http://127.9.8.7/",
        "http://localhost:9/",
        "http://[::1]:4001/",
      ]) {
        expect(() => readConfig({ ...base, [variable]: ok }), `${variable}=${ok}`).not.to.throw();
      }
    }
    // Links only: no credential goes there.
    expect(readConfig({ ...base, MS_ADMIN_CENTER_URL: "http://intune.example" }).microsoft.adminCenterUrl).to.equal(
      "http://intune.example",
    );
  });

  describe("DATABASE_URL", () => {
    const database = (value?: string) => readConfig({ ...base, DATABASE_URL: value, SECRET_KEY: KEY }).database;
    const KEY = Buffer.alloc(32, 7).toString("base64");

    it("takes PostgreSQL URLs, file: URLs, .db and .sqlite paths in an existing folder, and the default", () => {
      const dir = mkdtempSync(join(tmpdir(), "dburl-"));
      expect(database("postgres://u@127.0.0.1/db")).to.deep.equal({
        kind: "postgres",
        url: "postgres://u@127.0.0.1/db",
      });
      expect(database("postgresql://u@db.example/x").kind).to.equal("postgres");
      expect(database(pathToFileURL(join(dir, "c.db")).href)).to.deep.equal({
        kind: "sqlite",
        path: join(dir, "c.db"),
      });
      expect(database(join(dir, "c.sqlite"))).to.deep.equal({ kind: "sqlite", path: join(dir, "c.sqlite") });
      expect(database(undefined)).to.deep.equal({ kind: "sqlite", path: "./data/connector.db" });
      expect(database("")).to.deep.equal({ kind: "sqlite", path: "./data/connector.db" });
      // The default folder is created when the store opens, also when it is named explicitly.
      expect(database("data/other.db")).to.deep.equal({ kind: "sqlite", path: "data/other.db" });
      expect(database(":memory:").kind).to.equal("sqlite");
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it("refuses anything else with one line naming DATABASE_URL, without repeating the value", () => {
      const cases: [string, RegExp][] = [
        ["not-a-url", /^configuration: DATABASE_URL is neither a database URL nor a SQLite file path/],
        ["mysql://root:hunter2@y/z", /^configuration: DATABASE_URL is a mysql: URL, which is not supported/],
        ["/nonexistent/dir/x.db", /^configuration: DATABASE_URL names a SQLite file in a folder that does not exist/],
        ["file:///nonexistent/dir/x.db", /folder that does not exist \(\/nonexistent\/dir\)/],
        ["postgres://[bad", /^configuration: DATABASE_URL is not a valid PostgreSQL URL$/],
      ];
      for (const [value, message] of cases) {
        const err = (() => {
          try {
            database(value);
          } catch (e) {
            return e as Error;
          }
          throw new Error(`accepted ${value}`);
        })();
        expect(err, value).to.be.instanceOf(ConfigError);
        expect(err.message, value).to.match(message).and.not.include("\n").and.not.include("hunter2");
      }
    });
  });

  describe("what serve and sync need (checked before anything touches the disk)", () => {
    const full = {
      ...base,
      FOURME_PROVIDER_CLIENT_ID: "id",
      FOURME_PROVIDER_CLIENT_SECRET: "secret",
      MS_CLIENT_ID: "6731de76-14a6-49ae-97bc-6eba6914391e",
      MS_CLIENT_SECRET: "ms-secret",
      FOURME_WEBHOOK_PUBLIC_KEY: "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----",
    };
    const without = (name: keyof typeof full) => readConfig({ ...full, [name]: undefined });

    it("serve needs the provider application and the Microsoft application; the webhook key may come later", () => {
      expect(() => requireServeSettings(readConfig(full))).not.to.throw();
      for (const name of ["FOURME_PROVIDER_CLIENT_ID", "FOURME_PROVIDER_CLIENT_SECRET", "MS_CLIENT_ID"] as const) {
        expect(() => requireServeSettings(without(name)), name).to.throw(ConfigError, `configuration: ${name} `);
      }
      expect(() => readConfig({ ...full, MS_CLIENT_SECRET: undefined })).to.throw(ConfigError, /MS_CLIENT_SECRET/);
      expect(() => requireServeSettings(without("FOURME_WEBHOOK_PUBLIC_KEY"))).not.to.throw();
    });

    it("serve takes the webhook key from the environment, else the one publish recorded, else says what to do", async () => {
      const store = await openStore(
        { database: { kind: "sqlite", path: ":memory:" }, secretKeys: undefined },
        silentLogger,
      );
      try {
        expect(await webhookKeyAtStart(readConfig(full), store)).to.deep.equal({ source: "environment" });
        const noKey = without("FOURME_WEBHOOK_PUBLIC_KEY");
        const none = await webhookKeyAtStart(noKey, store);
        expect(none.source).to.equal("none");
        expect((none as { advice: string }).advice).to.include("npm run offering:publish");
        await recordPolicyKey(store, {
          policyId: "NG1-policy",
          algorithm: "es512",
          publicKeyPem: "-----BEGIN PUBLIC KEY-----",
        });
        expect(await webhookKeyAtStart(noKey, store)).to.deep.equal({ source: "recorded" });
      } finally {
        await store.close();
      }
    });

    it("takes a certificate instead of a Microsoft client secret", () => {
      const c = readConfig({
        ...full,
        MS_CLIENT_SECRET: undefined,
        MS_CERTIFICATE_THUMBPRINT: "AB".repeat(20),
        MS_CERTIFICATE_PRIVATE_KEY: "k",
      });
      expect(() => requireServeSettings(c)).not.to.throw();
    });

    it("sync needs no webhook key", () => {
      expect(() => requireSyncSettings(without("FOURME_WEBHOOK_PUBLIC_KEY"))).not.to.throw();
      expect(() => requireSyncSettings(without("FOURME_PROVIDER_CLIENT_SECRET"))).to.throw(
        /FOURME_PROVIDER_CLIENT_SECRET/,
      );
    });
  });
});
