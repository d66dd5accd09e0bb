// No 4me customer can reach another customer's Intune tenant (issue 13), end to end against the sandbox, on both
// stores. Account alpha connected contoso.com through its administrator's sign-in. Account bravo names contoso.com in
// its own form, tries every forgery it can build without an administrator of contoso.com, and only an administrator
// of contoso.com signing in for bravo moves the tenant. Bindings outlive a restart, are shared by replicas, and an
// uninstall releases them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Field, tenantField } from "../../src/app-instance/fields.js";
import { silentLogger } from "../../src/logger.js";
import { followConsentLink } from "../../src/sandbox/consent-browser.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import type { SimTenant } from "../../src/sandbox/fleet/types.js";
import { ID_TOKEN_TAMPERS } from "../../src/sandbox/microsoft/index.js";
import { openStore } from "../../src/store/open-store.js";
import { TEST_DATABASE_URL, createTestSchema, requirePostgres, type TestSchema } from "../helpers/pg.js";
import { BASE_FORM, isOsCi, ourCis, startTestSandbox, tenantOf, type Sandbox } from "./helpers/sandbox.js";

const BRAVO = "bravo";

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`tenant isolation between 4me accounts on ${backend} (e2e)`, function () {
    this.timeout(60_000);
    let sb: Sandbox;
    let schema: TestSchema | undefined;
    let dir: string | undefined;
    let contoso: SimTenant;
    let fabrikam: SimTenant;
    let alphaCis: number;

    const formOf = (account: string): Record<string, unknown> => {
      const instance = sb.fourme.inspect.appInstances().find((i) => i.customerAccount === account);
      if (!instance) return {};
      return Object.fromEntries(
        (instance.customFields as { id: string; value: unknown }[]).map((f) => [f.id, f.value]),
      );
    };
    const linkOf = (account: string, slot = 1) => String(formOf(account)[tenantField.consentUrl(slot)] ?? "");
    const statusOf = (account: string, slot = 1) => String(formOf(account)[tenantField.status(slot)] ?? "");
    const intuneCis = (account: string) =>
      sb.fourme.inspect.cis(account).filter((c) => c.source === "Intune" && !isOsCi(c));
    const binding = () => sb.connector.store.getTenantBinding(contoso.tenantId);
    const callback = (query: Record<string, string>, init?: RequestInit) =>
      fetch(`${sb.url}/consent/callback${init ? "" : `?${new URLSearchParams(query)}`}`, init);
    const post = (body: Record<string, string>) =>
      callback(body, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(body).toString(),
      });
    const stateOf = (link: string) => new URL(link).searchParams.get("state")!;

    /** Nothing of contoso.com reached bravo, and alpha still holds it. */
    async function bravoHasNothing() {
      expect((await binding())?.account).to.equal(sb.account);
      expect(intuneCis(BRAVO)).to.have.length(0);
      expect(sb.fourme.inspect.requests(BRAVO)).to.have.length(0);
      expect(statusOf(sb.account)).to.equal("connected");
    }

    before(async function () {
      let databaseUrl: string;
      if (backend === "postgres") {
        await requirePostgres(this);
        schema = await createTestSchema("isolation");
        const url = new URL(TEST_DATABASE_URL);
        url.searchParams.set("options", `-c search_path=${schema.schema}`);
        databaseUrl = url.toString();
      } else {
        dir = mkdtempSync(join(tmpdir(), "isolation-"));
        databaseUrl = join(dir, "connector.db");
      }
      const fleet = generateFleet({
        seed: 31,
        size: 40,
        tenants: [{ domain: "contoso.com" }, { domain: "fabrikam.com" }],
      });
      sb = await startTestSandbox({
        fleet,
        env: { DATABASE_URL: databaseUrl },
        connector: { pgBoss: { pollingIntervalSeconds: 0.5 } },
      });
      contoso = tenantOf(sb, 0);
      fabrikam = tenantOf(sb, 1);
      await sb.setup({ tenants: [{ domain: contoso.domain }], fields: BASE_FORM });
      alphaCis = ourCis(sb).length;
      expect(alphaCis).to.be.greaterThan(20);
      // Bravo: its own people and teams, nothing imported; alerts on, so a leak would raise requests too.
      sb.fourme.seedAccount(BRAVO, { ...fleet.fourme, products: [], cis: [] });
      await sb.fourme.installApp(BRAVO, {
        customFields: [
          { id: tenantField.domain(1), value: contoso.domain },
          { id: tenantField.cloud(1), value: "global" },
          ...BASE_FORM,
          { id: Field.alertsEnabled, value: true },
        ],
      });
      await sb.idle();
    });
    after(async () => {
      await sb?.close();
      await schema?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    afterEach(() => {
      sb?.microsoft.controls.signIn(null);
      sb?.microsoft.controls.tamperIdTokens(null);
    });

    it("account B names account A's connected tenant: never connected, 0 CIs and 0 requests, and the form says why", async () => {
      expect(statusOf(BRAVO)).to.equal(
        `pending_consent: connected to another 4me account: an administrator of ${contoso.domain} must sign in here to move it`,
      );
      expect(linkOf(BRAVO)).to.include("/oauth2/v2.0/authorize?");
      const result = await sb.connector.syncNow(BRAVO, "test");
      expect(result.skipped).to.equal("no_tenant");
      await bravoHasNothing();
    });

    it("a forged callback, built without an administrator of A's tenant, connects nothing and answers 4xx", async () => {
      const signInState = stateOf(linkOf(BRAVO));
      // B's genuine sign-in state with A's tenant id, as the old admin-consent answer.
      const asConsent = await callback({ state: signInState, admin_consent: "True", tenant: contoso.tenantId });
      expect(asConsent.status).to.equal(400);
      // The same state with a made-up code.
      const madeUp = await post({ state: signInState, code: "0.AAAA-made-up-code" });
      expect(madeUp.status).to.equal(400);
      // B's link, re-pointed at /organizations, signed in by B's own administrator (fabrikam.com): a genuine code
      // and ID token, but for B's directory, not the one the link was made for.
      sb.microsoft.controls.signIn({ tenant: fabrikam.domain });
      const repointed = linkOf(BRAVO).replace(`/${contoso.tenantId}/oauth2/`, "/organizations/oauth2/");
      const viaOrganizations = await followConsentLink(repointed);
      expect(viaOrganizations.status).to.be.within(400, 499);
      expect(viaOrganizations.result).to.equal("rejected");
      // B's own admin-consent state, won by signing in to B's own tenant, with A's tenant id in the answer.
      await sb.fourme.saveForm(BRAVO, [
        { id: tenantField.domain(2), value: fabrikam.domain },
        { id: tenantField.cloud(2), value: "global" },
      ]);
      await sb.idle();
      const toConsent = await signInWithoutFollowingConsent(linkOf(BRAVO, 2));
      const ownConsentState = stateOf(toConsent);
      const swapped = await callback({ state: ownConsentState, admin_consent: "True", tenant: contoso.tenantId });
      expect(swapped.status).to.equal(400);
      expect(await swapped.text()).to.include("names another directory");
      await bravoHasNothing();
      expect((await sb.connector.store.getTenantBinding(fabrikam.tenantId))?.account, "B may bind its own").to.equal(
        BRAVO,
      );
      await sb.fourme.saveForm(BRAVO, [{ id: tenantField.domain(2), value: "" }]);
      await sb.idle();
    });

    it("B's own administrator signing in at B's link for A's tenant cannot attach it", async () => {
      sb.microsoft.controls.signIn({ tenant: fabrikam.domain });
      const visit = await followConsentLink(linkOf(BRAVO));
      expect(visit.result).to.equal("failed");
      expect(statusOf(BRAVO)).to.match(/^failed: the account used to sign in is not from the contoso\.com directory/);
      await bravoHasNothing();
    });

    it("a non-administrator of A's tenant cannot move it: a clear page and status, nothing changed", async () => {
      await sb.connector.validateTenants(BRAVO);
      sb.microsoft.controls.signIn({ tenant: contoso.domain, admin: false, upn: "pat@contoso.com" });
      const visit = await followConsentLink(linkOf(BRAVO));
      expect(visit.status).to.equal(403);
      expect(visit.html).to.include("not an administrator of contoso.com");
      expect(statusOf(BRAVO)).to.match(/^pending_consent: pat@contoso\.com signed in, but is not an administrator/);
      await bravoHasNothing();
    });

    for (const kind of ID_TOKEN_TAMPERS) {
      it(`refuses an ID token with a bad ${kind} and moves nothing`, async () => {
        sb.microsoft.controls.tamperIdTokens(kind);
        const visit = await followConsentLink(linkOf(BRAVO));
        expect(visit.status).to.equal(400);
        expect(visit.html).to.include("could not be verified");
        await bravoHasNothing();
      });
    }

    it("an administrator of A's tenant signs in for B: the tenant moves to B, A's slot says so, nothing is duplicated", async () => {
      const visit = await followConsentLink(linkOf(BRAVO));
      expect(visit.result).to.equal("connected");
      await sb.idle();
      expect((await binding())?.account).to.equal(BRAVO);
      expect(statusOf(BRAVO)).to.equal("connected");
      expect(statusOf(sb.account)).to.match(
        /^pending_consent: moved to another 4me account by an administrator of contoso\.com/,
      );
      expect(linkOf(sb.account)).to.include("/oauth2/v2.0/authorize?");

      // B's first sync ran on the consent; B now holds contoso's devices once, and A's CIs stay as they were.
      expect(intuneCis(BRAVO).length).to.equal(alphaCis);
      // A's only tenant is gone from it: no run (as when the last tenant leaves the form), nothing read or retired.
      expect((await sb.sync()).skipped).to.equal("no_tenant");
      expect(ourCis(sb).length).to.equal(alphaCis);
      expect(ourCis(sb).filter((c) => c.status !== "in_production")).to.have.length(0);
      const bravoRun = (await sb.connector.syncNow(BRAVO, "test")).run!;
      expect(bravoRun.counts.created ?? 0, "a re-sync of B creates nothing more").to.equal(0);
      expect(intuneCis(BRAVO).length).to.equal(alphaCis);
    });

    it("the binding survives a restart and is shared by another replica on the same database", async () => {
      const replica = await openStore(sb.connector.config, silentLogger);
      try {
        expect((await replica.getTenantBinding(contoso.tenantId))?.account).to.equal(BRAVO);
      } finally {
        await replica.close();
      }
    });

    it("uninstalling (app_instance.delete) releases the account's bindings; A's administrator takes the tenant back", async () => {
      await sb.fourme.uninstall(BRAVO);
      await sb.idle();
      expect(await binding()).to.equal(undefined);
      await sb.connector.validateTenants(sb.account);
      expect(statusOf(sb.account)).to.equal("pending_consent");
      const visit = await followConsentLink(linkOf(sb.account));
      expect(visit.result).to.equal("connected");
      expect((await binding())?.account).to.equal(sb.account);
    });
  });
}

/** Follows a sign-in link up to our redirect to Microsoft's admin-consent page, and returns that page's URL. */
async function signInWithoutFollowingConsent(link: string): Promise<string> {
  const page = await fetch(link, { redirect: "manual" });
  const { formPostOf } = await import("../../src/sandbox/consent-browser.js");
  const form = formPostOf(await page.text());
  expect(form, "Microsoft's form_post page").to.not.equal(undefined);
  const answer = await fetch(form!.action, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form!.fields).toString(),
  });
  expect(answer.status).to.equal(303);
  return answer.headers.get("location")!;
}
