// Compliance alerts end to end, the cases around the basic lifecycle (issue 7): a request a person completed, the
// grace period, a device that leaves Intune or the filters while alerting, routing to the CI's service instance or
// the form's default with the form's team, and the count of unlinked CIs on the app instance. One sandbox, several
// syncs; each test breaks its own device of a quiet fleet.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { alertSourceId } from "../../src/alerts/plan-alerts.js";
import { FAILURES } from "../../src/sandbox/fleet/compliance.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { writeRequest } from "../../src/sandbox/fourme/request-write.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";

/** A field of a record the inspection API refers to (a dangling reference carries only its id). */
const field = (ref: unknown, name: string): unknown => (ref as Record<string, unknown> | null)?.[name];

const DEFAULT_INSTANCE = "Endpoint Management (alerts)";
const OWN_INSTANCE = "Managed Workplace – contoso.com";
const ALERT_TEAM = "Workplace Management";
const DAY = 86_400_000;

describe("compliance alerts, further cases (sandbox end to end)", function () {
  this.timeout(30_000);

  let sandbox: Sandbox;
  let tenant: string;
  let tenantId: string;
  /** Imported devices by platform, in fleet order; each test takes its own. */
  const devices: Record<string, string[]> = {};
  const take = (os: string) => {
    const id = devices[os]?.shift();
    if (!id) throw new Error(`the fleet has no more ${os} devices`);
    return id;
  };
  const requestsOf = (deviceId: string) =>
    sandbox.fourme.inspect.requests(sandbox.account).filter((r) => r.sourceID === alertSourceId(tenantId, deviceId));
  const onlyRequestOf = (deviceId: string) => {
    const requests = requestsOf(deviceId);
    expect(requests, `requests of ${deviceId}`).to.have.length(1);
    return requests[0]!;
  };
  const ciIdOf = async (deviceId: string) =>
    (await sandbox.connector.store.getLedger(sandbox.account)).find((e) => e.deviceId === deviceId)!.ciId!;
  const fail = (deviceId: string, failing: readonly string[] = FAILURES.firewallAntivirus) =>
    sandbox.microsoft.controls.setCompliance(tenant, deviceId, "noncompliant", [...failing]);
  /** Puts the device in its grace period, ending `inMs` from now (negative: already ended). */
  const inGrace = (deviceId: string, inMs: number) => {
    const d = sandbox.microsoft.controls.setCompliance(tenant, deviceId, "inGracePeriod", [...FAILURES.bitlocker]);
    d["complianceGracePeriodExpirationDateTime"] = new Date(Date.now() + inMs).toISOString();
  };

  before(async () => {
    const fleet = generateFleet({ seed: 4242, size: 16 });
    fleet.fourme.serviceInstances = [...(fleet.fourme.serviceInstances ?? []), { name: DEFAULT_INSTANCE }];
    sandbox = await startSandbox({ fleet, instantWaits: true });
    tenant = fleet.tenants[0]!.domain;
    tenantId = fleet.tenants[0]!.tenantId;
    const t = sandbox.microsoft.controls.tenant(tenant);
    for (const d of t.devices) sandbox.microsoft.controls.setCompliance(tenant, String(d["id"]), "compliant");
    const instances = sandbox.fourme.inspect.serviceInstances(sandbox.account);
    const team = sandbox.fourme.inspect.teams(sandbox.account).find((x) => x.name === ALERT_TEAM);
    await sandbox.setup({
      tenants: [{ domain: tenant }],
      fields: [
        ...IMPORT_ALL,
        { id: "ci_support_team", value: "Service Desk" },
        { id: Field.alertsEnabled, value: true },
        { id: Field.alertsServiceInstance, value: instances.find((s) => s.name === DEFAULT_INSTANCE)!.id },
        { id: Field.alertsTeam, value: team!.id },
      ],
    });
    await sandbox.sync();
    const imported = new Set(
      (await sandbox.connector.store.getLedger(sandbox.account)).filter((e) => e.ciId).map((e) => e.deviceId),
    );
    for (const d of t.devices.filter((x) => x["ownerType"] === "company" && imported.has(String(x["id"])))) {
      (devices[String(d["operatingSystem"])] ??= []).push(String(d["id"]));
    }
  });
  after(async () => sandbox?.close());

  it("writes the number of imported CIs without a service instance to the app instance", async () => {
    const ledger = (await sandbox.connector.store.getLedger(sandbox.account)).filter((e) => e.ciId && !e.retired);
    const ours = new Set(ledger.map((e) => e.ciId));
    const unlinked = () =>
      sandbox.fourme.inspect.cis(sandbox.account).filter((c) => ours.has(c.id) && c.serviceInstanceIds.length === 0)
        .length;
    const before = unlinked();
    expect(before).to.be.greaterThan(1);
    expect(sandbox.formValues()[Field.unlinkedCis]).to.equal(before);

    // Someone links one CI to a service instance in 4me: the next sync counts one fewer.
    const deviceId = devices["Windows"]![0]!;
    const store = sandbox.fourme.accounts;
    const own = sandbox.fourme.inspect.serviceInstances(sandbox.account).find((s) => s.name === OWN_INSTANCE)!;
    store.cis.update(store.cis.get(await ciIdOf(deviceId))!, { serviceInstanceIds: [own.id] });
    await sandbox.sync();
    expect(unlinked()).to.equal(before - 1);
    expect(sandbox.formValues()[Field.unlinkedCis]).to.equal(before - 1);
  });

  it("raises the request on the CI's own service instance, or else the form's default, with the form's team", async () => {
    const linked = take("Windows"); // linked to its own service instance by the test above
    const plain = take("Windows");
    fail(linked);
    fail(plain);
    const { run } = await sandbox.sync();
    expect(run?.counts["alerts_created"]).to.equal(2);
    const a = onlyRequestOf(linked);
    const b = onlyRequestOf(plain);
    expect(field(a.serviceInstance, "name")).to.equal(OWN_INSTANCE);
    expect(field(b.serviceInstance, "name")).to.equal(DEFAULT_INSTANCE);
    expect(field(a.team, "name")).to.equal(ALERT_TEAM);
    expect(field(b.team, "name")).to.equal(ALERT_TEAM);
    devices["alerting"] = [linked, plain];
  });

  it("writes nothing to a request a person completed, and opens a new one when the violation changes", async () => {
    const deviceId = devices["alerting"]![1]!;
    const store = sandbox.fourme.accounts;
    const request = onlyRequestOf(deviceId);
    const specialist = sandbox.fourme.inspect.people(sandbox.account)[0]!;
    const done = writeRequest(
      store,
      sandbox.account,
      { status: "completed", completionReason: "solved", note: "Firewall switched back on by hand." },
      specialist.id,
      store.requests.get(request.id),
    );
    expect(done.errors).to.deep.equal([]);
    const notes = onlyRequestOf(deviceId).notes.length;

    const first = await sandbox.sync();
    expect(first.run?.counts["alerts_closed_by_person"]).to.equal(1);
    const second = await sandbox.sync();
    for (const run of [first.run, second.run]) {
      expect(run?.counts["alerts_created"] ?? 0).to.equal(0);
      expect(run?.counts["alerts_noted"] ?? 0).to.equal(0);
      expect(run?.counts["alerts_resolved"] ?? 0).to.equal(0);
    }
    const after = onlyRequestOf(deviceId);
    expect(after.status).to.equal("completed");
    expect(after.notes).to.have.length(notes);
    expect(field(after.team, "name")).to.equal(ALERT_TEAM);

    fail(deviceId, FAILURES.bitlocker);
    const { run } = await sandbox.sync();
    expect(run?.counts["alerts_created"]).to.equal(1);
    const open = requestsOf(deviceId).filter((r) => r.id !== request.id);
    expect(open).to.have.length(1);
    expect(open[0]!.status).to.not.equal("completed");
    expect(open[0]!.notes[0]!.text).to.contain(`see request #${request.requestId}`).and.contain("BitLocker");
    expect(requestsOf(deviceId).find((r) => r.id === request.id)!.notes).to.have.length(notes);
  });

  it("does not alert during the grace period by default, and alerts once it has ended", async () => {
    const deviceId = take("Windows");
    inGrace(deviceId, 3 * DAY);
    const during = await sandbox.sync();
    expect(during.run?.counts["alerts_skipped:in_grace_period"]).to.equal(1);
    expect(requestsOf(deviceId)).to.have.length(0);

    inGrace(deviceId, -DAY);
    const ended = await sandbox.sync();
    expect(ended.run?.counts["alerts_created"]).to.equal(1);
    const r = onlyRequestOf(deviceId);
    expect(r.subject).to.contain("noncompliant");
    expect(r.notes[0]!.text).to.contain("BitLocker").and.not.contain("grace period");
    devices["grace"] = [deviceId];
  });

  it("keeps the status, team and member a person set: it only adds a note, then completes", async () => {
    const deviceId = devices["grace"]![0]!;
    const store = sandbox.fourme.accounts;
    const request = onlyRequestOf(deviceId);
    const people = sandbox.fourme.inspect.people(sandbox.account);
    const desk = sandbox.fourme.inspect.teams(sandbox.account).find((t) => t.name === "Service Desk")!;
    const edited = writeRequest(
      store,
      sandbox.account,
      { status: "in_progress", teamId: desk.id, memberId: people[1]!.id },
      people[1]!.id,
      store.requests.get(request.id),
    );
    expect(edited.errors).to.deep.equal([]);
    const notes = onlyRequestOf(deviceId).notes.length;

    fail(deviceId, FAILURES.firewallAntivirus);
    const changed = await sandbox.sync();
    expect(changed.run?.counts["alerts_noted"]).to.equal(1);
    let r = onlyRequestOf(deviceId);
    expect(r.notes).to.have.length(notes + 1);
    expect([r.status, field(r.team, "name"), field(r.member, "id")]).to.deep.equal([
      "in_progress",
      "Service Desk",
      people[1]!.id,
    ]);

    sandbox.microsoft.controls.setCompliance(tenant, deviceId, "compliant");
    await sandbox.sync();
    r = onlyRequestOf(deviceId);
    expect(r.status).to.equal("completed");
    expect([field(r.team, "name"), field(r.member, "id")]).to.deep.equal(["Service Desk", people[1]!.id]);
  });

  it("adds one note to the open request of a device removed from Intune, and does not complete it", async () => {
    const deviceId = devices["alerting"]![0]!;
    const before = onlyRequestOf(deviceId).notes.length;
    const removed = sandbox.microsoft.controls.removeDevice(tenant, deviceId);
    const { run } = await sandbox.sync();
    expect(run?.counts["alerts_gone_noted"]).to.equal(1);
    await sandbox.sync();
    const r = onlyRequestOf(deviceId);
    expect(r.status).to.not.equal("completed");
    expect(r.notes).to.have.length(before + 1);
    expect(r.notes.at(-1)!.text)
      .to.contain(`${String(removed["deviceName"])} is no longer in Intune`)
      .and.contain("will not complete this request");
  });

  it("alerts during the grace period when the form says so", async () => {
    const deviceId = take("Windows");
    inGrace(deviceId, 3 * DAY);
    await sandbox.sync();
    expect(requestsOf(deviceId)).to.have.length(0);
    await sandbox.saveForm([{ id: Field.alertsDuringGracePeriod, value: true }]);
    await sandbox.sync();
    const r = onlyRequestOf(deviceId);
    expect(r.notes[0]!.text).to.contain("BitLocker");
    expect(r.subject).to.contain("in its grace period");
    expect(r.notes[0]!.text).to.contain("grace period ends");
  });

  it("adds one note to the open request of a device the import filters now exclude, and does not complete it", async () => {
    const deviceId = take("macOS");
    fail(deviceId);
    await sandbox.sync();
    const before = onlyRequestOf(deviceId).notes.length;
    await sandbox.saveForm([{ id: Field.importMacos, value: false }]);
    await sandbox.sync();
    await sandbox.sync();
    const r = onlyRequestOf(deviceId);
    expect(r.status).to.not.equal("completed");
    expect(r.notes).to.have.length(before + 1);
    expect(r.notes.at(-1)!.text).to.contain("import filters now exclude");
  });
});
