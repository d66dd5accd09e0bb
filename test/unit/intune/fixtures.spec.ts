// The reader's fixtures are copies of ../shared/reference/graph-examples (invented data, real shapes). This keeps
// them honest where the reference exists (CI, the development machine) and skips visibly where it does not.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { V1_DEVICE_SELECT } from "../../../src/intune/device-json.js";
import { fixture, REFERENCE_EXAMPLES } from "./helpers.js";

const reference = (name: string) => JSON.parse(readFileSync(resolve(REFERENCE_EXAMPLES, name), "utf8"));

describe("Intune test fixtures", function () {
  before(function () {
    if (!existsSync(REFERENCE_EXAMPLES)) {
      console.log(`      (skipped: reference examples not found at ${REFERENCE_EXAMPLES})`);
      this.skip();
    }
  });

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
