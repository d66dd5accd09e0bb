// A small simulated Intune admin center, so the links the connector writes (the CI's System ID and the compliance
// link in alert notes) open something in the demo instead of a 404. The real links have the form
//   <admin center>/<tenant id>/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/<overview|compliance>/mdmDeviceId/<id>
// (src/sync/map-device.ts intuneDeviceUrl): the device is in the fragment, which browsers never send. So, as the
// real admin center (a single-page app) reads its fragment in the browser, GET <admin center>/<tenant>/ answers a
// shell whose script reads it and opens the device's page, which the simulator renders: the device's overview, or
// its compliance view with the failing policies and settings that request notes talk about. Read-only.
import { Router, type Response } from "express";
import type { SimPolicyState, SimTenant } from "../fleet/types.js";
import { viewOf } from "./graph-devices.js";
import type { SimState } from "./state.js";

export type AdminCenterPage = "overview" | "compliance";

/** The device page a fragment of a real admin-center link names, or undefined. */
export function deviceOfFragment(hash: string): { deviceId: string; page: AdminCenterPage } | undefined {
  const m = /DeviceSettingsMenuBlade\/~\/(overview|compliance)\/mdmDeviceId\/([^/?#&]+)/.exec(hash);
  return m ? { page: m[1] as AdminCenterPage, deviceId: decodeURIComponent(m[2]!) } : undefined;
}

const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;background:#faf9f8;color:#201f1e}
header{background:#0078d4;color:#fff;padding:10px 20px;font-size:15px}main{max-width:960px;margin:0 auto;padding:16px 20px}
h1{font-size:22px;font-weight:600;margin:8px 0 4px}.sub{color:#605e5c;margin-bottom:16px}nav a{margin-right:16px}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border-bottom:1px solid #edebe9;padding:6px 8px;text-align:left;vertical-align:top}
th{width:30%;font-weight:600}.bad{color:#a4262c;font-weight:600}.ok{color:#107c10;font-weight:600}
.note{color:#605e5c;font-size:13px;margin-top:20px}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><header>Microsoft Intune admin center (simulated)</header>
<main>${body}<p class="note">The demo's stand-in for intune.microsoft.com: it shows what the simulated Intune holds.</p></main></body></html>`;
}

/** The shell at <admin center>/<tenant>/: reads the fragment in the browser and opens the device's page. */
function shell(): string {
  const script = `(${deviceOfFragment.toString()})`;
  return layout(
    "Microsoft Intune admin center",
    `<h1>Devices</h1><p id="where" class="sub">Opening the device named in the link…</p>
<noscript>The admin center needs JavaScript to read the device from the link.</noscript>
<script>
const device = ${script}(location.hash);
if (device) location.replace("devices/" + encodeURIComponent(device.deviceId) + "/" + device.page);
else document.getElementById("where").textContent = "This link names no device.";
</script>`,
  );
}

function tenantOf(state: SimState, key: string): SimTenant | undefined {
  return state.tenantById(key) ?? state.fleet.tenants.find((t) => t.domain.toLowerCase() === key.toLowerCase());
}

function devicePage(
  tenant: SimTenant,
  device: Record<string, unknown>,
  states: SimPolicyState[],
  page: AdminCenterPage,
) {
  const name = String(device["deviceName"] ?? device["id"]);
  const row = (label: string, value: unknown) => `<tr><th>${esc(label)}</th><td>${esc(value)}</td></tr>`;
  const state = String(device["complianceState"] ?? "unknown");
  const nav = `<nav><a href="overview">Overview</a><a href="compliance">Device compliance</a></nav>`;
  const head = `<h1>${esc(name)}</h1><p class="sub">${esc(tenant.domain)} · ${esc(device["operatingSystem"])} ${esc(device["osVersion"])}</p>${nav}`;
  if (page === "overview") {
    return layout(
      `${name} - Overview`,
      `${head}<h2>Overview</h2><table>${[
        row("Device name", name),
        row("Managed by", device["managementAgent"]),
        row("Ownership", device["ownerType"] ?? device["managedDeviceOwnerType"]),
        row("Serial number", device["serialNumber"]),
        row("Manufacturer", device["manufacturer"]),
        row("Model", device["model"]),
        row("Primary user", device["userPrincipalName"]),
        row("Compliance", state),
        row("Last check-in", device["lastSyncDateTime"]),
        row("Device ID", device["id"]),
      ].join("")}</table>`,
    );
  }
  const policies = states
    .map((p) => {
      const failing = p.settingStates.filter((s) => s.state !== "compliant");
      const settings = failing.length
        ? `<ul>${failing.map((s) => `<li>${esc(s.setting)}: ${esc(s.state)}</li>`).join("")}</ul>`
        : "";
      const cls = p.state === "compliant" ? "ok" : "bad";
      return `<tr><th>${esc(p.displayName)}</th><td><span class="${cls}">${esc(p.state)}</span>${settings}</td></tr>`;
    })
    .join("");
  return layout(
    `${name} - Device compliance`,
    `${head}<h2>Device compliance</h2><p>Compliance state: <span class="${state === "compliant" ? "ok" : "bad"}">${esc(state)}</span></p>
<table>${policies || "<tr><td>No compliance policy is assigned to this device.</td></tr>"}</table>`,
  );
}

/**
 * Mounted at /intune on the Microsoft simulator (MS_ADMIN_CENTER_URL=<simulator>/intune). Links carry the tenant id
 * when the account has several tenants (<admin center>/<tenant>/#view/…), and none otherwise (<admin center>/#view/…).
 */
export function createAdminCenterRouter(state: SimState): Router {
  const router = Router();
  const showDevice = (tenants: SimTenant[], deviceId: string, page: string, res: Response) => {
    for (const tenant of tenants) {
      const view = viewOf(tenant);
      const index = view.indexOf(deviceId);
      const device = index >= 0 ? view.at(index) : undefined;
      if (device && (page === "overview" || page === "compliance")) {
        res.type("html").send(devicePage(tenant, device, view.policyStates(device, index), page));
        return;
      }
    }
    res
      .status(404)
      .type("html")
      .send(layout("Not found", "<h1>Not found</h1><p>No such device in the simulated Intune.</p>"));
  };
  router.get("/devices/:deviceId/:page", (req, res) => {
    showDevice(state.fleet.tenants, req.params.deviceId, req.params.page, res);
  });
  router.get("/:tenant/devices/:deviceId/:page", (req, res) => {
    const tenant = tenantOf(state, req.params.tenant);
    showDevice(tenant ? [tenant] : [], req.params.deviceId, req.params.page, res);
  });
  router.get(["/", "/:tenant/"], (_req, res) => {
    res.type("html").send(shell());
  });
  return router;
}
