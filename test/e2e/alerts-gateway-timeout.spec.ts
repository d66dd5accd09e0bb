// A 4me gateway that answers 502 after 4me created the request (real 4me can: the faults that fail before anything
// is written cannot show it). The connector never sends a create twice: the alert stays pending, and the next run
// finds the request the first call made instead of raising a second one.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { alertSourceId } from "../../src/alerts/plan-alerts.js";
import { FAILURES } from "../../src/sandbox/fleet/compliance.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";

const SERVICE_INSTANCE = "Endpoint Management (alerts)";

describe("a 4me gateway that answers 502 after the request was created (e2e)", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  after(async () => sandbox?.close());

  it("raises one request, not two, and the next run recovers it", async () => {
    const fleet = generateFleet({ seed: 4242, size: 16 });
    fleet.fourme.serviceInstances = [...(fleet.fourme.serviceInstances ?? []), { name: SERVICE_INSTANCE }];
    sandbox = await startSandbox({ fleet, instantWaits: true });
    const tenant = fleet.tenants[0]!;
    const controls = sandbox.microsoft.controls;
    const devices = controls.tenant(tenant.domain).devices;
    for (const d of devices) controls.setCompliance(tenant.domain, String(d["id"]), "compliant");
    const instance = sandbox.fourme.inspect.serviceInstances(sandbox.account).find((s) => s.name === SERVICE_INSTANCE);
    await sandbox.setup({
      tenants: [{ domain: tenant.domain }],
      fields: [
        ...IMPORT_ALL,
        { id: Field.supportTeam, value: "Service Desk" },
        { id: Field.alertsEnabled, value: true },
        { id: Field.alertsServiceInstance, value: instance!.id },
      ],
    });
    const device = devices.find((d) => d["operatingSystem"] === "Windows")!;
    const sourceID = alertSourceId(tenant.tenantId, String(device["id"]));
    const requestsOf = () => sandbox.fourme.inspect.requests(sandbox.account).filter((r) => r.sourceID === sourceID);

    controls.setCompliance(tenant.domain, String(device["id"]), "noncompliant", [...FAILURES.bitlocker]);
    sandbox.fourme.setFaults({ next502AfterCommit: 1, operation: "RequestCreate" });
    const first = await sandbox.sync();
    expect(requestsOf()).to.have.length(1);
    expect(first.run!.counts["alerts_failed"]).to.equal(1);
    expect(first.run!.errors.join("\n")).to.match(/RequestCreate failed \(HTTP 502\); not sent again/);

    const next = await sandbox.sync();
    expect(next.run!.counts["alerts_recovered"]).to.equal(1);
    expect(next.run!.counts["alerts_created"] ?? 0).to.equal(0);
    expect(requestsOf()).to.have.length(1);
  });
});
