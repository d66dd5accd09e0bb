// The demo page (`npm run demo`) in headless Chromium, over a real sandbox: a small fleet synced by the connector
// into the simulated 4me with alerts on, then the overview, the CI list, one CI through the real CI UI extension,
// the requests with their notes and the configuration form with its live count. Saves two screenshots for docs.
import { expect } from "chai";
import type { Page } from "playwright-core";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/harness.js";
import { serveDemoPage } from "../../src/sandbox/demo/page.js";
import { DEMO_FORM_FIELDS, summarizeSandbox } from "../../src/sandbox/demo/run-demo.js";
import type { Listening } from "../../src/server/listen.js";
import { UI_SECTIONS } from "../../src/ui-fields.js";
import { makeModelKey, makeModelOf, repeatsBrand } from "../../src/sync/make-model.js";
import { chromiumAvailable, launchBrowser, type Browser } from "./harness/browser.js";
import { screenshotPath } from "./harness/screenshot-path.js";

const screenshot = screenshotPath;
const field = (ref: unknown, name: string): string => String((ref as Record<string, unknown> | null)?.[name] ?? "");

describe("demo page in a browser", function () {
  this.timeout(60_000);
  let sandbox: Sandbox | undefined;
  let server: Listening | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let summary: string;
  const errors: string[] = [];

  before(async function () {
    if (!chromiumAvailable()) return this.skip();
    sandbox = await startSandbox({ fleet: generateFleet({ seed: 42, size: 60 }), instantWaits: true });
    const form = await sandbox.setup({ fields: DEMO_FORM_FIELDS });
    summary = await summarizeSandbox(sandbox, form, 0);
    server = await serveDemoPage({ fourme: sandbox.fourme, account: sandbox.account, summary: () => summary });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await sandbox?.close();
  });

  async function open(path: string, ready?: string): Promise<void> {
    const response = await page.goto(`${server!.url}${path}`);
    expect(response?.status(), path).to.equal(200);
    if (ready) await page.waitForSelector(ready);
    expect(errors, `script errors on ${path}`).to.deep.equal([]);
  }

  /** The CIs the connector wrote (source Intune), as the simulated 4me holds them. */
  const ours = () => sandbox!.fourme.inspect.cis(sandbox!.account).filter((c) => c.source === "Intune");

  it("shows the sync summary on the overview, with links to every part", async () => {
    await open("/");
    const text = await page.locator("body").innerText();
    expect(text).to.contain(`Devices seen in Intune:        60`);
    expect(text).to.contain(sandbox!.account);
    for (const name of ["Configuration items", "Products", "Requests", "configuration form"]) {
      expect(await page.getByRole("link", { name: new RegExp(name, "i") }).count(), name).to.be.greaterThan(0);
    }
  });

  it("lists every CI of the account, linking each to its own page", async () => {
    await open("/demo/cis");
    const all = sandbox!.fourme.inspect.cis(sandbox!.account);
    expect(ours().length).to.be.greaterThan(20);
    expect(await page.locator("table.cis tbody tr").count()).to.equal(all.length);
    const first = ours()[0]!;
    await page.fill("input[name=q]", first.serialNr!);
    await Promise.all([page.waitForURL(/q=/), page.click("form button")]);
    expect(await page.locator("table.cis tbody tr").count()).to.be.at.least(1);
    expect(await page.locator("table.cis tbody").innerText()).to.contain(first.serialNr!);
    const link = page.locator(`a[href="/demo/cis/${encodeURIComponent(first.id)}"]`);
    expect(await link.innerText()).to.equal(first.name);
    await Promise.all([page.waitForURL(/\/demo\/cis\/.+/), link.click()]);
    await page.waitForSelector("html[data-extension-ready=true]");
    expect(await page.locator("#standin_record h1").innerText()).to.equal(first.name);
  });

  it("shows a CI through the real CI UI extension, with its Intune values and System ID link", async () => {
    // A company Windows device with a user: the fullest record.
    const ci = ours().find(
      (c) =>
        c.users.length > 0 &&
        c.customFields.some((f) => f.id === "intune_os" && f.value === "Windows") &&
        c.customFields.some((f) => f.id === "intune_ownership" && f.value === "Company"),
    )!;
    expect(ci, "a company Windows CI with a user").not.to.equal(undefined);
    const values = Object.fromEntries(ci.customFields.map((f) => [f.id, f.value]));
    await open(`/demo/cis/${encodeURIComponent(ci.id)}`, "html[data-extension-ready=true]");

    expect(await page.locator("#standin_record h1").innerText()).to.equal(ci.name);
    const titles = await page.locator(".intune-ci .section-header").allInnerTexts();
    expect(titles).to.deep.equal(UI_SECTIONS.map((s) => s.title));
    const shown = (id: string) => page.locator(`#${id} ~ .intune-value`).innerText();
    expect(await shown("intune_os")).to.equal("Windows");
    expect(await shown("intune_os_version")).to.equal(String(values["intune_os_version"]));
    expect(await shown("intune_model")).to.equal(String(values["intune_model"]));
    expect(await shown("intune_compliance")).to.equal(String(values["intune_compliance"]));
    expect(await shown("intune_primary_user")).to.equal(String(values["intune_primary_user"]));
    expect(String(values["intune_os_version"])).not.to.equal("");

    const deepLink = page.locator("#intune_device_link ~ a.intune-value");
    expect(await deepLink.getAttribute("href")).to.equal(values["intune_device_link"]);
    const systemId = page.locator("#standin_record dd a");
    expect(ci.systemID).to.match(/^https?:\/\/.+/);
    expect(await systemId.getAttribute("href")).to.equal(ci.systemID);
    expect(await systemId.innerText()).to.equal(ci.systemID);
    const record = await page.locator("#standin_record").innerText();
    expect(record).to.contain("Service Desk");
    expect(record).to.contain(ci.serialNr!);
    expect(await page.locator("#standin_relations").innerText()).to.contain(field(ci.users[0], "name"));
    // The extension shows the OS CI's name (the connector writes it: an extension sees no other record), and the
    // CI's own operatingSystem relation names the same CI.
    expect(String(values["intune_os_ci"])).to.match(/^(Windows|iOS|iPadOS|macOS|Android)/);
    expect(await shown("intune_os_ci")).to.equal(String(values["intune_os_ci"]));
    expect(await page.locator("#standin_relations").innerText()).to.contain(
      `Operating system\n${values["intune_os_ci"]}`,
    );

    await page.screenshot({ path: screenshot("demo-ci.png"), fullPage: true });
  });

  it("shows the product catalogue by category: one product per make and model, no brand twice", async () => {
    const products = sandbox!.fourme.inspect.products(sandbox!.account);
    await open("/demo/products");
    expect(await page.locator("table.products tbody tr:not(.group)").count()).to.equal(products.length);
    const names = await page.locator("table.products td.name").allInnerTexts();
    for (const name of names) expect(repeatsBrand(name, name.split(" ")[0]!), name).to.equal(false);
    // The products the import created or reused (our source) are one per make and model.
    const keys = products.filter((p) => p.source === "Intune").map((p) => makeModelKey(makeModelOf(p.brand, p.model)));
    expect(new Set(keys).size).to.equal(keys.length);
    const groups = await page.locator("tr.group th").allInnerTexts();
    expect(groups.some((g) => g.startsWith("Desktop"))).to.equal(true);
    // The software products (issue 17): each operating-system CI, and how many devices run it.
    const osCis = sandbox!.fourme.inspect.cis(sandbox!.account).filter((c) => c.sourceID?.startsWith("os:"));
    expect(osCis.length).to.be.greaterThan(3);
    const osRows = await page.locator("table.software tbody tr").allInnerTexts();
    expect(osRows.length).to.equal(osCis.length);
    const running = sandbox!.fourme.inspect.cis(sandbox!.account).filter((c) => c.operatingSystemId === osCis[0].id);
    expect(osRows.find((r) => r.startsWith(osCis[0].name))).to.match(new RegExp(`\\t${running.length}$`));
    await page.screenshot({ path: screenshot("demo-products.png"), fullPage: true });
  });

  it("shows the alert requests with their notes", async () => {
    const requests = sandbox!.fourme.inspect.requests(sandbox!.account);
    expect(requests.length, "the small fleet raises alerts").to.be.greaterThan(0);
    const withNote = requests.find((r) => r.notes.length > 0)!;
    expect(withNote, "a request with a note").not.to.equal(undefined);
    await open("/demo/requests");
    expect(await page.locator("article.request").count()).to.equal(requests.length);
    const article = page.locator("article.request", { hasText: withNote.subject });
    const note = article.locator(".note").first();
    expect(await note.isVisible()).to.equal(true);
    const firstLine = withNote.notes[0]!.text.split("\n")[0]!;
    expect(await note.innerText()).to.contain(firstLine);
    // The note's Intune admin center link is a link.
    const url = /https?:\/\/\S+/.exec(withNote.notes[0]!.text)?.[0];
    expect(url, "an admin center link in the note").to.be.a("string");
    expect(await article.locator(`.note a[href="${url}"]`).count()).to.equal(1);
    await page.screenshot({ path: screenshot("demo-requests.png") });
  });

  it("shows the app instance's configuration form with the live count from the sync", async () => {
    await open("/demo/form", "html[data-extension-ready=true]");
    const number = async (role: string) =>
      Number((await page.locator(`[data-role=${role}]`).innerText()).replace(/,/g, ""));
    const run = (await sandbox!.runs(1))[0]!;
    expect(await page.locator("[data-role=count]").isVisible()).to.equal(true);
    expect(await number("total")).to.equal(run.counts["seen"]);
    expect(await number("count")).to.equal(run.counts["in_scope"]);
    expect(await number("count")).to.be.greaterThan(0);
  });

  it("opens a CI's System ID and a note's compliance link in the simulated Intune admin center", async () => {
    const ci = ours().find((c) => c.systemID)!;
    await page.goto(ci.systemID!);
    await page.waitForURL(/\/devices\/.+\/overview$/);
    const deviceId = decodeURIComponent(/\/devices\/([^/]+)\/overview$/.exec(page.url())![1]!);
    const device = sandbox!.microsoft.controls
      .tenant(sandbox!.microsoft.fleet.tenants[0]!.domain)
      .devices.find((d) => d["id"] === deviceId)!;
    expect(await page.locator("h1").innerText()).to.equal(String(device["deviceName"]));
    const note = sandbox!.fourme.inspect.requests(sandbox!.account).find((r) => r.notes.length > 0)!;
    const url = /https?:\/\/\S+/.exec(note.notes[0]!.text)![0];
    await page.goto(url);
    await page.waitForURL(/\/compliance$/);
    expect(await page.locator("h2").innerText()).to.equal("Device compliance");
    expect(errors).to.deep.equal([]);
  });

  it("gives every page one width and one favicon, and a navigation that fits a narrow window", async () => {
    const ci = ours()[0]!;
    const widths = new Set<string>();
    const icons = new Set<string | null>();
    for (const path of ["/", "/demo/cis", `/demo/cis/${encodeURIComponent(ci.id)}`, "/demo/requests", "/demo/form"]) {
      await open(path);
      widths.add(
        await page
          .locator("main")
          .first()
          .evaluate((m) => getComputedStyle(m).maxWidth),
      );
      icons.add(await page.locator("link[rel=icon]").getAttribute("href"));
    }
    expect([...widths]).to.deep.equal(["1180px"]);
    expect(icons.size).to.equal(1);
    expect([...icons][0]).to.match(/^data:image\/svg\+xml,/);

    await page.setViewportSize({ width: 360, height: 700 });
    try {
      await open("/demo/requests");
      const nav = page.locator("nav.demo-nav");
      const fits = await nav.evaluate((n) => n.scrollWidth <= n.clientWidth);
      expect(fits, "the navigation overflows a 360 px window").to.equal(true);
      for (const link of await nav.locator("a").all()) {
        const box = (await link.boundingBox())!;
        expect(box.x + box.width, await link.innerText()).to.be.at.most(360);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
