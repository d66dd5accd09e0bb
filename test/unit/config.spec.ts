import { expect } from "chai";
import { readConfig, ConfigError } from "../../src/config.js";

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
});
