// 4me sends app_instance.update for every change to an app instance, the connector's own appInstanceUpdate (run
// summary, tenant status) included, naming the person who made it (developer.xurrent.com/v1/webhooks, "Webhook
// Contents"). The simulator does the same; these tests show a form save gives one sync and a sync's writes none.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { BASE_FORM, startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

describe("own writes echoed by 4me (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  const updates = () => sb.fourme.deliveries().filter((d) => d.event === "app_instance.update");
  const providerPersonEchoes = () => updates().filter((d) => d.data.person_name === "Intune connector provider");

  before(async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: 14, size: 30 }) });
    await sb.setup({ fields: BASE_FORM });
  });
  after(async () => sb?.close());

  it("runs exactly one sync for one form save, however often 4me echoes the sync's writes", async () => {
    const runsBefore = (await sb.runs(100)).length;
    const echoesBefore = providerPersonEchoes().length;
    await sb.saveForm([{ id: Field.importPersonal, value: true }]);
    const runs = await sb.runs(100);
    expect(runs.length - runsBefore).to.equal(1);
    expect(runs[0].trigger).to.equal("app_instance.update");
    // The sync wrote its summary, and 4me told the connector so, signed, naming the provider's API person.
    const echoes = providerPersonEchoes().slice(echoesBefore);
    expect(echoes.length).to.be.greaterThan(0);
    expect(echoes.every((d) => d.status === 200)).to.equal(true);
    expect(echoes.map((d) => d.responseBody).join("\n")).to.include("own change");
  });

  it("starts no sync from a sync's own writes", async () => {
    const runsBefore = (await sb.runs(100)).length;
    const echoesBefore = providerPersonEchoes().length;
    const result = await sb.sync("test");
    expect(result.run?.status).to.equal("succeeded");
    await sb.idle();
    expect(providerPersonEchoes().length).to.be.greaterThan(echoesBefore);
    expect((await sb.runs(100)).length - runsBefore).to.equal(1);
  });

  it("starts no sync from a save that changes nothing the customer owns", async () => {
    const runsBefore = (await sb.runs(100)).length;
    await sb.saveForm([{ id: Field.importPersonal, value: true }]);
    expect((await sb.runs(100)).length - runsBefore).to.equal(0);
  });
});
