// An automation_rule webhook starts at most one sync per account per minute; the others are acknowledged as
// coalesced. The window lives in the store, so two replicas (two stores on one database) share it.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConfig } from "../../../src/config.js";
import { silentLogger } from "../../../src/logger.js";
import { PostgresStore } from "../../../src/store/postgres/postgres-store.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import type { InstanceStore } from "../../../src/store/types.js";
import { handleAutomationRule } from "../../../src/webhooks/handlers/automation-rule.js";
import type { HandlerDeps, WebhookContext } from "../../../src/webhooks/types.js";
import { makeKey } from "../../helpers/jwt.js";
import { createTestSchema, requirePostgres, type TestSchema } from "../../helpers/pg.js";
import { key, TestClock } from "../store/contract.js";
import { providerEnvelope, RecordingQueue, startReceiver } from "./harness.js";

const ACCOUNT = "widget";
const RUNNABLE = { enabledByCustomer: true, disabled: false, suspended: false };

describe("automation_rule: at most one sync per account per minute", () => {
  it("acknowledges a second rule within the minute as coalesced (200, logged), queueing one sync", async () => {
    const r = await startReceiver();
    try {
      const customerKey = await makeKey("ES256");
      await r.store.mergeSecrets(ACCOUNT, { policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem } });
      await r.store.upsertInstance({ account: ACCOUNT, offeringReference: "microsoft_intune", ...RUNNABLE });
      const send = async () =>
        r.post(`/webhooks/4me/customer?account=${ACCOUNT}`, {
          jwt: await r.sign(
            { ...providerEnvelope("automation_rule"), account_id: ACCOUNT },
            { issuer: "https://widget.4me.com" },
            customerKey,
          ),
        });
      expect((await send()).body?.message).to.equal("sync queued");
      const second = await send();
      expect(second.status).to.equal(200);
      expect(second.body?.message).to.match(/^coalesced: /);
      expect(r.logs.at(-1)?.webhook?.reason).to.match(/^coalesced: /);
      expect(r.queue.jobs).to.have.length(1);
    } finally {
      await r.close();
    }
  });

  it("keeps each account's minute its own: another account's rule neither uses up nor shares it", async () => {
    const r = await startReceiver();
    try {
      const keys = { widget: await makeKey("ES256"), acme: await makeKey("ES256") };
      for (const [account, k] of Object.entries(keys)) {
        await r.store.mergeSecrets(account, { policy: { algorithm: "ES256", public_key: k.publicKeyPem } });
        await r.store.upsertInstance({ account, offeringReference: "microsoft_intune", ...RUNNABLE });
      }
      const send = async (account: "widget" | "acme") =>
        r.post(`/webhooks/4me/customer?account=${account}`, {
          jwt: await r.sign(
            { ...providerEnvelope("automation_rule"), account_id: account },
            { issuer: `https://${account}.4me.com` },
            keys[account],
          ),
        });
      expect((await send("acme")).body?.message).to.equal("sync queued");
      expect((await send("widget")).body?.message, "acme's rule left widget's minute alone").to.equal("sync queued");
      expect((await send("acme")).body?.message).to.match(/^coalesced: /);
      expect(r.queue.jobs.map((j) => j.data.account).sort()).to.deep.equal(["acme", "widget"]);
    } finally {
      await r.close();
    }
  });

  /** Two replicas: two stores on one database, one clock; the handler called as the receiver would. */
  function acrossReplicas(open: (clock: TestClock) => Promise<[InstanceStore, InstanceStore]>) {
    return async () => {
      const clock = new TestClock();
      const [a, b] = await open(clock);
      try {
        await a.upsertInstance({ account: ACCOUNT, offeringReference: "microsoft_intune", ...RUNNABLE });
        const queue = new RecordingQueue();
        const config = readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc" });
        const deps = (store: InstanceStore): HandlerDeps => ({
          config,
          store,
          queue,
          logger: silentLogger,
          fetch,
          now: clock.now,
          verifyCallbackTimeoutMs: 1000,
        });
        const ctx: WebhookContext = {
          source: "customer",
          account: ACCOUNT,
          accountUrls: [],
          data: { ...providerEnvelope("automation_rule"), account_id: ACCOUNT },
          logger: silentLogger,
        };
        const outcomes = [];
        outcomes.push((await handleAutomationRule(ctx, deps(a))).outcome);
        clock.advance(20_000);
        outcomes.push((await handleAutomationRule(ctx, deps(b))).outcome);
        clock.advance(39_000);
        outcomes.push((await handleAutomationRule(ctx, deps(a))).outcome);
        clock.advance(1_001);
        outcomes.push((await handleAutomationRule(ctx, deps(b))).outcome);
        outcomes.push((await handleAutomationRule(ctx, deps(a))).outcome);
        expect(outcomes.map((o) => o.split(":")[0])).to.deep.equal([
          "sync queued",
          "coalesced",
          "coalesced",
          "sync queued",
          "coalesced",
        ]);
        expect(queue.jobs).to.have.length(2);
      } finally {
        await a.close();
        await b.close();
      }
    };
  }

  it(
    "shares the minute across two SQLite stores on one file",
    acrossReplicas(async (clock) => {
      const dir = mkdtempSync(join(tmpdir(), "rule-"));
      const keys = { current: key("k1"), previous: [] };
      const open = async () => {
        const store = new SqliteStore({ path: join(dir, "c.db"), keys, now: clock.now });
        await store.migrate();
        return store;
      };
      const a = await open();
      const b = await open();
      const closeB = b.close.bind(b);
      b.close = async () => {
        await closeB();
        rmSync(dir, { recursive: true, force: true });
      };
      return [a, b];
    }),
  );

  describe("on PostgreSQL", () => {
    let schema: TestSchema;
    before(async function () {
      await requirePostgres(this);
      schema = await createTestSchema("rule");
    });
    after(async () => schema?.drop());

    it(
      "shares the minute across two replicas' stores",
      acrossReplicas(async (clock) => {
        const keys = { current: key("k1"), previous: [] };
        const a = new PostgresStore({ pool: schema.poolConfig, keys, now: clock.now });
        await a.migrate();
        const b = new PostgresStore({ pool: schema.poolConfig, keys, now: clock.now });
        return [a, b];
      }),
    );
  });
});
