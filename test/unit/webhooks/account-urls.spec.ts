import { expect } from "chai";
import { fourMeEndpoints } from "../../../src/fourme/endpoints.js";
import { accountUrls, isAccountId, isUnderAccountUrl } from "../../../src/webhooks/account-urls.js";

describe("accountUrls", () => {
  it("gives the account URL on both brands of the environment and region", () => {
    expect(accountUrls(fourMeEndpoints("4me.com"), "wdc")).to.deep.equal([
      "https://wdc.4me.com",
      "https://wdc.xurrent.com",
    ]);
    expect(accountUrls(fourMeEndpoints("xurrent.qa", "au"), "wdc")).to.deep.equal([
      "https://wdc.au.xurrent.qa",
      "https://wdc.au.4me.qa",
    ]);
  });

  it("uses an overridden template alone, and adds a policy's own issuer without duplicates", () => {
    const sandbox = fourMeEndpoints("4me.com", undefined, { accountUrlTemplate: "http://127.0.0.1:4000/{account}/" });
    expect(
      accountUrls(sandbox, "widget", ["https://desk.example/", null, "http://127.0.0.1:4000/widget"]),
    ).to.deep.equal(["http://127.0.0.1:4000/widget", "https://desk.example"]);
  });
});

describe("isUnderAccountUrl", () => {
  const urls = ["https://wdc.4me.com", "http://127.0.0.1:4000/wdc"];
  const under = (u: string) => isUnderAccountUrl(new URL(u), urls);

  it("accepts URLs on the account's origin and under its path", () => {
    expect(under("https://wdc.4me.com/webhooks/1/verify?code=x")).to.equal(true);
    expect(under("https://WDC.4me.com:443/x")).to.equal(true);
    expect(under("http://127.0.0.1:4000/wdc/webhooks/1/verify")).to.equal(true);
    expect(under("http://127.0.0.1:4000/wdc")).to.equal(true);
  });

  it("refuses other origins, sibling paths, credentials and other schemes", () => {
    for (const u of [
      "https://wdc.4me.com.evil.example/",
      "http://wdc.4me.com/",
      "https://x@wdc.4me.com/",
      "http://127.0.0.1:4001/wdc/x",
      "http://127.0.0.1:4000/wdc2/x",
      "http://127.0.0.1:4000/wdc/../other",
      "http://127.0.0.1:4000/other",
      "ftp://wdc.4me.com/",
    ]) {
      expect(under(u), u).to.equal(false);
    }
  });
});

describe("isAccountId", () => {
  it("accepts 4me account ids only", () => {
    expect(["wdc", "wdc-test", "a1"].every(isAccountId)).to.equal(true);
    expect(["", "WDC", "-x", "a b", "a/b", "a".repeat(64), 42, undefined].some(isAccountId)).to.equal(false);
  });
});
