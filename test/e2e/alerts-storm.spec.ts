// No request storms (issue 15): switching alerts on for 2,000 noncompliant devices raises the form's limit of new
// requests per run, oldest violation first, and keeps ONE summary request listing the devices still waiting; a 4me
// budget nearly spent makes a run stop writing, say so, and leave the rest to the next run.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { SUMMARY_SOURCE_ID, isSummaryEntry } from "../../src/alerts/alert-queue.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";
import { customerMutations } from "./helpers/sandbox.js";

const SERVICE_INSTANCE = "Endpoint Management (alerts)";

async function start(size: number): Promise<{ sandbox: Sandbox; tenant: string; instanceId: string }> {
  const fleet = generateFleet({ seed: 1515, size });
  fleet.fourme.serviceInstances = [...(fleet.fourme.serviceInstances ?? []), { name: SERVICE_INSTANCE }];
  const sandbox = await startSandbox({ fleet, instantWaits: true });
  const tenant = fleet.tenants[0]!.domain;
  const controls = sandbox.microsoft.controls;
  for (const d of controls.tenant(tenant).devices) controls.setCompliance(tenant, String(d["id"]), "compliant");
  await sandbox.setup({
    tenants: [{ domain: tenant }],
    fields: [...IMPORT_ALL, { id: Field.supportTeam, value: "Service Desk" }],
  });
  const instance = sandbox.fourme.inspect.serviceInstances(sandbox.account).find((s) => s.name === SERVICE_INSTANCE)!;
  return { sandbox, tenant, instanceId: instance.id };
}

/** Makes the imported devices noncompliant (n of them, all when undefined); returns their ids. */
async function breakImported(sandbox: Sandbox, tenant: string, n?: number): Promise<string[]> {
  const imported = (await sandbox.connector.store.getLedger(sandbox.account)).filter((e) => e.ciId && !e.retired);
  const ids = imported.slice(0, n ?? imported.length).map((e) => e.deviceId);
  for (const id of ids) sandbox.microsoft.controls.setCompliance(tenant, id, "noncompliant");
  return ids;
}

const ourRequests = (sandbox: Sandbox) =>
  sandbox.fourme.inspect.requests(sandbox.account).filter((r) => r.source === "Intune");
const deviceRequests = (sandbox: Sandbox) => ourRequests(sandbox).filter((r) => r.sourceID !== SUMMARY_SOURCE_ID);
const summaries = (sandbox: Sandbox) => ourRequests(sandbox).filter((r) => r.sourceID === SUMMARY_SOURCE_ID);

describe("alerts without a request storm (issue 15)", function () {
  this.timeout(180_000);

  describe("2,000 noncompliant devices, at most 100 new requests per run", () => {
    let sandbox: Sandbox;
    let tenant: string;
    let instanceId: string;
    let failing: string[];
    before(async () => {
      ({ sandbox, tenant, instanceId } = await start(2_100));
      failing = await breakImported(sandbox, tenant, 2_000);
      expect(failing).to.have.length(2_000);
      await sandbox.sync("compliance-on-cis");
    });
    after(() => sandbox?.close());

    it("the form counts the requests alerts would raise, before they are switched on", () => {
      const breakdown = JSON.parse(String(sandbox.formValues()[Field.fleetBreakdown])) as {
        alerts?: [string, string, string, number, number][];
      };
      const noncompliant = (breakdown.alerts ?? []).reduce((n, r) => n + r[3], 0);
      expect(noncompliant).to.equal(2_000);
    });

    it("raises 100 requests and one summary request listing the 1,900 devices still waiting", async () => {
      await sandbox.saveForm([
        { id: Field.alertsEnabled, value: true },
        { id: Field.alertsServiceInstance, value: instanceId },
      ]);
      const [run] = await sandbox.runs(1);
      expect(run.counts["alerts_created"]).to.equal(100);
      expect(run.counts["alerts_waiting"]).to.equal(1_900);
      expect(run.counts["alerts_summary_created"]).to.equal(1);
      expect(deviceRequests(sandbox)).to.have.length(100);
      const [summary] = summaries(sandbox);
      expect(summaries(sandbox)).to.have.length(1);
      expect(summary.subject).to.equal("Intune compliance: 1,900 devices wait for their own request");
      const waiting = (await sandbox.connector.store.getAlerts(sandbox.account)).filter((a) => a.state === "waiting");
      expect(waiting).to.have.length(1_900);
    });

    it("raises the next 100 in the next run, oldest violation first, and keeps the one summary current", async () => {
      const before = await sandbox.connector.store.getAlerts(sandbox.account);
      const oldest = before
        .filter((a) => a.state === "waiting")
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
        .slice(0, 100);
      const cutoff = oldest[oldest.length - 1].updatedAt;
      await sandbox.sync("storm-2");
      const [run] = await sandbox.runs(1);
      expect(run.counts["alerts_created"]).to.equal(100);
      expect(run.counts["alerts_waiting"]).to.equal(1_800);
      expect(deviceRequests(sandbox)).to.have.length(200);
      // The ones raised had waited longest: none still waiting had waited longer.
      const after = await sandbox.connector.store.getAlerts(sandbox.account);
      const stillWaiting = after.filter((a) => a.state === "waiting");
      expect(stillWaiting).to.have.length(1_800);
      for (const a of stillWaiting) expect(a.updatedAt >= cutoff, a.deviceId).to.equal(true);
      // Still one summary request, with a note saying how many wait now.
      expect(summaries(sandbox)).to.have.length(1);
      expect(run.counts["alerts_summary_noted"]).to.equal(1);
      const notes = summaries(sandbox)[0].notes.map((n) => String((n as { text?: string }).text ?? n));
      expect(notes.some((t) => t.startsWith("1,800 devices fail a compliance policy"))).to.equal(true);
      expect(after.filter(isSummaryEntry)).to.have.length(1);
    });
  });

  describe("a 4me budget nearly spent", () => {
    let sandbox: Sandbox;
    let tenant: string;
    let instanceId: string;
    before(async () => {
      ({ sandbox, tenant, instanceId } = await start(60));
      await breakImported(sandbox, tenant, 5);
      await sandbox.sync("compliance-on-cis");
    });
    after(() => sandbox?.close());

    it("makes the run stop writing and say so; the next run with budget left writes it all", async () => {
      // 4me's headers now say the token's hour is nearly spent (a request budget of 1, not enforced: reads go on).
      sandbox.fourme.setRateLimits({ requestsPerHour: 1 });
      const osChanged = sandbox.microsoft.controls.tenant(tenant).devices.slice(0, 3);
      for (const d of osChanged) d["osVersion"] = `${String(d["osVersion"])}.1`;
      sandbox.fourme.resetStats();
      await sandbox.saveForm([
        { id: Field.alertsEnabled, value: true },
        { id: Field.alertsServiceInstance, value: instanceId },
      ]);
      const [run] = await sandbox.runs(1);
      expect(run.status).to.equal("partial");
      expect(run.counts["postponed:budget"]).to.be.greaterThan(0);
      expect(run.counts["postponed:alerts_budget"]).to.equal(5);
      expect(run.errors.join("\n")).to.match(/4me budget nearly spent \(\d+ of 1 requests left until .*\)/);
      expect(customerMutations(sandbox.fourme.stats())).to.deep.equal({});
      expect(ourRequests(sandbox)).to.have.length(0);
      expect(String(sandbox.formValues()[Field.syncSummary])).to.match(
        /Postponed to the next run: alerts budget 5, budget \d+/,
      );

      sandbox.fourme.setRateLimits({ requestsPerHour: 3_600 });
      await sandbox.sync("budget-back");
      const [next] = await sandbox.runs(1);
      expect(next.status).to.equal("succeeded");
      expect(next.counts["updated"]).to.equal(3);
      expect(next.counts["alerts_created"]).to.equal(5);
      expect(deviceRequests(sandbox)).to.have.length(5);
    });
  });
});
