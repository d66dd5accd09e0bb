// The connector's Entra app registration per Microsoft cloud, read from MS_<CLOUD>_* (and MS_* for the global cloud,
// the names from before there was one per cloud).
import { expect } from "chai";
import { readConfig, ConfigError } from "../../src/config.js";
import { entraAppFor, entraClouds, NoEntraAppError } from "../../src/intune/entra-apps.js";

const base = { FOURME_PROVIDER_ACCOUNT: "wdc" };
const G = "11111111-2222-4333-8444-555555555555";
const U = "66666666-7777-4888-9999-aaaaaaaaaaaa";
const D = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff";
const C = "12345678-90ab-4cde-8f01-23456789abcd";
const SHA1 = "a".repeat(40);

describe("readConfig: one Entra app registration per cloud", () => {
  it("keeps MS_CLIENT_ID and MS_CLIENT_SECRET as the global cloud's app, and only that cloud's", () => {
    const m = readConfig({ ...base, MS_CLIENT_ID: G, MS_CLIENT_SECRET: "s" }).microsoft;
    expect(m.apps).to.deep.equal({ global: { clientId: G, clientSecret: "s" } });
    expect(entraClouds(m)).to.deep.equal(["global"]);
    expect(() => entraAppFor(m, "usgov")).to.throw(
      NoEntraAppError,
      /no app registration for the US Government GCC High cloud/,
    );
  });

  it("reads each cloud's app, with a secret or a certificate, and DoD falls back to US Government", () => {
    const m = readConfig({
      ...base,
      MS_GLOBAL_CLIENT_ID: G,
      MS_GLOBAL_CLIENT_SECRET: "gs",
      MS_USGOV_CLIENT_ID: U,
      MS_USGOV_CERTIFICATE_THUMBPRINT: SHA1.toUpperCase(),
      MS_USGOV_CERTIFICATE_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----",
      MS_CHINA_CLIENT_ID: C,
      MS_CHINA_CLIENT_SECRET: "cs",
    }).microsoft;
    expect(entraClouds(m)).to.deep.equal(["global", "usgov", "usgov-dod", "china"]);
    expect(entraAppFor(m, "global")).to.deep.equal({ clientId: G, clientSecret: "gs" });
    expect(entraAppFor(m, "usgov")).to.deep.equal({
      clientId: U,
      certificate: {
        thumbprint: SHA1.toUpperCase(),
        privateKeyPem: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
      },
    });
    expect(entraAppFor(m, "usgov-dod")).to.equal(entraAppFor(m, "usgov"));
    expect(entraAppFor(m, "china").clientId).to.equal(C);
  });

  it("gives DoD its own app when MS_USGOV_DOD_* is set, and only DoD when US Government has none", () => {
    const both = readConfig({
      ...base,
      MS_USGOV_CLIENT_ID: U,
      MS_USGOV_CLIENT_SECRET: "us",
      MS_USGOV_DOD_CLIENT_ID: D,
      MS_USGOV_DOD_CLIENT_SECRET: "ds",
    }).microsoft;
    expect(entraAppFor(both, "usgov").clientId).to.equal(U);
    expect(entraAppFor(both, "usgov-dod").clientId).to.equal(D);
    const dodOnly = readConfig({ ...base, MS_USGOV_DOD_CLIENT_ID: D, MS_USGOV_DOD_CLIENT_SECRET: "ds" }).microsoft;
    expect(entraClouds(dodOnly)).to.deep.equal(["usgov-dod"]);
  });

  it("starts with no app at all (the sandbox's 4me-only uses), offering no cloud", () => {
    expect(entraClouds(readConfig(base).microsoft)).to.deep.equal([]);
    expect(readConfig({ ...base, MS_CHINA_CLIENT_ID: " ", MS_CHINA_CLIENT_SECRET: "" }).microsoft.apps).to.deep.equal(
      {},
    );
  });

  const refusals: [Record<string, string>, string][] = [
    [
      { MS_USGOV_CLIENT_SECRET: "s" },
      "configuration: MS_USGOV_CLIENT_ID is required when MS_USGOV_CLIENT_SECRET is set",
    ],
    [
      { MS_CHINA_CLIENT_ID: C },
      "configuration: MS_CHINA_CLIENT_SECRET (or MS_CHINA_CERTIFICATE_THUMBPRINT and MS_CHINA_CERTIFICATE_PRIVATE_KEY) is required with MS_CHINA_CLIENT_ID",
    ],
    [
      { MS_CLIENT_ID: G, MS_CLIENT_SECRET: "s", MS_CERTIFICATE_THUMBPRINT: SHA1, MS_CERTIFICATE_PRIVATE_KEY: "k" },
      "configuration: MS_CLIENT_SECRET is invalid with MS_CERTIFICATE_THUMBPRINT: give one credential, the secret or the certificate",
    ],
    [
      { MS_USGOV_DOD_CLIENT_ID: D, MS_USGOV_DOD_CERTIFICATE_THUMBPRINT: SHA1 },
      "configuration: MS_USGOV_DOD_CERTIFICATE_PRIVATE_KEY is required when MS_USGOV_DOD_CERTIFICATE_THUMBPRINT is set",
    ],
    [
      { MS_GLOBAL_CLIENT_ID: G, MS_GLOBAL_CERTIFICATE_PRIVATE_KEY: "k" },
      "configuration: MS_GLOBAL_CERTIFICATE_THUMBPRINT is required when MS_GLOBAL_CERTIFICATE_PRIVATE_KEY is set",
    ],
    [
      { MS_USGOV_CLIENT_ID: "my-app", MS_USGOV_CLIENT_SECRET: "s" },
      "configuration: MS_USGOV_CLIENT_ID is invalid: must be the app registration's application (client) id, a GUID",
    ],
    [
      { MS_CHINA_CLIENT_ID: C, MS_CHINA_CERTIFICATE_THUMBPRINT: "abc", MS_CHINA_CERTIFICATE_PRIVATE_KEY: "k" },
      "configuration: MS_CHINA_CERTIFICATE_THUMBPRINT is invalid: must be 40 (SHA-1) or 64 (SHA-256) hex digits",
    ],
    [
      { MS_CLIENT_ID: G, MS_CLIENT_SECRET: "s", MS_GLOBAL_CLIENT_ID: G, MS_GLOBAL_CLIENT_SECRET: "s" },
      "configuration: MS_GLOBAL_CLIENT_ID is invalid: MS_CLIENT_ID (the older name) configures the global cloud's app too; keep one",
    ],
  ];
  for (const [env, line] of refusals) {
    it(`refuses ${Object.keys(env).join(", ")} with one line naming the variable`, () => {
      expect(() => readConfig({ ...base, ...env }))
        .to.throw(ConfigError)
        .with.property("message", line);
    });
  }
});
