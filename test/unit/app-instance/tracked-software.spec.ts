import { expect } from "chai";
import { Field } from "../../../src/app-instance/fields.js";
import { parseSettings } from "../../../src/app-instance/settings.js";
import { settingsFingerprint } from "../../../src/app-instance/settings-fingerprint.js";

const LIMITS = { defaultIntervalMinutes: 60, minIntervalMinutes: 15 };
const parse = (value: unknown) => parseSettings([{ id: Field.trackedSoftware, value }], LIMITS);

describe("settings: tracked software", () => {
  it("is off by default and leaves the fingerprint of older settings as it was", () => {
    expect(parse(undefined).trackedSoftware).to.equal(undefined);
    expect(parse("  \n , ").trackedSoftware).to.equal(undefined);
    expect(settingsFingerprint(parse(""), true)).to.equal(settingsFingerprint(parseSettings([], LIMITS), true));
  });

  it("reads one pattern per line or comma-separated", () => {
    expect(parse("Microsoft Visio*\nAdobe Acrobat*, Zoom*").trackedSoftware).to.deep.equal({
      patterns: ["Microsoft Visio*", "Adobe Acrobat*", "Zoom*"],
    });
  });

  it("turns a list it cannot use into no patterns and one reason", () => {
    const many = Array.from({ length: 21 }, (_, i) => `Application ${i}`).join("\n");
    expect(parse(many).trackedSoftware).to.deep.equal({
      patterns: [],
      problem: "Tracked software lists 21 patterns; at most 20 are allowed.",
    });
    expect(parse("Visio*\n*").trackedSoftware?.problem).to.equal(
      'Tracked software pattern "*" needs at least 3 characters besides * and spaces.',
    );
  });
});
