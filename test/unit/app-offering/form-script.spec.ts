import { expect } from "chai";
import { loadFormApi } from "./form-api.js";

describe("configuration form script (pure part)", () => {
  const form = loadFormApi();

  describe("parseBreakdown", () => {
    it("reads the connector's JSON, as text or as an object", () => {
      const data = { v: 1, total: 5, rows: [["windows", "company", "user", 5]] };
      const expected = {
        total: 5,
        rows: [{ platform: "windows", ownership: "company", userState: "user", count: 5 }],
        alerts: [],
      };
      expect(JSON.parse(JSON.stringify(form.parseBreakdown(JSON.stringify(data))))).to.deep.equal(expected);
      expect(JSON.parse(JSON.stringify(form.parseBreakdown(data)))).to.deep.equal(expected);
    });

    it("returns null when there is no breakdown yet, or one it cannot read", () => {
      for (const value of [undefined, null, "", "  ", "{not json", "[]", '{"v":2,"total":1,"rows":[]}', '{"v":1}']) {
        expect(form.parseBreakdown(value), String(value)).to.equal(null);
      }
    });

    it("skips malformed rows instead of miscounting them", () => {
      const parsed = form.parseBreakdown({
        v: 1,
        total: 7,
        rows: [
          ["windows", "company", "user", 4],
          ["linux", "company", "user", 9],
          ["ios", "company", "user", -1],
          ["ios", "company", "user", 1.5],
          ["ios", "company"],
          "nonsense",
        ],
      });
      expect(parsed?.rows).to.have.length(1);
      expect(parsed?.total).to.equal(7);
    });

    it("never shows a total below the devices it counted", () => {
      expect(form.parseBreakdown({ v: 1, total: 2, rows: [["android", "personal", "none", 5]] })?.total).to.equal(5);
    });
  });

  describe("describeStatus", () => {
    it("reads the three states the connector writes", () => {
      expect(form.describeStatus("pending_consent")).to.deep.include({
        text: "Waiting for admin consent",
        pendingConsent: true,
      });
      expect(form.describeStatus("connected")).to.deep.include({
        text: "Connected",
        tone: "good",
        pendingConsent: false,
      });
      expect(form.describeStatus("failed: AADSTS90002 tenant not found")).to.deep.include({
        text: "Failed: AADSTS90002 tenant not found",
        tone: "bad",
        pendingConsent: false,
      });
    });

    it("shows why an administrator must sign in, with the link, for a reasoned pending_consent", () => {
      const why = "connected to another 4me account: an administrator of contoso.com must sign in here to move it";
      expect(form.describeStatus(`pending_consent: ${why}`)).to.deep.include({
        text: `Waiting for an administrator: ${why}`,
        tone: "warn",
        pendingConsent: true,
      });
    });

    it("says a tenant is not checked yet when there is no status", () => {
      expect(form.describeStatus("")).to.deep.include({ tone: "empty", pendingConsent: false });
      expect(form.describeStatus(undefined).text).to.match(/^Not checked yet/);
    });

    it("shows a status it does not know as it is, without offering consent", () => {
      expect(form.describeStatus("throttled")).to.deep.include({ text: "throttled", pendingConsent: false });
    });
  });

  describe("visibleTenantSlots", () => {
    const empty = { domain: "", status: "" };
    it("shows the first slot, filled slots and revealed slots, and hides the other empty ones", () => {
      const slots = [{ domain: "a.onmicrosoft.com" }, empty, { domain: "", status: "failed: x" }, empty, empty];
      expect([...form.visibleTenantSlots(slots, 0)]).to.deep.equal([true, false, true, false, false]);
      expect([...form.visibleTenantSlots(slots, 4)]).to.deep.equal([true, true, true, true, false]);
      expect([...form.visibleTenantSlots([empty, empty, empty, empty, empty], 0)]).to.deep.equal([
        true,
        false,
        false,
        false,
        false,
      ]);
    });
  });

  describe("offered clouds", () => {
    // Values from another realm (the script's context): compared as plain JSON.
    const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

    it("reads the connector's list, and offers every cloud while there is none", () => {
      expect(plain(form.parseOfferedClouds("global,usgov,usgov-dod"))).to.deep.equal(["global", "usgov", "usgov-dod"]);
      expect(plain(form.parseOfferedClouds(" china , global "))).to.deep.equal(["china", "global"]);
      for (const value of [undefined, null, "", "  ", "mars", ",,"]) {
        expect(form.parseOfferedClouds(value), String(value)).to.equal(null);
      }
      expect(plain(form.parseOfferedClouds("mars,usgov"))).to.deep.equal(["usgov"]);
    });

    it("shows only the offered clouds, and moves an empty slot off a cloud that is not offered", () => {
      expect(plain(form.cloudChoices(["global", "usgov", "usgov-dod"], "global", false))).to.deep.equal({
        shown: ["global", "usgov", "usgov-dod"],
        value: "global",
      });
      expect(plain(form.cloudChoices(["usgov", "usgov-dod"], "global", false))).to.deep.equal({
        shown: ["usgov", "usgov-dod"],
        value: "usgov",
      });
    });

    it("keeps the cloud of a tenant already entered, offered or not, so its status can say why it fails", () => {
      expect(plain(form.cloudChoices(["global"], "china", true))).to.deep.equal({
        shown: ["global", "china"],
        value: "china",
      });
    });

    it("offers all four clouds without a list", () => {
      expect(plain(form.cloudChoices(null, "usgov", false))).to.deep.equal({
        shown: ["global", "usgov", "usgov-dod", "china"],
        value: "usgov",
      });
    });
  });

  describe("unlinkedNotice", () => {
    it("tells how many imported CIs lack a service instance, in words that fit the number", () => {
      expect(form.unlinkedNotice(1)).to.equal(
        "1 imported CI has no service instance; its requests go to the default service instance.",
      );
      // Thousands are grouped the reader's way (1,234 or 1.234): the test does not assume a locale.
      expect(form.unlinkedNotice("1234")).to.match(/^1\D?234 imported CIs have no service instance; their requests/);
    });

    it("says nothing when every CI has one or the number is unknown", () => {
      for (const value of [0, "0", "", undefined, "many", -3])
        expect(form.unlinkedNotice(value), String(value)).to.equal(null);
    });
  });

  describe("formatDuration", () => {
    it("reads seconds as a person would say them", () => {
      expect(form.formatDuration(4.25)).to.equal("4.3 s");
      expect(form.formatDuration("42")).to.equal("42 s");
      expect(form.formatDuration(65.2)).to.equal("1 min 5 s");
      expect(form.formatDuration(120)).to.equal("2 min");
      expect(form.formatDuration(3 * 3600 + 125)).to.equal("3 h 2 min");
      expect(form.formatDuration("")).to.equal(null);
      expect(form.formatDuration("soon")).to.equal(null);
    });
  });

  it("loads without 4me's ITRP and touches no page", () => {
    // loadFormApi ran the whole script in a context with no ITRP, window or document: it must not throw.
    expect(form.TENANT_SLOTS).to.equal(5);
  });
});
