// A run whose Graph beta read fails, against the simulated 4me and Intune over HTTP. Join type, Windows edition,
// chassis and device type come from beta only; without them a device would map to "Unknown", another OS CI and
// perhaps another product, and the next run with beta would move it all back. Such a run maps each known device with
// the beta fields it was last written with: an unchanged fleet writes nothing, a changed device keeps its values.
import { expect } from "chai";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import {
  BASE_FORM,
  ciOf,
  customerMutations,
  ourCis,
  startTestSandbox,
  str,
  tenantOf,
  type CiView,
  type Sandbox,
} from "./helpers/sandbox.js";

/** What a CI shows that a beta field decides. */
const betaView = (c: CiView) => ({
  product: c.product?.name,
  operatingSystemId: c.operatingSystemId,
  fields: c.customFields?.filter((f) => ["intune_join_type", "intune_os_sku", "intune_os_ci"].includes(f.id)),
});

describe("a run whose Graph beta read fails (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;

  before(async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: 23, size: 80 }) });
    await sb.setup({ fields: BASE_FORM });
  });
  after(async () => {
    sb?.microsoft.controls.failBeta(null);
    await sb?.close();
  });

  it("records the beta fields of a ledger written before they were kept, with no 4me write", async () => {
    const store = sb.connector.store;
    const ledger = await store.getLedger(sb.account);
    expect(ledger.every((e) => e.beta)).to.equal(true);
    // As a ledger from before this version: no entry holds them.
    await store.putLedger(ledger.map(({ beta: _b, ...e }) => e));
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.counts.updated ?? 0).to.equal(0);
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    expect(await store.getLedger(sb.account)).to.deep.equal(ledger);
  });

  it("writes nothing for an unchanged fleet and keeps what the beta fields decided", async () => {
    const before = new Map(ourCis(sb).map((c) => [c.id, betaView(c)]));
    expect(
      [...before.values()].some((v) => v.fields?.some((f) => f.id === "intune_join_type" && f.value !== "Unknown")),
    ).to.equal(true);
    sb.microsoft.controls.failBeta(503);
    sb.fourme.resetStats();
    const { run } = await sb.sync();
    expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
    expect(run!.counts.beta_fields_kept).to.equal(before.size);
    expect(run!.counts.updated ?? 0).to.equal(0);
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
    for (const c of ourCis(sb)) expect(betaView(c), c.name).to.deep.equal(before.get(c.id));
  });

  it("writes a device changed meanwhile with its v1.0 change and the beta values it had", async () => {
    const device = tenantOf(sb).devices.find((d) => ciOf(sb, str(d, "id")) && d["operatingSystem"] === "Windows")!;
    const before = ciOf(sb, str(device, "id"))!;
    device["deviceName"] = "RENAMED-IN-INTUNE";
    const { run } = await sb.sync();
    expect(run!.counts.updated).to.equal(1);
    const after = ciOf(sb, str(device, "id"))!;
    expect(after.name).to.equal("RENAMED-IN-INTUNE");
    expect(betaView(after)).to.deep.equal(betaView(before));

    // Beta back: nothing to correct, so nothing is written.
    sb.microsoft.controls.failBeta(null);
    sb.fourme.resetStats();
    const next = await sb.sync();
    expect(next.run!.counts.beta_fields_kept).to.equal(undefined);
    expect(customerMutations(sb.fourme.stats())).to.deep.equal({});
  });
});
