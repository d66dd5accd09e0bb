// The first import while 4me refuses to create the connector's CI UI extension (a 503), against the simulated 4me
// and Intune over HTTP. A product made without the extension would make 4me refuse the Intune fields of every new
// CI under it, run after run (the bulk upload never changes an existing product). So no device is written until the
// extension exists, the run says why, and the next run imports everything, every product with the extension.
import { expect } from "chai";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { BASE_FORM, ourCis, startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

describe("a first import while the CI UI extension cannot be made (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;
  after(async () => sb?.close());

  it("writes no device, says why, and imports all of them with the extension on the next run", async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: 29, size: 40 }) });
    sb.fourme.setFaults({ next5xx: 1, operation: "UiExtensionCreate" });
    await sb.setup({ fields: BASE_FORM });
    const [first] = await sb.runs(1);
    expect(first.errors.join("\n")).to.match(
      /^CI UI extension not written: 4me UiExtensionCreate failed \(HTTP 503\); not sent again.*\(no device is written until it is\)$/m,
    );
    expect(first.counts.created ?? 0).to.equal(0);
    expect(first.counts["skipped:4me_error"]).to.be.greaterThan(20);
    expect(ourCis(sb)).to.deep.equal([]);

    const { run } = await sb.sync();
    expect(run!.status, run!.errors.join("\n")).to.equal("succeeded");
    // Created, or matched by serial to one of the account's own CIs.
    expect((run!.counts.created ?? 0) + (run!.counts.updated ?? 0)).to.equal(first.counts["skipped:4me_error"]);
    const [extension] = sb.fourme.inspect.uiExtensions(sb.account);
    const products = sb.fourme.inspect
      .products(sb.account)
      .filter((p) => p.source === "Intune" && !p.sourceID?.startsWith("os"));
    expect(products.length).to.be.greaterThan(3);
    for (const p of products) expect(p.uiExtensionId, p.name).to.equal(extension!.id);
    for (const c of ourCis(sb)) expect(c.customFields?.length, c.name).to.be.greaterThan(10);
  });
});
