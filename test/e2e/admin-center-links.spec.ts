// The links the connector writes into 4me — a CI's System ID ("Open in Intune admin center") and the compliance link
// in an alert request's notes — open a simulated Intune device page in the sandbox, as they would open
// intune.microsoft.com for real, instead of a 404 (issue 16). The device is named in the link's fragment, which a
// browser never sends: the admin center's shell reads it (as the real single-page app does) and opens the device's
// page; this test follows the same two steps over HTTP. test/browser/demo-page.spec.ts runs the shell's script.
import { expect } from "chai";
import { Field } from "../../src/app-instance/fields.js";
import { generateFleet } from "../../src/sandbox/fleet/generate.js";
import { deviceOfFragment } from "../../src/sandbox/microsoft/admin-center.js";
import { BASE_FORM, startTestSandbox, type Sandbox } from "./helpers/sandbox.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page the shell opens for a link: its status, its HTML and the device it names. */
async function follow(link: string) {
  const shell = await fetch(link);
  expect(shell.status, link).to.equal(200);
  expect(await shell.text())
    .to.include("Microsoft Intune admin center")
    .and.include("location.hash");
  const device = deviceOfFragment(new URL(link).hash);
  expect(device, link).to.not.equal(undefined);
  const page = await fetch(new URL(`devices/${encodeURIComponent(device!.deviceId)}/${device!.page}`, link));
  return { status: page.status, html: await page.text(), ...device! };
}

describe("admin center links in the sandbox", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let deviceName: (id: string) => string;

  before(async () => {
    const fleet = generateFleet({ seed: 5, size: 120 });
    sandbox = await startTestSandbox({ fleet });
    await sandbox.setup({
      fields: [...BASE_FORM, { id: Field.alertsEnabled, value: true }],
      fieldsBeforeConsent: true,
    });
    const devices = sandbox.microsoft.controls.tenant(fleet.tenants[0]!.domain).devices;
    deviceName = (id) => esc(String(devices.find((d) => d["id"] === id)?.["deviceName"]));
  });
  after(() => sandbox?.close());

  it("opens a CI's System ID on the device's overview, with its name", async () => {
    const ci = sandbox.fourme.inspect.cis(sandbox.account).find((c) => c.source === "Intune" && c.systemID)!;
    const page = await follow(ci.systemID!);
    expect(page.page).to.equal("overview");
    expect(page.status).to.equal(200);
    expect(page.html)
      .to.include(`<h1>${deviceName(page.deviceId)}</h1>`)
      .and.include(ci.serialNr ?? "");
  });

  it("opens an alert note's link on the device's compliance view, with its failing policies", async () => {
    const request = sandbox.fourme.inspect.requests(sandbox.account).find((r) => r.notes.length > 0)!;
    const link = /https?:\/\/\S+\/compliance\/mdmDeviceId\/[^\s)]+/.exec(
      request.notes.map((n) => n.text).join("\n"),
    )?.[0];
    expect(link, "a compliance link in the notes").to.be.a("string");
    const page = await follow(link!);
    expect([page.page, page.status]).to.deep.equal(["compliance", 200]);
    expect(page.html)
      .to.include(`<h1>${deviceName(page.deviceId)}</h1>`)
      .and.include("Device compliance");
    expect(page.html).to.match(/class="bad">(nonCompliant|error)</);
  });

  it("answers 404 for a device the simulated Intune does not hold", async () => {
    const ci = sandbox.fourme.inspect.cis(sandbox.account).find((c) => c.systemID)!;
    const r = await fetch(new URL("devices/no-such-device/overview", ci.systemID!));
    expect(r.status).to.equal(404);
  });
});
