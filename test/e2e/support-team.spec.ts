import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";
import { MISSING_SUPPORT_TEAM } from "../../src/sync/run-sync.js";

describe("sync without a support team in the form", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ fleet: generateFleet({ seed: 11, size: 40 }), instantWaits: true });
    await sandbox.setup({ fields: IMPORT_ALL });
  });
  after(() => sandbox?.close());

  it("says once in the summary what to set, then imports once the team is set", async () => {
    const [first] = await sandbox.runs(1);
    expect(first.errors[0]).to.equal(MISSING_SUPPORT_TEAM);
    expect(String(sandbox.formValues()[Field.syncSummary])).to.include("Support team of imported CIs");

    await sandbox.saveForm([...IMPORT_ALL, { id: Field.supportTeam, value: "Service Desk" }]);
    const [second] = await sandbox.runs(1);
    expect(second.errors).to.not.include(MISSING_SUPPORT_TEAM);
    expect(second.counts.created ?? 0).to.be.greaterThan(0);
  });
});
