// A webhook policy's own `issuer` (app_instance.secrets-update) is accepted only when it is a 4me account URL of
// the configured environment, and it never widens where webhook.verify may call.
import { expect } from "chai";
import { fourMeEndpoints } from "../../../src/fourme/endpoints.js";
import { isFourMeAccountUrl } from "../../../src/webhooks/account-urls.js";
import { makeKey, type TestKey } from "../../helpers/jwt.js";
import { providerEnvelope, startReceiver, type Receiver } from "./harness.js";

const OFFERING = { reference: "microsoft_intune", id: 1 };

describe("webhook policy issuer", () => {
  describe("isFourMeAccountUrl", () => {
    it("accepts an account URL on either brand of the configured environment and region", () => {
      const global = fourMeEndpoints("4me.com");
      for (const ok of ["https://widget.4me.com", "https://widget.xurrent.com/", "https://WIDGET.4me.com:443"]) {
        expect(isFourMeAccountUrl(ok, global), ok).to.equal(true);
      }
      const au = fourMeEndpoints("xurrent.qa", "au");
      expect(isFourMeAccountUrl("https://widget.au.xurrent.qa", au)).to.equal(true);
      expect(isFourMeAccountUrl("https://widget.au.4me.qa", au)).to.equal(true);
    });

    it("refuses other hosts, schemes, ports, paths, credentials, environments and regions", () => {
      const global = fourMeEndpoints("4me.com");
      for (const bad of [
        "http://169.254.169.254",
        "http://169.254.169.254/latest/meta-data/",
        "http://widget.4me.com",
        "https://widget.4me.com:8443",
        "https://widget.4me.com/webhooks",
        "https://widget.4me.com?x=1",
        "https://user@widget.4me.com",
        "https://widget.4me.com.evil.example",
        "https://a.b.4me.com",
        "https://4me.com",
        "https://.4me.com",
        "https://widget.au.4me.com",
        "https://widget.4me.qa",
        "https://desk.widget.example",
        "not a url",
      ]) {
        expect(isFourMeAccountUrl(bad, global), bad).to.equal(false);
      }
      expect(isFourMeAccountUrl("https://widget.4me.com", fourMeEndpoints("4me.com", "au"))).to.equal(false);
    });

    it("follows an overridden account URL template (the loopback sandbox)", () => {
      const sandbox = fourMeEndpoints("4me.com", undefined, { accountUrlTemplate: "http://127.0.0.1:4000/{account}" });
      expect(isFourMeAccountUrl("http://127.0.0.1:4000/widget", sandbox)).to.equal(true);
      expect(isFourMeAccountUrl("http://127.0.0.1:4001/widget", sandbox)).to.equal(false);
      expect(isFourMeAccountUrl("http://127.0.0.1:4000/widget/x", sandbox)).to.equal(false);
      expect(isFourMeAccountUrl("https://widget.4me.com", sandbox)).to.equal(false);
    });
  });

  describe("in the receiver", () => {
    let r: Receiver;
    let customerKey: TestKey;
    const fetched: string[] = [];
    const fakeFetch = (async (input: string | URL | Request) => {
      fetched.push(String(input));
      return new Response("ok", { status: 200 });
    }) as typeof fetch;

    before(async () => {
      customerKey = await makeKey("ES256");
    });
    beforeEach(async () => {
      fetched.length = 0;
      r = await startReceiver({ fetch: fakeFetch });
    });
    afterEach(async () => {
      await r.close();
    });

    const secretsUpdate = async (issuer: string) =>
      r.post("/webhooks/4me", {
        jwt: await r.sign(
          providerEnvelope("app_instance.secrets-update", {
            app_offering: OFFERING,
            customer_account_id: "widget",
            application: { client_id: "c", client_secret: "s" },
            policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem, issuer },
          }),
        ),
      });

    it("refuses a secrets-update whose policy issuer is not a 4me account URL: 400, one line, nothing stored", async () => {
      for (const issuer of ["http://169.254.169.254", "https://desk.widget.example", "https://widget.4me.com:8443"]) {
        r.logs.length = 0;
        const answer = await secretsUpdate(issuer);
        expect(answer.status, issuer).to.equal(400);
        expect(answer.body?.message).to.equal("secrets part policy has an issuer that is not a 4me account URL");
        expect(r.logs).to.have.length(1);
        expect(r.logs[0].msg).to.equal("webhook rejected");
      }
      // The replay claim taken before handling is released: the store is as it was.
      expect(r.store.writes.filter((w) => w !== "rememberOnce" && w !== "forgetOnce")).to.deep.equal([]);
      expect(r.store.remembered.size).to.equal(0);
      expect(r.store.secrets.size).to.equal(0);
      expect(r.store.instances.size).to.equal(0);
      expect(r.queue.jobs).to.deep.equal([]);
    });

    it("stores a policy whose issuer is a 4me account URL", async () => {
      expect((await secretsUpdate("https://widget.xurrent.com")).status).to.equal(200);
      expect(r.store.secrets.get("widget")?.policy?.issuer).to.equal("https://widget.xurrent.com");
    });

    const verifyOnCustomer = async (issuer: string, callback: string) =>
      r.post("/webhooks/4me/customer?account=widget", {
        jwt: await r.sign(
          { ...providerEnvelope("webhook.verify", { callback }), account_id: "widget" },
          { issuer },
          customerKey,
        ),
      });

    it("ignores a metadata-host issuer stored before the check: no token from it, no fetch", async () => {
      await r.store.mergeSecrets("widget", {
        policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem, issuer: "http://169.254.169.254" },
      });
      const answer = await verifyOnCustomer("http://169.254.169.254", "http://169.254.169.254/latest/meta-data/");
      expect(answer.status).to.equal(401);
      const own = await verifyOnCustomer("https://widget.4me.com", "http://169.254.169.254/latest/meta-data/");
      expect(own.status).to.equal(400);
      expect(fetched).to.deep.equal([]);
    });

    it("never lets a policy issuer widen where webhook.verify calls", async () => {
      await r.store.mergeSecrets("widget", {
        policy: { algorithm: "ES256", public_key: customerKey.publicKeyPem, issuer: "https://service.4me.com" },
      });
      // The issuer is accepted as `iss`, but its host is not the account's own: the callback is refused.
      const answer = await verifyOnCustomer("https://service.4me.com", "https://service.4me.com/webhooks/1/verify");
      expect(answer.status).to.equal(400);
      expect(fetched).to.deep.equal([]);
      expect((await verifyOnCustomer("https://service.4me.com", "https://widget.4me.com/w/1/verify")).status).to.equal(
        200,
      );
      expect(fetched).to.deep.equal(["https://widget.4me.com/w/1/verify"]);
    });
  });
});
