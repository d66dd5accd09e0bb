// Both application permissions are checked when a tenant connects (issue 14, item 8): a grant without
// DeviceManagementConfiguration.Read.All shows at the consent, not at the first compliance alert. The Graph
// simulator answers 403 on compliance reads for such a grant, as Graph does.
import { expect } from "chai";
import { tenantField } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

describe("tenant permissions at connection (e2e)", function () {
  this.timeout(30_000);
  let sb: Sandbox;

  before(async () => {
    sb = await startTestSandbox({ fleet: generateFleet({ seed: 8, size: 10 }) });
  });
  after(async () => sb?.close());

  it("fails the consent of a tenant whose grant lacks the compliance permission, naming it", async () => {
    const domain = sb.fleet.tenants[0].domain;
    sb.microsoft.controls.setRoles(domain, ["DeviceManagementManagedDevices.Read.All"]);
    await sb.install([{ id: tenantField.domain(1), value: domain }]);
    const [consent] = await sb.consentAll();
    expect(consent.result).to.not.equal("connected");
    const status = String(sb.formValues()[tenantField.status(1)]);
    expect(status).to.match(/^failed: /);
    expect(status).to.include("DeviceManagementConfiguration.Read.All");

    sb.microsoft.controls.setRoles(domain, [
      "DeviceManagementManagedDevices.Read.All",
      "DeviceManagementConfiguration.Read.All",
    ]);
    const [again] = await sb.consentAll();
    expect(again.result).to.equal("connected");
    expect(sb.formValues()[tenantField.status(1)]).to.equal("connected");
  });
});
