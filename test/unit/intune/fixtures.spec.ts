// The reader's fixtures are copies of the reference Graph examples (test/fixtures/reference/graph-examples: invented
// data, real shapes). This keeps them equal to the reference.
import { expect } from "chai";
import { V1_DEVICE_SELECT } from "../../../src/intune/device-json.js";
import { graphExample } from "../../helpers/reference.js";
import { fixture } from "./helpers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const reference = (name: string) => graphExample<any>(name);

describe("Intune test fixtures", function () {
  it("are the reference examples, unchanged", () => {
    expect(fixture("managedDevices-v1.0-select-page.json")).to.deep.equal(
      reference("managedDevices-list-v1.0-select.json"),
    );
    expect(fixture("deviceCompliancePolicyStates-beta.json")).to.deep.equal(
      reference("deviceCompliancePolicyStates-beta.json"),
    );
    expect(fixture("settingStates-beta.json")).to.deep.equal(
      reference("deviceCompliancePolicyState-settingStates-beta.json"),
    );
    expect(fixture("openid-configuration-tenant.json")).to.deep.equal(
      reference("openid-configuration-tenant.json").body,
    );
  });

  it("select every property we map that the reference's v1.0 list carries", () => {
    const listed = Object.keys(reference("managedDevices-list-v1.0-page.json").value[0]);
    expect(listed).to.include.members([...V1_DEVICE_SELECT]);
  });
});
