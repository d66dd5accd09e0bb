import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../../src/sandbox/harness.js";

describe("a failing alerts pass", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({
      fleet: generateFleet({ seed: 12, size: 40 }),
      instantWaits: true,
      connector: {
        afterWrite: async () => {
          throw new Error("4me answered 503 to the request lookup");
        },
      },
    });
    await sandbox.setup({ fields: [...IMPORT_ALL, { id: Field.supportTeam, value: "Service Desk" }] });
  });
  after(() => sandbox?.close());

  it("keeps the written CIs and marks the run partial with the reason, instead of failing it", async () => {
    const [run] = await sandbox.runs(1);
    expect(run.status).to.equal("partial");
    expect(run.errors).to.include("alerts: 4me answered 503 to the request lookup");
    expect(run.counts.created ?? 0).to.be.greaterThan(0);
  });
});
