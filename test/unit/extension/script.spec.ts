import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { loadBrowserScript } from "../app-offering/browser-script.js";

interface Shown {
  text: string;
  tone: string | null;
  href?: string;
}
interface CiScriptApi {
  formatValue(kind: string, raw: unknown, options?: { locale?: string; timeZone?: string }): Shown;
  formatField(id: string, kind: string, raw: unknown, options?: { locale?: string; timeZone?: string }): Shown;
}

const SCRIPT = fileURLToPath(new URL("../../../ui-extension/script.js", import.meta.url));
const en = { locale: "en-US", timeZone: "UTC" };
const plain = (s: Shown) => JSON.parse(JSON.stringify(s)) as Shown;

describe("CI extension script (pure part)", () => {
  const ci = loadBrowserScript<CiScriptApi>(SCRIPT, "IntuneCiExtension");

  it("shows Unknown for every way Intune says it does not know", () => {
    for (const raw of [
      "Unknown",
      "unknown",
      "0001-01-01",
      "0001-01-01T00:00:00Z",
      "00000000-0000-0000-0000-000000000000",
    ]) {
      expect(plain(ci.formatValue("date", raw, en)), raw).to.deep.equal({ text: "Unknown", tone: "unknown" });
    }
  });

  it("shows an empty value as not reported", () => {
    for (const raw of [null, undefined, "", "  "]) {
      expect(plain(ci.formatValue("text", raw, en))).to.deep.equal({ text: "Not reported", tone: "empty" });
    }
  });

  it("shows yes/no values as Yes and No", () => {
    expect(ci.formatValue("boolean", true, en).text).to.equal("Yes");
    expect(ci.formatValue("boolean", "false", en).text).to.equal("No");
    expect(ci.formatValue("boolean", "maybe", en).text).to.equal("maybe");
  });

  it("shows a calendar date as that day in every time zone", () => {
    for (const timeZone of ["UTC", "America/Los_Angeles", "Pacific/Auckland"]) {
      expect(ci.formatValue("date", "2022-05-17", { locale: "en-US", timeZone }).text).to.equal("May 17, 2022");
    }
  });

  it("shows a moment in the reader's time zone", () => {
    expect(ci.formatValue("datetime", "2022-06-13T08:41:00Z", en).text).to.equal("Jun 13, 2022, 8:41 AM");
    expect(
      ci.formatValue("datetime", "2022-06-13T08:41:00Z", { locale: "en-US", timeZone: "Asia/Tokyo" }).text,
    ).to.equal("Jun 13, 2022, 5:41 PM");
  });

  it("keeps a value it cannot read as it is", () => {
    expect(ci.formatValue("date", "next week", en).text).to.equal("next week");
    expect(ci.formatValue("number", "lots", en).text).to.equal("lots");
  });

  it("groups large numbers and keeps one decimal", () => {
    expect(ci.formatValue("number", 1234.56, en).text).to.equal("1,234.6");
  });

  it("links only to http(s) addresses", () => {
    const url =
      "https://intune.microsoft.us/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/1";
    expect(plain(ci.formatValue("link", url, en))).to.deep.equal({
      text: "Open in Intune admin center",
      tone: null,
      href: url,
    });
    expect(ci.formatValue("link", "javascript:alert(1)", en).href).to.equal(undefined);
    expect(ci.formatValue("link", 'https://x.example/"onmouseover="y', en).href).to.equal(undefined);
  });

  it("colours compliance states and security facts by risk", () => {
    expect(plain(ci.formatField("intune_compliance", "text", "Noncompliant", en))).to.deep.equal({
      text: "Noncompliant",
      tone: "bad",
    });
    expect(ci.formatField("intune_compliance", "text", "inGracePeriod", en).text).to.equal("In grace period");
    expect(ci.formatField("intune_compliance", "text", "In grace period", en).tone).to.equal("warn");
    expect(ci.formatField("intune_compliance", "text", "Compliant", en).tone).to.equal("good");
    expect(ci.formatField("intune_encrypted", "boolean", false, en).tone).to.equal("warn");
    expect(plain(ci.formatField("intune_jailbroken", "text", "True", en))).to.deep.equal({ text: "Yes", tone: "bad" });
    expect(ci.formatField("intune_jailbroken", "text", "Unknown", en).tone).to.equal("unknown");
  });
});
