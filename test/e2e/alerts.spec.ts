// Compliance alerts end to end (issue 7): the connector built by buildConnector syncs the sandbox fleet with alerts
// switched on, over several syncs, while the Microsoft simulator changes a device's compliance between them.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { alertSourceId } from "../../src/alerts/plan-alerts.js";
import { FAILURES } from "../../src/sandbox/fleet/compliance.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { Fleet } from "../../src/sandbox/fleet/types.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";

/** A field of a record the inspection API refers to (a dangling reference carries only its id). */
const field = (ref: unknown, name: string): unknown => (ref as Record<string, unknown> | null)?.[name];

const SERVICE_INSTANCE = "Endpoint Management (alerts)";

/** A small fleet where every device is compliant, so only what a test breaks alerts. */
function quietFleet(): Fleet {
  const fleet = generateFleet({ seed: 4242, size: 16 });
  fleet.fourme.serviceInstances = [...(fleet.fourme.serviceInstances ?? []), { name: SERVICE_INSTANCE }];
  return fleet;
}

async function start(fleet: Fleet): Promise<{ sandbox: Sandbox; tenant: string; windows: Record<string, unknown>[] }> {
  const sandbox = await startSandbox({ fleet, instantWaits: true });
  const tenant = fleet.tenants[0]!.domain;
  const t = sandbox.microsoft.controls.tenant(tenant);
  for (const d of t.devices) sandbox.microsoft.controls.setCompliance(tenant, String(d["id"]), "compliant");
  const people = new Set(fleet.fourme.people.map((p) => (p.primaryEmail ?? "").toLowerCase()));
  const windows = t.devices.filter(
    (d) =>
      d["operatingSystem"] === "Windows" &&
      d["ownerType"] === "company" &&
      people.has(String(d["emailAddress"] ?? "").toLowerCase()),
  );
  const instance = sandbox.fourme.inspect.serviceInstances(sandbox.account).find((s) => s.name === SERVICE_INSTANCE);
  await sandbox.setup({
    tenants: [{ domain: tenant }],
    fields: [
      ...IMPORT_ALL,
      { id: "ci_support_team", value: "Service Desk" },
      { id: Field.alertsEnabled, value: true },
      { id: Field.alertsServiceInstance, value: instance?.id ?? "" },
    ],
  });
  return { sandbox, tenant, windows };
}

describe("compliance alerts (sandbox end to end)", function () {
  this.timeout(20_000);

  describe("one device over several syncs", () => {
    let sandbox: Sandbox;
    let tenant: string;
    let tenantId: string;
    let deviceId: string;
    let deviceName: string;
    let deviceEmail: string;
    const requestsOf = () =>
      sandbox.fourme.inspect.requests(sandbox.account).filter((r) => r.sourceID === alertSourceId(tenantId, deviceId));

    before(async () => {
      const fleet = quietFleet();
      const started = await start(fleet);
      sandbox = started.sandbox;
      tenant = started.tenant;
      tenantId = fleet.tenants[0]!.tenantId;
      const device = started.windows[0];
      if (!device) throw new Error("the fleet has no company Windows device of a 4me person");
      deviceId = String(device["id"]);
      deviceName = String(device["deviceName"]);
      deviceEmail = String(device["emailAddress"]).toLowerCase();
    });
    after(async () => sandbox?.close());

    it("raises no request while every device complies", async () => {
      await sandbox.sync();
      expect(sandbox.fourme.inspect.requests(sandbox.account)).to.have.length(0);
    });

    it("creates one request for a first violation, with the CI, the person, the failing settings and the deep link", async () => {
      sandbox.microsoft.controls.setCompliance(tenant, deviceId, "noncompliant", [...FAILURES.firewallAntivirus]);
      const { run } = await sandbox.sync();
      expect(run?.counts["alerts_created"]).to.equal(1);
      const requests = requestsOf();
      expect(requests).to.have.length(1);
      const r = requests[0]!;
      expect(r.subject).to.contain(deviceName).and.contain("Firewall").and.contain("Antivirus");
      expect(r.category).to.equal("incident");
      expect(r.impact).to.equal("low");
      expect(r.configurationItems.map((c) => field(c, "name"))).to.deep.equal([deviceName]);
      expect(String(field(r.requestedFor, "primaryEmail")).toLowerCase()).to.equal(deviceEmail);
      expect(field(r.serviceInstance, "name")).to.equal(SERVICE_INSTANCE);
      const note = r.notes.map((n) => n.text).join("\n");
      expect(note).to.contain("Failing compliance policies:").and.contain("Firewall").and.contain("Antivirus");
      expect(note)
        .to.contain(`${deviceId}`)
        .and.match(/compliance/i);
      expect(note).to.match(/https?:\/\/\S+/);
      expect(sandbox.formValues()[Field.unlinkedCis]).to.be.a("number");
    });

    it("adds nothing while the same violation persists", async () => {
      const before = requestsOf()[0]!.notes.length;
      const { run } = await sandbox.sync();
      expect(run?.counts["alerts_unchanged"]).to.be.greaterThan(0);
      expect(run?.counts["alerts_created"] ?? 0).to.equal(0);
      expect(run?.counts["alerts_noted"] ?? 0).to.equal(0);
      const requests = requestsOf();
      expect(requests).to.have.length(1);
      expect(requests[0]!.notes).to.have.length(before);
    });

    it("adds exactly one note when the violation changes", async () => {
      const before = requestsOf()[0]!.notes.length;
      sandbox.microsoft.controls.setCompliance(tenant, deviceId, "noncompliant", [...FAILURES.bitlocker]);
      const { run } = await sandbox.sync();
      expect(run?.counts["alerts_noted"]).to.equal(1);
      const requests = requestsOf();
      expect(requests).to.have.length(1);
      expect(requests[0]!.notes).to.have.length(before + 1);
      expect(requests[0]!.notes.at(-1)!.text).to.contain("changed").and.contain("BitLocker");
      await sandbox.sync();
      expect(requestsOf()[0]!.notes).to.have.length(before + 1);
    });

    it("completes the request when the device complies again", async () => {
      sandbox.microsoft.controls.setCompliance(tenant, deviceId, "compliant");
      const { run } = await sandbox.sync();
      expect(run?.counts["alerts_resolved"]).to.equal(1);
      const requests = requestsOf();
      expect(requests).to.have.length(1);
      expect(requests[0]!.status).to.equal("completed");
      expect(requests[0]!.notes.at(-1)!.text).to.contain("compliant again");
      const again = await sandbox.sync();
      expect(again.run?.counts["alerts_resolved"] ?? 0).to.equal(0);
    });

    it("opens a new request when the violation comes back", async () => {
      sandbox.microsoft.controls.setCompliance(tenant, deviceId, "noncompliant", [...FAILURES.bitlocker]);
      await sandbox.sync();
      const requests = requestsOf();
      expect(requests).to.have.length(2);
      const open = requests.filter((r) => r.status !== "completed");
      expect(open).to.have.length(1);
      const previous = requests.find((r) => r.status === "completed")!;
      expect(open[0]!.notes[0]!.text).to.contain(`noncompliant before: see request #${previous.requestId}`);
    });

    it("leaves one request after a crash between creating it and recording it", async () => {
      // Simulate the crash: the request exists in 4me, the ledger still says the create was in flight.
      const store = sandbox.connector.store;
      const entry = (await store.getAlerts(sandbox.account)).find((a) => a.deviceId === deviceId)!;
      expect(entry.state).to.equal("open");
      const { requestId: _requestId, ...rest } = entry;
      await store.putAlert({ ...rest, state: "pending" });
      const { run } = await sandbox.sync();
      expect(run?.counts["alerts_created"] ?? 0).to.equal(0);
      expect(requestsOf().filter((r) => r.status !== "completed")).to.have.length(1);
      const after = (await store.getAlerts(sandbox.account)).find((a) => a.deviceId === deviceId)!;
      expect(after.state).to.equal("open");
      expect(after.requestId).to.equal(entry.requestId);
    });
  });

  describe("a device whose user is not in 4me", () => {
    let sandbox: Sandbox;
    after(async () => sandbox?.close());

    it("still gets a request, without a requested-for person", async () => {
      const fleet = quietFleet();
      const started = await start(fleet);
      sandbox = started.sandbox;
      const device = started.windows[1] ?? started.windows[0]!;
      const deviceId = String(device["id"]);
      sandbox.microsoft.controls.setOwner(started.tenant, deviceId, {
        id: "0e9c7c52-8d1f-4a47-9d6a-2b8a3a3f0c11",
        displayName: "Nobody Known",
        upn: "nobody.known@outside.example",
      });
      await sandbox.sync();
      sandbox.microsoft.controls.setCompliance(started.tenant, deviceId, "noncompliant", [...FAILURES.bitlocker]);
      const { run } = await sandbox.sync();
      expect(run?.counts["alerts_created"]).to.equal(1);
      const requests = sandbox.fourme.inspect
        .requests(sandbox.account)
        .filter((r) => r.sourceID === alertSourceId(fleet.tenants[0]!.tenantId, deviceId));
      expect(requests).to.have.length(1);
      // No requestedForId is sent, so 4me fills in its default (the app's own person), never one of the fleet's users.
      const seeded = new Set(fleet.fourme.people.map((p) => (p.primaryEmail ?? "").toLowerCase()));
      expect(seeded.has(String(field(requests[0]!.requestedFor, "primaryEmail") ?? "").toLowerCase())).to.equal(false);
      expect(requests[0]!.configurationItems).to.have.length(1);
    });
  });
});
