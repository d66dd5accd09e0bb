import { expect } from "chai";
import type { Page } from "playwright-core";
import { chromiumAvailable, launchBrowser, type Browser } from "./harness/browser.js";
import { servePages, type PageServer } from "./harness/server.js";
import { ciExtensionPage, SURFACE_DEEP_LINK } from "./harness/examples.js";
import { UI_FIELD_IDS, UI_SECTIONS } from "../../src/ui-fields.js";
import { screenshotPath } from "./harness/screenshot-path.js";

const SCREENSHOT = screenshotPath("ci-extension.png");

/** Serves the CI page in `mode`, opens it and waits until the extension ran, without script errors. */
async function openCiPage(mode: "edit" | "view"): Promise<{ browser: Browser; server: PageServer; page: Page }> {
  const server = await servePages({ "/ci": ciExtensionPage(mode) });
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url("/ci"));
  await page.waitForSelector("html[data-extension-ready=true]");
  expect(errors, "script errors on the page").to.deep.equal([]);
  return { browser, server, page };
}

describe("CI UI extension in a browser", function () {
  let browser: Browser | undefined;
  let server: PageServer | undefined;
  let page: Page;

  before(async function () {
    if (!chromiumAvailable()) return this.skip();
    ({ browser, server, page } = await openCiPage("edit"));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const shown = (id: string) => page.locator(`#${id} ~ .intune-value`).innerText();

  it("shows the five sections with their titles in order", async () => {
    const titles = await page.locator(".intune-ci .section-header").allInnerTexts();
    expect(titles).to.deep.equal(UI_SECTIONS.map((s) => s.title));
  });

  it("shows every field with its label and the label's help as title", async () => {
    for (const section of UI_SECTIONS) {
      for (const field of section.fields) {
        const label = page.locator(`label[for=${field.id}]`);
        expect(await label.innerText()).to.equal(field.label);
        expect(await label.getAttribute("title")).to.equal(field.help);
      }
    }
  });

  it("shows the whitepaper's Surface Pro 4 values in readable form", async () => {
    expect(await shown("intune_os")).to.equal("Windows");
    expect(await shown("intune_os_version")).to.equal("10.0.22621.1");
    expect(await shown("intune_os_sku")).to.equal("Windows 10/11 Professional (48)");
    expect(await shown("intune_storage_total_gb")).to.equal("235");
    expect(await shown("intune_storage_free_gb")).to.equal("151");
    expect(await shown("intune_enrolled_at")).to.equal("May 17, 2022");
    expect(await shown("intune_last_contact_at")).to.equal("Jun 13, 2022, 8:41 AM");
    expect(await shown("intune_azure_ad_registered")).to.equal("Yes");
    expect(await shown("intune_join_type")).to.equal("AzureADJoined");
    expect(await shown("intune_ownership")).to.equal("Company");
    expect(await shown("intune_compliance")).to.equal("Noncompliant");
    expect(await shown("intune_encrypted")).to.equal("Yes");
    expect(await shown("intune_model")).to.equal("Surface Pro 4");
  });

  it("shows Unknown, and empty values as not reported, set apart from real values", async () => {
    expect(await shown("intune_jailbroken")).to.equal("Unknown");
    expect(await page.locator("#intune_jailbroken ~ .intune-value").getAttribute("class")).to.contain(
      "intune-tone-unknown",
    );
    expect(await shown("intune_imei")).to.equal("Not reported");
  });

  it("keeps each stored value untouched behind its readable form", async () => {
    expect(await page.inputValue("#intune_enrolled_at")).to.equal("2022-05-17");
    expect(await page.inputValue("#intune_azure_ad_registered")).to.equal("true");
  });

  it("shows the Intune deep link as a link that opens in a new tab, and System ID as a link", async () => {
    const link = page.locator("#intune_device_link ~ a.intune-value");
    expect(await link.getAttribute("href")).to.equal(SURFACE_DEEP_LINK);
    expect(await link.getAttribute("target")).to.equal("_blank");
    expect(await link.getAttribute("rel")).to.contain("noopener");
    expect(await link.innerText()).to.contain("Open in Intune admin center");
    const systemId = page.locator("#standin_record dd a");
    expect(await systemId.getAttribute("href")).to.equal(SURFACE_DEEP_LINK);
  });

  it("makes every field read-only for people", async () => {
    for (const id of UI_FIELD_IDS) {
      expect(await page.locator(`#${id}`).isDisabled(), id).to.equal(true);
      expect(await page.locator(`#${id}`).isEditable(), id).to.equal(false);
    }
  });

  it("saves a screenshot for the README", async () => {
    await page.locator(".standin-page").screenshot({ path: SCREENSHOT });
  });
});

describe("CI UI extension in a browser, in view mode", function () {
  let browser: Browser | undefined;
  let server: PageServer | undefined;
  let page: Page;

  before(async function () {
    if (!chromiumAvailable()) return this.skip();
    ({ browser, server, page } = await openCiPage("view"));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("formats the values 4me shows without running after-prefill, with ITRP only in scope by name", async () => {
    expect(await page.evaluate(() => typeof (window as unknown as { ITRP?: unknown }).ITRP)).to.equal("undefined");
    expect(await page.locator("#intune_enrolled_at ~ .intune-value").innerText()).to.equal("May 17, 2022");
    expect(await page.locator("#intune_compliance ~ .intune-value").innerText()).to.equal("Noncompliant");
    expect(await page.locator("#intune_imei ~ .intune-value").innerText()).to.equal("Not reported");
    expect(await page.locator(".intune-value").count()).to.equal(UI_FIELD_IDS.length);
  });
});
