import { expect } from "chai";
import type { Page } from "playwright-core";
import { chromiumAvailable, launchBrowser, type Browser } from "./harness/browser.js";
import { servePages, type PageServer } from "./harness/server.js";
import { configurationFormPage, CONSENT_URL, FORM_VALUES, KNOWN_BREAKDOWN } from "./harness/examples.js";
import { Field, TENANT_SLOTS, tenantField } from "../../src/app-instance/fields.js";
import { isImported, type ImportFilters } from "../../src/sync/filters.js";
import type { Ownership, Platform, UserState } from "../../src/sync/device-class.js";
import { screenshotPath } from "./harness/screenshot-path.js";

const SCREENSHOT = screenshotPath("configuration-form.png");

const SWITCHES: Record<keyof ImportFilters, string> = {
  active: Field.active,
  windows: Field.importWindows,
  android: Field.importAndroid,
  ios: Field.importIos,
  macos: Field.importMacos,
  personal: Field.importPersonal,
  onlyWithPrimaryUser: Field.onlyWithPrimaryUser,
  userDeleted: Field.importUserDeleted,
};

/** The sync's own rule (src/sync/filters.ts), counted over the same breakdown the form reads. */
function expectedCount(filters: ImportFilters): number {
  return KNOWN_BREAKDOWN.rows.reduce(
    (n, [platform, ownership, userState, count]) =>
      isImported(
        { platform: platform as Platform, ownership: ownership as Ownership, userState: userState as UserState },
        filters,
      )
        ? n + count
        : n,
    0,
  );
}

const WRITE_BACK_FIELDS = [
  ...Array.from({ length: TENANT_SLOTS }, (_, i) => [tenantField.status(i + 1), tenantField.consentUrl(i + 1)]).flat(),
  Field.offeredClouds,
  Field.fleetBreakdown,
  Field.softwareCatalogue,
  Field.unlinkedCis,
  Field.syncStartAt,
  Field.syncEndAt,
  Field.syncDuration,
  Field.syncSummary,
];

describe("configuration form in a browser", function () {
  let browser: Browser | undefined;
  let server: PageServer | undefined;
  let page: Page;
  const errors: string[] = [];

  before(async function () {
    if (!chromiumAvailable()) return this.skip();
    server = await servePages({
      "/form": configurationFormPage(),
      "/form-new": configurationFormPage({}),
      // A deployment with US Government apps only, and a tenant entered in the global cloud before.
      "/form-usgov": configurationFormPage({
        [Field.offeredClouds]: "usgov,usgov-dod",
        [tenantField.domain(1)]: "contoso.onmicrosoft.com",
        [tenantField.cloud(1)]: "global",
        [tenantField.status(1)]: "failed: this connector has no app registration for the Global cloud",
      }),
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string): Promise<void> {
    await page.goto(server!.url(path));
    await page.waitForSelector("html[data-extension-ready=true]");
    expect(errors, "script errors on the page").to.deep.equal([]);
  }

  async function formFilters(): Promise<ImportFilters> {
    const entries = await Promise.all(
      Object.entries(SWITCHES).map(async ([name, id]) => [name, await page.isChecked(`#${id}`)] as const),
    );
    return Object.fromEntries(entries) as unknown as ImportFilters;
  }

  const shownCount = async () => Number((await page.locator("[data-role=count]").innerText()).replace(/,/g, ""));
  const shownTotal = async () => Number((await page.locator("[data-role=total]").innerText()).replace(/,/g, ""));

  it("counts the devices the stored filters would import, out of the total, before activation", async () => {
    await open("/form");
    const filters = await formFilters();
    expect(filters.active).to.equal(false);
    expect(await shownTotal()).to.equal(KNOWN_BREAKDOWN.total);
    expect(await shownCount()).to.equal(expectedCount({ ...filters, active: true }));
    expect(await page.locator("[data-role=headline]").innerText()).to.contain("would be imported");
  });

  it("updates the live count to the sync's number each time a switch changes", async () => {
    await open("/form");
    const seen = new Set<number>();
    // Each switch on, then each off again: every step must match the TypeScript filter on the same breakdown.
    for (const pass of ["on", "off"]) {
      for (const id of Object.values(SWITCHES)) {
        if ((await page.isChecked(`#${id}`)) === (pass === "on")) continue;
        await page.click(`#${id}`);
        const filters = await formFilters();
        const expected = expectedCount({ ...filters, active: true });
        expect(await shownCount(), `after switching ${id} ${pass}`).to.equal(expected);
        seen.add(expected);
      }
    }
    // The fixture makes switches visible: a test where every step gave the same number would prove little.
    expect(seen.size).to.be.greaterThan(5);
  });

  it("says the devices are imported once Activate is on", async () => {
    await open("/form");
    await page.click(`#${Field.active}`);
    const filters = await formFilters();
    expect(filters.active).to.equal(true);
    expect(await shownCount()).to.equal(expectedCount(filters));
    expect(await page.locator("[data-role=headline]").innerText()).to.contain("devices are imported");
  });

  it("shows the consent button only for a tenant whose consent is pending", async () => {
    await open("/form");
    const button = page.locator("#intune_tenant_1 a.intune-consent-button");
    expect(await button.isVisible()).to.equal(true);
    expect(await button.getAttribute("href")).to.equal(CONSENT_URL);
    expect(await button.getAttribute("target")).to.equal("_blank");
    for (const slot of [2, 3]) {
      expect(await page.locator(`#intune_tenant_${slot} .intune-consent-button`).count(), `slot ${slot}`).to.equal(0);
      expect(await page.locator(`#intune_tenant_${slot} .intune-consent-row`).isVisible()).to.equal(false);
    }
    expect(await page.locator("#intune_tenant_1 .intune-status").innerText()).to.equal("Waiting for admin consent");
    expect(await page.locator("#intune_tenant_2 .intune-status").innerText()).to.equal("Connected");
    expect(await page.locator("#intune_tenant_3 .intune-status").innerText()).to.equal("Failed: tenant not found");
  });

  it("hides empty tenant slots until Add another tenant is used", async () => {
    await open("/form");
    expect(await page.locator("#intune_tenant_3").isVisible()).to.equal(true);
    expect(await page.locator("#intune_tenant_4").isVisible()).to.equal(false);
    await page.click(".intune-add-tenant");
    expect(await page.locator("#intune_tenant_4").isVisible()).to.equal(true);
    expect(await page.locator("#intune_tenant_5").isVisible()).to.equal(false);
    await page.click(".intune-add-tenant");
    expect(await page.locator("#intune_tenant_5").isVisible()).to.equal(true);
    expect(await page.locator(".intune-add-tenant").isVisible()).to.equal(false);
  });

  it("keeps every field the connector writes read-only", async () => {
    await open("/form");
    for (const id of WRITE_BACK_FIELDS) {
      expect(await page.locator(`#${id}`).isDisabled(), id).to.equal(true);
      expect(await page.locator(`#${id}`).isEditable(), id).to.equal(false);
    }
    // A person cannot type into them either: the stored value stays as the connector wrote it.
    await page.locator(`#${Field.syncSummary}`).click({ force: true });
    await page.keyboard.type("edited");
    expect(await page.inputValue(`#${Field.syncSummary}`)).to.equal(FORM_VALUES[Field.syncSummary]);
  });

  it("tells how many imported CIs have no service instance and asks for a default one", async () => {
    await open("/form");
    expect(await page.locator(".intune-notice").innerText()).to.equal(
      "37 imported CIs have no service instance; their requests go to the default service instance.",
    );
    expect(await page.locator(`#${Field.alertsServiceInstance}`).getAttribute("class")).to.contain("required");
  });

  it("says how many requests alerts would raise now, and over how many syncs past the per-sync limit", async () => {
    await open("/form");
    const forecast = page.locator("[data-role=alerts-forecast]");
    const setAlerts = (on: boolean) =>
      page.locator(`#${Field.alertsEnabled}`).evaluate((el, checked) => {
        (el as HTMLInputElement).checked = checked;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }, on);
    // Windows and iOS are imported (personally owned computers not): 236 + 18 noncompliant. Alerts are on here.
    expect(await forecast.innerText()).to.equal(
      "254 imported devices fail a compliance policy now; each has or gets its own request, at most 100 new ones per sync.",
    );
    await setAlerts(false);
    expect(await forecast.innerText()).to.equal(
      "254 imported devices fail a compliance policy now: switching alerts on raises 254 requests, 100 per sync " +
        "over 3 syncs, and one summary request lists the devices still waiting.",
    );
    // The alert settings show while alerts are on: the grace switch adds the 15 in grace, a limit of 500 covers all.
    await setAlerts(true);
    await page.check(`#${Field.alertsDuringGracePeriod}`);
    await page.fill(`#${Field.alertsMaxNewPerRun}`, "500");
    await page.locator(`#${Field.alertsMaxNewPerRun}`).dispatchEvent("change");
    await setAlerts(false);
    expect(await forecast.innerText()).to.equal(
      "269 imported devices fail a compliance policy now: switching alerts on raises 269 requests.",
    );
  });

  it("starts a new instance with nothing imported, alerts off and auto-resolve on", async () => {
    await open("/form-new");
    for (const id of Object.values(SWITCHES)) expect(await page.isChecked(`#${id}`), id).to.equal(false);
    expect(await page.isChecked(`#${Field.alertsEnabled}`)).to.equal(false);
    expect(await page.isChecked(`#${Field.alertsAutoResolve}`)).to.equal(true);
    expect(await page.isChecked(`#${Field.alertsDuringGracePeriod}`)).to.equal(false);
    expect(await page.inputValue(`#${Field.syncIntervalMinutes}`)).to.equal("60");
    expect(await page.inputValue(`#${Field.retireStatus}`)).to.equal("removed");
    expect(await page.inputValue(`#${Field.alertsCategory}`)).to.equal("incident");
    expect(await page.inputValue(`#${Field.alertsImpact}`)).to.equal("low");
    expect(await page.inputValue(`#${Field.alertsMaxNewPerRun}`)).to.equal("100");
    expect(await page.locator("[data-role=headline]").innerText()).to.equal("No device count yet");
    expect(await page.locator("#intune_tenant_1").isVisible()).to.equal(true);
    expect(await page.locator("#intune_tenant_2").isVisible()).to.equal(false);
  });

  it("offers only the clouds the connector has an app for, keeping an entered tenant's cloud", async () => {
    await open("/form-usgov");
    const offered = (slot: number) =>
      page.$$eval(`#${tenantField.cloud(slot)} option`, (options) =>
        (options as HTMLOptionElement[]).filter((o) => !o.hidden && !o.disabled).map((o) => o.value),
      );
    expect(await offered(1)).to.deep.equal(["global", "usgov", "usgov-dod"]);
    expect(await page.inputValue(`#${tenantField.cloud(1)}`)).to.equal("global");
    await page.click(".intune-add-tenant");
    expect(await offered(2)).to.deep.equal(["usgov", "usgov-dod"]);
    expect(await page.inputValue(`#${tenantField.cloud(2)}`)).to.equal("usgov");

    await open("/form");
    expect(await offered(1)).to.deep.equal(["global", "usgov", "usgov-dod", "china"]);
  });

  it("raises a sync interval below 15 minutes to 15", async () => {
    await open("/form");
    await page.fill(`#${Field.syncIntervalMinutes}`, "5");
    await page.locator(`#${Field.syncIntervalMinutes}`).dispatchEvent("change");
    expect(await page.inputValue(`#${Field.syncIntervalMinutes}`)).to.equal("15");
  });

  it("saves a screenshot for the README", async () => {
    await open("/form");
    await page.locator(".standin-page").screenshot({ path: SCREENSHOT });
  });
});
