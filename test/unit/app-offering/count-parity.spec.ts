import { expect } from "chai";
import { exclusionReason, isImported, type ImportFilters } from "../../../src/sync/filters.js";
import { OWNERSHIPS, PLATFORMS, USER_STATES, type DeviceClass } from "../../../src/sync/device-class.js";
import { Field } from "../../../src/app-instance/fields.js";
import { countAlerts, parseBreakdown } from "../../../src/intune/breakdown.js";
import { loadFormApi } from "./form-api.js";

const FILTER_NAMES: (keyof ImportFilters)[] = [
  "active",
  "windows",
  "android",
  "ios",
  "macos",
  "personal",
  "onlyWithPrimaryUser",
  "userDeleted",
];

// Every class once, with a distinct power of two as its count: a sum then names exactly which classes it holds,
// so two counts can only be equal when both sides imported the same classes.
const CLASSES: DeviceClass[] = PLATFORMS.flatMap((platform) =>
  OWNERSHIPS.flatMap((ownership) => USER_STATES.map((userState) => ({ platform, ownership, userState }))),
);
const ROWS = CLASSES.map((c, i) => [c.platform, c.ownership, c.userState, 2 ** i] as const);
// The failing devices per class get other powers of two (noncompliant) and their doubles (in grace).
const ALERT_ROWS = CLASSES.map(
  (c, i) => [c.platform, c.ownership, c.userState, 2 ** (i % 24), 2 ** ((i % 24) + 1)] as const,
);
const BREAKDOWN_JSON = JSON.stringify({
  v: 1,
  total: ROWS.reduce((n, r) => n + r[3], 0),
  rows: ROWS,
  alerts: ALERT_ROWS,
});

function filtersOf(mask: number): ImportFilters {
  return Object.fromEntries(
    FILTER_NAMES.map((name, bit) => [name, (mask & (1 << bit)) !== 0]),
  ) as unknown as ImportFilters;
}

describe("configuration form live count", () => {
  const form = loadFormApi();
  const breakdown = form.parseBreakdown(BREAKDOWN_JSON);

  it("covers every device class the filters tell apart", () => {
    expect(CLASSES).to.have.length(PLATFORMS.length * OWNERSHIPS.length * USER_STATES.length);
    expect(breakdown?.rows).to.have.length(CLASSES.length);
  });

  it("counts what the sync imports, for every combination of the eight switches", () => {
    for (let mask = 0; mask < 2 ** FILTER_NAMES.length; mask++) {
      const filters = filtersOf(mask);
      const expected = ROWS.reduce(
        (n, [platform, ownership, userState, count]) =>
          isImported({ platform, ownership, userState }, filters) ? n + count : n,
        0,
      );
      expect(form.countImported(breakdown, filters), JSON.stringify(filters)).to.equal(expected);
    }
  });

  it("counts the requests alerts would raise as the connector does, for every combination", () => {
    const parsed = parseBreakdown(BREAKDOWN_JSON)!;
    expect(parsed.alerts).to.have.length(CLASSES.length);
    for (let mask = 0; mask < 2 ** FILTER_NAMES.length; mask++) {
      const filters = filtersOf(mask);
      for (const grace of [false, true]) {
        expect(form.countAlerts(breakdown, filters, grace), JSON.stringify(filters)).to.equal(
          countAlerts(parsed, filters, grace),
        );
      }
    }
  });

  it("says how many requests alerts raise now, and over how many syncs past the limit", () => {
    expect(form.alertsForecast(null, 0, 100, false)).to.equal(null);
    expect(form.alertsForecast(breakdown, 0, 100, false)).to.match(/no request/);
    expect(form.alertsForecast(breakdown, 40, 100, false)).to.equal(
      "40 imported devices fail a compliance policy now: switching alerts on raises 40 requests.",
    );
    expect(form.alertsForecast(breakdown, 2000, "100", false)).to.equal(
      "2,000 imported devices fail a compliance policy now: switching alerts on raises 2,000 requests, 100 per sync " +
        "over 20 syncs, and one summary request lists the devices still waiting.",
    );
    // Once on, some have their request already: no forecast of new ones.
    expect(form.alertsForecast(breakdown, 2000, "100", true)).to.equal(
      "2,000 imported devices fail a compliance policy now; each has or gets its own request, at most 100 new ones per sync.",
    );
    // A blank or bad limit is the default of 100, as in the settings parser.
    expect(form.alertsForecast(breakdown, 250, "", false)).to.include("100 per sync over 3 syncs");
  });

  it("gives the sync's exclusion reason for every class and combination", () => {
    for (let mask = 0; mask < 2 ** FILTER_NAMES.length; mask++) {
      const filters = filtersOf(mask);
      for (const c of CLASSES) {
        expect(form.exclusionReason(c, filters), `${JSON.stringify(c)} ${JSON.stringify(filters)}`).to.equal(
          exclusionReason(c, filters),
        );
      }
    }
  });

  it("previews, before activation, exactly what activation would import", () => {
    for (let mask = 0; mask < 2 ** FILTER_NAMES.length; mask++) {
      const filters = filtersOf(mask);
      const summary = form.summarize(breakdown, filters);
      expect(summary.wouldImport).to.equal(form.countImported(breakdown, { ...filters, active: true }));
      expect(summary.imported).to.equal(filters.active ? summary.wouldImport : 0);
      const excluded = Object.values(summary.excluded).reduce((a, b) => a + b, 0);
      expect(summary.wouldImport + excluded).to.equal(summary.total);
    }
  });

  it("names the same form fields as src/app-instance/fields.ts", () => {
    expect({ ...form.FILTER_FIELDS }).to.deep.equal({
      active: Field.active,
      windows: Field.importWindows,
      android: Field.importAndroid,
      ios: Field.importIos,
      macos: Field.importMacos,
      personal: Field.importPersonal,
      onlyWithPrimaryUser: Field.onlyWithPrimaryUser,
      userDeleted: Field.importUserDeleted,
    });
  });
});
