import { expect } from "chai";
import { readConfig } from "../../../src/config.js";
import { silentLogger } from "../../../src/logger.js";
import { Field, tenantField } from "../../../src/app-instance/fields.js";
import { createRefreshInstanceJob, refreshInstance } from "../../../src/webhooks/refresh-instance.js";
import type { AppInstanceInfo } from "../../../src/webhooks/types.js";
import { MemoryStore } from "../../helpers/memory-store.js";
import { FakeAppInstances, RecordingQueue } from "./harness.js";
import { RecordingWriter } from "../intune/connection-helpers.js";

const config = readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc", SYNC_DEFAULT_INTERVAL_MINUTES: "60" });

function info(overrides: Partial<AppInstanceInfo> = {}): AppInstanceInfo {
  return {
    id: "NG1lLmNvbS9BcHBJbnN0YW5jZS8xMg",
    customerAccount: "widget",
    disabled: false,
    suspended: false,
    enabledByCustomer: true,
    customFields: [
      { id: Field.active, value: true },
      { id: Field.importWindows, value: "true" },
      { id: tenantField.domain(1), value: "Contoso.onmicrosoft.com" },
      { id: tenantField.cloud(1), value: "global" },
      { id: Field.syncIntervalMinutes, value: "30" },
    ],
    ...overrides,
  };
}

describe("refreshInstance", () => {
  let store: MemoryStore;
  let queue: RecordingQueue;
  let appInstances: FakeAppInstances;
  const deps = () => ({ config, store, queue, appInstances, logger: silentLogger });

  beforeEach(async () => {
    store = new MemoryStore();
    queue = new RecordingQueue();
    appInstances = new FakeAppInstances();
    await store.upsertInstance({ account: "widget", offeringReference: "microsoft_intune" });
  });

  it("stores the parsed settings and flags, and queues tenant validation and a sync", async () => {
    appInstances.instances.set("widget", info());
    const outcome = await refreshInstance("widget", "app_instance.create", deps());
    expect(outcome).to.deep.equal({ tenantsChanged: true, runnable: true, settingsChanged: true });
    const stored = store.instances.get("widget")!;
    expect(stored.appInstanceId).to.equal("NG1lLmNvbS9BcHBJbnN0YW5jZS8xMg");
    expect(stored.settings?.tenants).to.deep.equal([{ slot: 1, domain: "contoso.onmicrosoft.com", cloud: "global" }]);
    expect(stored.settings?.filters).to.include({ active: true, windows: true, ios: false });
    expect(stored.settings?.syncIntervalMinutes).to.equal(30);
    expect(queue.jobs).to.deep.equal([
      { name: "validate-tenants", data: { account: "widget", trigger: "app_instance.create" }, singletonKey: "widget" },
      { name: "sync", data: { account: "widget", trigger: "app_instance.create" }, singletonKey: "widget" },
    ]);
  });

  it("queues only a sync when the tenants did not change", async () => {
    appInstances.instances.set("widget", info());
    await refreshInstance("widget", "app_instance.create", deps());
    queue.jobs.length = 0;
    appInstances.instances.set(
      "widget",
      info({ customFields: [...info().customFields, { id: Field.importIos, value: true }] }),
    );
    expect(await refreshInstance("widget", "app_instance.update", deps())).to.deep.equal({
      tenantsChanged: false,
      runnable: true,
      settingsChanged: true,
    });
    expect(queue.jobs.map((j) => j.name)).to.deep.equal(["sync"]);
    expect(store.instances.get("widget")?.settings?.filters.ios).to.equal(true);
  });

  it("queues no sync when only the fields the connector writes changed (its own writes, echoed by 4me)", async () => {
    appInstances.instances.set("widget", info());
    await refreshInstance("widget", "app_instance.create", deps());
    queue.jobs.length = 0;
    const written = [
      { id: tenantField.status(1), value: "connected" },
      { id: Field.syncSummary, value: "12 devices, 3 created" },
      { id: Field.syncStartAt, value: "2026-01-05T09:00:00Z" },
    ];
    appInstances.instances.set("widget", info({ customFields: [...info().customFields, ...written] }));
    expect(await refreshInstance("widget", "app_instance.update", deps())).to.deep.equal({
      tenantsChanged: false,
      runnable: true,
      settingsChanged: false,
    });
    expect(queue.jobs).to.deep.equal([]);
  });

  it("queues a sync when the customer enables the instance again, even with the same settings", async () => {
    appInstances.instances.set("widget", info());
    await refreshInstance("widget", "app_instance.create", deps());
    appInstances.instances.set("widget", info({ enabledByCustomer: false }));
    await refreshInstance("widget", "app_instance.update", deps());
    queue.jobs.length = 0;
    appInstances.instances.set("widget", info());
    expect(await refreshInstance("widget", "app_instance.update", deps())).to.include({ settingsChanged: true });
    expect(queue.jobs.map((j) => j.name)).to.deep.equal(["sync"]);
  });

  it("queues tenant validation but no sync for a suspended or disabled instance", async () => {
    appInstances.instances.set("widget", info({ suspended: true }));
    expect(await refreshInstance("widget", "app_instance.update", deps())).to.deep.equal({
      tenantsChanged: true,
      runnable: false,
      settingsChanged: true,
    });
    expect(queue.jobs.map((j) => j.name)).to.deep.equal(["validate-tenants"]);
    expect(store.instances.get("widget")?.suspended).to.equal(true);
  });

  it("keeps the stored settings when 4me shows no custom fields yet", async () => {
    appInstances.instances.set("widget", info());
    await refreshInstance("widget", "app_instance.create", deps());
    const before = store.instances.get("widget")!.settings;
    queue.jobs.length = 0;
    appInstances.instances.set("widget", info({ customFields: [] }));
    expect(await refreshInstance("widget", "app_instance.update", deps())).to.deep.equal({
      tenantsChanged: false,
      runnable: true,
      settingsChanged: false,
    });
    expect(queue.jobs).to.deep.equal([]);
    expect(store.instances.get("widget")!.settings).to.deep.equal(before);
  });

  it("stores no settings and queues nothing when an instance has never had custom fields", async () => {
    appInstances.instances.set("widget", info({ customFields: [] }));
    expect(await refreshInstance("widget", "app_instance.create", deps())).to.equal("fields-not-available");
    expect(store.instances.get("widget")!.settings).to.equal(undefined);
    expect(queue.jobs).to.deep.equal([]);
  });

  it("does nothing for an account without a stored instance (deleted meanwhile)", async () => {
    expect(await refreshInstance("gone", "app_instance.update", deps())).to.equal("no-instance");
    expect(appInstances.calls).to.deep.equal([]);
    expect(store.instances.has("gone")).to.equal(false);
  });

  it("keeps what is stored when 4me does not show the instance yet", async () => {
    expect(await refreshInstance("widget", "app_instance.create", deps())).to.equal("not-in-4me");
    expect(queue.jobs).to.deep.equal([]);
  });

  it("is what the refresh-instance job handler runs", async () => {
    appInstances.instances.set("widget", info());
    await createRefreshInstanceJob(deps())({ account: "widget", trigger: "schedule" });
    expect(queue.jobs.map((j) => [j.name, j.data.trigger])).to.deep.equal([
      ["validate-tenants", "schedule"],
      ["sync", "schedule"],
    ]);
  });

  it("lets a store failure reach the queue, which logs the failed job", async () => {
    appInstances.instances.set("widget", info());
    store.failing.add("upsertInstance");
    let error: unknown;
    await refreshInstance("widget", "x", deps()).catch((err) => (error = err));
    expect((error as Error).message).to.equal("store down (upsertInstance)");
  });

  it("writes the clouds this deployment has an app registration for into the form, and not again once it shows them", async () => {
    const writer = new RecordingWriter();
    const withApps = readConfig({
      FOURME_PROVIDER_ACCOUNT: "wdc",
      MS_CLIENT_ID: "11111111-2222-4333-8444-555555555555",
      MS_CLIENT_SECRET: "s",
      MS_USGOV_CLIENT_ID: "66666666-7777-4888-9999-aaaaaaaaaaaa",
      MS_USGOV_CLIENT_SECRET: "u",
    });
    const offered = { id: Field.offeredClouds, value: "global,usgov,usgov-dod" };
    appInstances.instances.set("widget", info());
    await refreshInstance("widget", "app_instance.create", { ...deps(), config: withApps, writer });
    expect(writer.calls).to.deep.equal([{ id: info().id, fields: [offered] }]);

    appInstances.instances.set("widget", info({ customFields: [...info().customFields, offered] }));
    queue.jobs.length = 0;
    await refreshInstance("widget", "app_instance.update", { ...deps(), config: withApps, writer });
    expect(writer.calls).to.have.length(1);
    expect(
      queue.jobs.map((j) => j.name),
      "the echo of our own write changes no customer setting",
    ).to.deep.equal([]);
  });

  it("checks the tenants again when the deployment's clouds changed, though the form's tenants did not", async () => {
    const writer = new RecordingWriter();
    const globalOnly = readConfig({
      FOURME_PROVIDER_ACCOUNT: "wdc",
      MS_CLIENT_ID: "11111111-2222-4333-8444-555555555555",
      MS_CLIENT_SECRET: "s",
    });
    const shown = { id: Field.offeredClouds, value: "global,usgov,usgov-dod" };
    appInstances.instances.set("widget", info({ customFields: [...info().customFields, shown] }));
    await refreshInstance("widget", "app_instance.create", deps());
    queue.jobs.length = 0;

    await refreshInstance("widget", "app_instance.update", { ...deps(), config: globalOnly, writer });

    expect(writer.calls.map((c) => c.fields)).to.deep.equal([[{ id: Field.offeredClouds, value: "global" }]]);
    // The tenants are checked again; the customer's settings did not change, so no sync is queued for it.
    expect(queue.jobs.map((j) => j.name)).to.deep.equal(["validate-tenants"]);
  });
});
