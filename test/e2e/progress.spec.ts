// No silent phases (issue 16): a sync with alerts on reports every long phase — the Intune read (once), the CI
// writes, the compliance read and the alert requests — with counts and a total, to the CLI's callback and to the
// run's log.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { SyncProgress } from "../../src/sync/progress.js";
import { captureLog } from "../unit/intune/helpers.js";
import { BASE_FORM, startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

describe("sync progress (sandbox end to end)", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  const events: SyncProgress[] = [];
  const log = captureLog("info");

  before(async () => {
    const fleet = generateFleet({ seed: 16, size: 600 });
    sandbox = await startTestSandbox({ fleet, logger: log.logger, connector: { onProgress: (p) => events.push(p) } });
    await sandbox.setup({
      fields: [...BASE_FORM, { id: Field.alertsEnabled, value: true }],
      fieldsBeforeConsent: true,
    });
  });
  after(() => sandbox?.close());

  const ofPhase = (phase: SyncProgress["phase"]) => events.filter((e) => e.phase === phase);

  it("reads Intune once, counting up to the fleet", () => {
    const read = ofPhase("read");
    expect(
      read.filter((e) => e.done === 600 && e.total === 600),
      JSON.stringify(read),
    ).to.have.length(1);
    expect(read.map((e) => e.done)).to.deep.equal([...read.map((e) => e.done)].sort((a, b) => a - b));
  });

  it("reports the alerts pass: the compliance read and the request creates, with counts and totals", async () => {
    const created = (await sandbox.runs(1))[0]!.counts["alerts_created"] ?? 0;
    expect(created).to.be.greaterThan(0);
    const alerts = ofPhase("alerts");
    expect(alerts.length, "one event per request action and the end").to.be.at.least(created);
    // The phase opens before planning (no total yet), then counts the planned actions.
    expect(alerts[0]).to.include({ done: 0 }).and.not.have.property("total");
    expect(alerts.slice(1).every((e) => e.total === alerts.at(-1)!.total)).to.equal(true);
    expect(alerts.at(-1)).to.include({ done: alerts.at(-1)!.total });
    expect(alerts.at(-1)!.total).to.be.at.least(created);
    const compliance = ofPhase("compliance");
    expect(compliance.length).to.be.greaterThan(0);
    expect(compliance.at(-1)!.done).to.equal(compliance.at(-1)!.total).and.greaterThan(0);
    // An estimate once there is a pace.
    expect(alerts.slice(2, -1).some((e) => e.etaSeconds !== undefined)).to.equal(true);
  });

  it("logs each phase's progress in the run's log, ending with its count and time", () => {
    const lines = log.lines.filter((l) => "phase" in l);
    for (const phase of ["read", "write", "compliance", "alerts"]) {
      const last = lines.filter((l) => l["phase"] === phase).at(-1);
      expect(last, phase).to.not.equal(undefined);
      expect(last!["done"]).to.equal(last!["total"]);
      expect(String(last!["msg"])).to.match(/: \d+\/\d+ in [\d.]+ s$/);
    }
  });
});
