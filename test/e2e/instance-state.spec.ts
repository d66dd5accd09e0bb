// What a run does with the app instance's state: one run per instance at a time, nothing for an instance the
// customer disabled, and a suspension with a comment that says what to do when 4me refuses the app's credentials.
import { expect } from "chai";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import {
  BASE_FORM,
  ciOf,
  customerMutations,
  ordinaryDevices,
  startTestSandbox,
  str,
  tenantOf,
  type Sandbox,
} from "./helpers/sandbox.js";

describe("sync and the app instance's state (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  const instance = () =>
    sb.fourme.inspect.appInstances().find((i) => i.customerAccount === sb.account && i.appOfferingReference)!;

  before(async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: 31, size: 60 }) });
    await sb.setup({ fields: BASE_FORM });
  });
  after(async () => sb?.close());

  it("runs one sync per instance at a time", async () => {
    const [a, b] = await Promise.all([
      sb.connector.syncNow(sb.account, "one"),
      sb.connector.syncNow(sb.account, "two"),
    ]);
    expect([a.skipped, b.skipped].filter(Boolean)).to.deep.equal(["already_running"]);
    expect([a.run?.status, b.run?.status].filter(Boolean)).to.deep.equal(["succeeded"]);
  });

  it("writes nothing for an instance the customer disabled, and picks up again once it is enabled", async () => {
    const device = ordinaryDevices(tenantOf(sb)).find((d) => ciOf(sb, str(d, "id")))!;
    device["deviceName"] = `${str(device, "deviceName")}-X`;
    await sb.fourme.setInstanceState(sb.account, { enabledByCustomer: false });
    await sb.idle();
    sb.fourme.resetStats();
    const off = await sb.sync();
    expect(off.skipped).to.equal("not_runnable");
    expect(sb.fourme.stats().mutations).to.equal(0);
    expect(ciOf(sb, str(device, "id"))!.name).to.not.equal(device["deviceName"]);

    await sb.fourme.setInstanceState(sb.account, { enabledByCustomer: true });
    await sb.idle();
    expect(ciOf(sb, str(device, "id"))!.name).to.equal(device["deviceName"]);
  });

  it("suspends the instance with a comment when 4me refuses the app's credentials", async () => {
    const device = ordinaryDevices(tenantOf(sb)).find((d) => ciOf(sb, str(d, "id")))!;
    device["osVersion"] = `${str(device, "osVersion")}.9`;
    sb.fourme.disableOAuthClient(sb.fourme.installation(sb.account)!.clientId);
    sb.fourme.resetStats();
    const err = await sb.sync().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).to.equal("FourMeCredentialsError");
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    const run = (await sb.runs(1))[0];
    expect(run.status).to.equal("failed");
    expect(run.errors.join("\n")).to.include("refused");
    expect(instance().suspended).to.equal(true);
    expect(String(instance().suspensionComment)).to.match(/credential|secret|reinstall|app/i);
  });
});
