import { expect } from "chai";
import { Field } from "../../../src/app-instance/fields.js";
import {
  BreakdownAccumulator,
  breakdownField,
  countAlerts,
  countExcluded,
  countImported,
  parseBreakdown,
} from "../../../src/intune/breakdown.js";
import { DEFAULT_FILTERS } from "../../../src/sync/filters.js";
import type { IntuneDevice } from "../../../src/intune/types.js";
import { fixture, TENANT } from "./helpers.js";
import { toIntuneDevice } from "../../../src/intune/device-json.js";

const devices = (): IntuneDevice[] =>
  fixture<{ value: unknown[] }>("managedDevices-v1.0-select-page.json").value.map((raw) => {
    const c = toIntuneDevice(raw, TENANT);
    if (!c.ok) throw new Error("fixture device skipped");
    return c.value;
  });

const device = (over: Partial<IntuneDevice>): IntuneDevice => ({ ...devices()[0], ...over });

describe("fleet breakdown", () => {
  it("counts devices by platform × ownership × user state, page by page, with the total", () => {
    const acc = new BreakdownAccumulator();
    acc.add(devices());
    acc.add([
      device({
        id: "x1",
        deviceName: "User deleted for this device",
        userPrincipalName: "",
        emailAddress: "",
        userId: "",
      }),
      device({ id: "x2", userPrincipalName: "", emailAddress: "", userId: "", managedDeviceOwnerType: "unknown" }),
      device({ id: "x3" }),
    ]);

    expect(acc.result()).to.deep.equal({
      v: 1,
      total: 7,
      rows: [
        ["windows", "company", "user", 2],
        ["windows", "company", "deleted", 1],
        ["windows", "unknown", "none", 1],
        ["android", "personal", "user", 1],
        ["ios", "company", "user", 1],
        ["macos", "company", "user", 1],
      ],
      // The fixture's noncompliant Windows device (x3 and the deleted-user copy too) and its Android in grace.
      alerts: [
        ["windows", "company", "user", 2, 0],
        ["windows", "company", "deleted", 1, 0],
        ["windows", "unknown", "none", 1, 0],
        ["android", "personal", "user", 0, 1],
      ],
    });
  });

  it("is the hidden fleet_breakdown field as compact JSON, and reads back", () => {
    const b = new BreakdownAccumulator().add(devices()).result();
    const field = breakdownField(b);
    expect(field.id).to.equal(Field.fleetBreakdown);
    expect(field.value).to.equal(
      '{"v":1,"total":4,"rows":[["windows","company","user",1],["android","personal","user",1],["ios","company","user",1],["macos","company","user",1]],"alerts":[["windows","company","user",1,0],["android","personal","user",0,1]]}',
    );
    expect(parseBreakdown(String(field.value))).to.deep.equal(b);
  });

  it("merges the breakdowns of several tenants", () => {
    const one = new BreakdownAccumulator().add(devices()).result();
    const two = new BreakdownAccumulator().merge(one).merge(one).result();
    expect(two.total).to.equal(8);
    expect(two.alerts).to.deep.equal([
      ["windows", "company", "user", 2, 0],
      ["android", "personal", "user", 0, 2],
    ]);
  });

  it("counts the requests alerts would raise: failing devices the filters import, grace only when asked", () => {
    const b = new BreakdownAccumulator().add(devices()).result();
    const all = { ...DEFAULT_FILTERS, windows: true, android: true, ios: true, macos: true, personal: true };
    expect(countAlerts(b, all, false)).to.equal(1);
    expect(countAlerts(b, all, true)).to.equal(2);
    // As if the import were active: the form shows it before anything is switched on.
    expect(countAlerts(b, { ...all, active: false }, true)).to.equal(2);
    expect(countAlerts(b, { ...all, windows: false }, true)).to.equal(1);
    // A malformed alerts part drops the count, not the breakdown.
    const bad = parseBreakdown(JSON.stringify({ ...b, alerts: [["windows", "company", "user", -1, 0]] }));
    expect(bad?.total).to.equal(4);
    expect(bad?.alerts).to.equal(undefined);
  });

  it("rejects a breakdown that is not v1 or has bad rows", () => {
    for (const bad of [
      "",
      "{",
      '{"v":2,"total":0,"rows":[]}',
      '{"v":1,"total":1,"rows":[["linux","company","user",1]]}',
      '{"v":1,"total":1,"rows":[["ios","company","user",-1]]}',
    ]) {
      expect(parseBreakdown(bad), bad).to.equal(undefined);
    }
  });

  it("counts what the filters import with the sync's own rule", () => {
    const b = new BreakdownAccumulator().add(devices()).result();
    expect(countImported(b, DEFAULT_FILTERS)).to.equal(0);
    const on = { ...DEFAULT_FILTERS, active: true, windows: true, ios: true, android: true, macos: true };
    expect(countImported(b, on)).to.equal(4);
    expect(countImported(b, { ...on, android: false })).to.equal(3);
    expect(countImported(b, { ...on, active: false })).to.equal(0);
    expect(countExcluded(b, { ...on, android: false, macos: false })).to.deep.equal({ platform: 2 });
    expect(countExcluded(b, DEFAULT_FILTERS)).to.deep.equal({ inactive: 4 });
  });
});
