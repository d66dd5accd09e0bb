// The demo's browsable stand-in for 4me: the CI list with each CI rendered through the real CI UI extension,
// products, requests with their notes, and the app instance's configuration form. Read-only, loopback only.
import express, { Router } from "express";
import { loadConfigurationForm, renderCiExtension } from "../../extension/render.js";
import { escapeHtml, renderPreviewPage } from "../../extension/preview.js";
import { listen, type Listening } from "../../server/listen.js";
import type { FourMeSimulator } from "../fourme/index.js";

export interface DemoPageDeps {
  fourme: FourMeSimulator;
  account: string;
  /** The last summary printed, shown on the overview. */
  summary: () => string;
}

/** The CI list shows at most this many rows; the search narrows it down. */
const CI_LIST_LIMIT = 500;
/** The inspection API returns references as loose records; read one of their fields as text. */
const f = (o: unknown, key: string): string => String((o as Record<string, unknown> | null)?.[key] ?? "");
const esc = (v: unknown) => escapeHtml(v === null || v === undefined ? "" : String(v));
const customField = (fields: { id: string; value?: unknown }[], id: string): string =>
  String(fields.find((c) => c.id === id)?.value ?? "");

type Section = "overview" | "cis" | "products" | "requests" | "form";
const SECTIONS: [Section, string, string][] = [
  ["overview", "/", "Overview"],
  ["cis", "/demo/cis", "Configuration items"],
  ["products", "/demo/products", "Products"],
  ["requests", "/demo/requests", "Requests"],
  ["form", "/demo/form", "App configuration"],
];

export function createDemoRouter(deps: DemoPageDeps): Router {
  const router = Router();
  const ciExtension = renderCiExtension();
  const inspect = () => deps.fourme.inspect;
  const nav = (current: Section) => navBar(deps.account, current);

  router.get("/", (_req, res) => {
    const cis = inspect().cis(deps.account);
    const ours = cis.filter((c) => c.source === "Intune");
    const tiles: [string, number, string][] = [
      ["CIs from Intune", ours.length, "/demo/cis"],
      ["CIs with a user", ours.filter((c) => c.users.length > 0).length, "/demo/cis"],
      ["Products", inspect().products(deps.account).length, "/demo/products"],
      ["Alert requests", inspect().requests(deps.account).length, "/demo/requests"],
    ];
    res.type("html").send(
      layout(
        "Intune connector demo",
        nav("overview"),
        `<p class="lead">The connector read the simulated Intune fleet and wrote it to the simulated 4me account
<b>${esc(deps.account)}</b>: configuration items through the real CI UI extension, and a request for each
noncompliant device. Everything here runs on this machine.</p>
<div class="tiles">${tiles
          .map(([label, n, href]) => `<a class="tile" href="${href}"><span class="n">${n}</span>${esc(label)}</a>`)
          .join("")}</div>
<section class="card"><h2>Sync summary</h2><pre class="summary">${esc(deps.summary())}</pre></section>
<section class="card"><h2>Browse</h2><ul class="links">
<li><a href="/demo/cis">Configuration items</a>: every CI, each shown through the Intune CI UI extension</li>
<li><a href="/demo/products">Products</a>: the products the connector created or matched</li>
<li><a href="/demo/requests">Requests</a>: the compliance alerts with their notes</li>
<li><a href="/demo/form">App instance configuration form</a>: tenants, filters with the live device count, alerts</li>
</ul></section>`,
      ),
    );
  });

  router.get("/demo/cis", (req, res) => {
    const all = inspect().cis(deps.account);
    const q = String(req.query.q ?? "")
      .trim()
      .toLowerCase();
    const matching = all.filter(
      (c) => !q || `${c.label ?? ""} ${c.name} ${c.serialNr ?? ""}`.toLowerCase().includes(q),
    );
    // The simulated 4me gives CIs a label only when one was written; show the column only then.
    const labels = all.some((c) => c.label);
    const rows = matching
      .slice(0, CI_LIST_LIMIT)
      .map((c) => {
        const compliance = customField(c.customFields, "intune_compliance");
        return (
          `<tr>${labels ? `<td>${esc(c.label ?? "")}</td>` : ""}` +
          `<td class="name"><a href="/demo/cis/${encodeURIComponent(c.id)}">${esc(c.name)}</a></td>` +
          `<td>${esc(f(c.product, "name"))}</td>` +
          `<td>${badge(c.status)}</td><td>${compliance ? badge(compliance) : ""}</td>` +
          `<td class="mono">${esc(c.serialNr)}</td><td>${esc(c.users.map((u) => f(u, "name")).join(", "))}</td>` +
          `<td>${esc(c.source)}</td></tr>`
        );
      })
      .join("");
    const shown = matching.length > CI_LIST_LIMIT ? ` (first ${CI_LIST_LIMIT} shown)` : "";
    res.type("html").send(
      layout(
        `Configuration items (${all.length})`,
        nav("cis"),
        `<form class="search"><input name="q" value="${esc(q)}" placeholder="Label, name or serial number">
<button>Search</button>${q ? ` <a href="/demo/cis">Clear</a>` : ""}<span class="count">${matching.length} matching${shown}</span></form>
<section class="card flush"><table class="cis"><thead><tr>${labels ? "<th>Label</th>" : ""}<th>Name</th><th>Product</th><th>Status</th>
<th>Compliance</th><th>Serial number</th><th>Users</th><th>Source</th></tr></thead><tbody>${rows}</tbody></table></section>`,
      ),
    );
  });

  router.get("/demo/cis/:id", (req, res) => {
    const ci = inspect()
      .cis(deps.account)
      .find((c) => c.id === req.params.id);
    if (!ci) return void res.status(404).type("text").send("no such CI");
    const values = Object.fromEntries(ci.customFields.map((f) => [f.id, f.value]));
    const heading = ci.label ? `${ci.label} - ${ci.name}` : ci.name;
    const page = renderPreviewPage({
      title: heading,
      extensionTitle: "Microsoft Intune",
      extension: ciExtension,
      values,
      breadcrumb: `Simulated 4me › ${deps.account} › Configuration items › ${ci.label ?? ci.name}`,
      record: {
        heading,
        fields: [
          { label: "Product brand", value: f(ci.product, "brand") },
          { label: "Product model", value: f(ci.product, "model") },
          { label: "Product category", value: f(ci.category, "name") },
          { label: "System ID", value: ci.systemID ?? "", href: ci.systemID },
          { label: "Status", value: statusText(ci.status) },
          { label: "Support team", value: f(ci.supportTeam, "name") },
          { label: "Serial number", value: ci.serialNr ?? "" },
          { label: "Source", value: [ci.source, ci.sourceID].filter(Boolean).join(" · ") },
          { label: "Remarks", value: ci.remarks ?? "" },
        ],
        relations: [
          { label: "Users", value: ci.users.map((u) => f(u, "name")).join(", ") },
          { label: "Product", value: f(ci.product, "name") },
          { label: "Operating system", value: osName(ci.operatingSystemId) },
        ],
      },
    });
    res.type("html").send(withNavBar(page, nav("cis")));
  });

  /** The name of a CI's operating-system CI (4me's operatingSystem relation). */
  const osName = (id: string | undefined) =>
    id
      ? (inspect()
          .cis(deps.account)
          .find((c) => c.id === id)?.name ?? "")
      : "";

  router.get("/demo/products", (_req, res) => {
    const products = inspect().products(deps.account);
    const allCis = inspect().cis(deps.account);
    // By category, then name: the catalogue as an asset manager reads it, one product per make and model.
    const sorted = [...products].sort(
      (a, b) => f(a.category, "name").localeCompare(f(b.category, "name")) || a.name.localeCompare(b.name),
    );
    const perCategory = new Map<string, number>();
    for (const p of sorted) perCategory.set(f(p.category, "name"), (perCategory.get(f(p.category, "name")) ?? 0) + 1);
    let current: string | undefined;
    const rows = sorted
      .map((p) => {
        const cat = f(p.category, "name");
        const head =
          cat !== current
            ? `<tr class="group"><th colspan="5">${esc(cat)} <span class="muted">(${perCategory.get(cat)})</span></th></tr>`
            : "";
        current = cat;
        return (
          head +
          `<tr><td class="name">${esc(p.name)}</td><td>${esc(p.brand)}</td><td>${esc(p.model)}</td>` +
          `<td>${esc(p.source)}</td><td>${p.uiExtensionId ? badge("Intune extension") : ""}</td></tr>`
        );
      })
      .join("");
    const fromIntune = products.filter((p) => p.source === "Intune").length;
    res.type("html").send(
      layout(
        `Products (${products.length})`,
        nav("products"),
        `<p class="lead">${products.length} products in ${perCategory.size} categories; ${fromIntune} carry the
Intune source (created by the connector, or the account's own product of the same make and model, reused).</p>
<section class="card flush"><table class="products"><thead><tr><th>Name</th><th>Brand</th><th>Model</th>
<th>Source</th><th>UI extension</th></tr></thead><tbody>${rows}</tbody></table></section>
${softwareSection(products, allCis)}`,
      ),
    );
  });

  router.get("/demo/requests", (_req, res) => {
    const requests = inspect().requests(deps.account);
    const items = requests
      .map(
        (r) =>
          `<article class="card request"><h2><span class="rid">#${esc(r.requestId)}</span> ${esc(r.subject)}</h2>` +
          `<dl class="meta">${meta("Status", badge(r.status))}${meta("Category", esc(statusText(r.category)))}` +
          `${meta("Impact", esc(r.impact && statusText(r.impact)))}${meta("Requested for", esc(f(r.requestedFor, "name")))}` +
          `${meta("Configuration item", esc(r.configurationItems.map((c) => f(c, "name")).join(", ")))}` +
          `${meta("Service instance", esc(f(r.serviceInstance, "name")))}${meta("Team", esc(f(r.team, "name")))}</dl>` +
          r.notes
            .map(
              (n) =>
                `<div class="note${n.internal ? " internal" : ""}"><div class="note-head">${esc(f(n.person, "name") || "Note")}` +
                ` · ${esc(n.createdAt)}${n.internal ? " · internal" : ""}</div><pre>${linkify(esc(n.text))}</pre></div>`,
            )
            .join("") +
          `</article>`,
      )
      .join("");
    res
      .type("html")
      .send(
        layout(
          `Requests (${requests.length})`,
          nav("requests"),
          items || `<p class="lead">No requests: alerts are off, or every device complies.</p>`,
        ),
      );
  });

  router.get("/demo/form", (_req, res) => {
    const instance = inspect()
      .appInstances()
      .find((i) => i.customerAccount === deps.account);
    const values = Object.fromEntries((instance?.customFields ?? []).map((c) => [c.id, c.value]));
    const page = renderPreviewPage({
      title: "Microsoft Intune app instance",
      extensionTitle: "Microsoft Intune",
      extension: loadConfigurationForm(),
      values,
      breadcrumb: `Simulated 4me › ${deps.account} › Settings › App instances › Microsoft Intune`,
    });
    res.type("html").send(withNavBar(page, nav("form")));
  });
  return router;
}

export interface DemoPageServer extends Listening {
  /** Starts showing the simulated 4me; until then every page answers 503. */
  show(deps: DemoPageDeps): void;
}

/**
 * Binds the demo page's loopback port (0: an ephemeral one) before anything else runs, so a port in use fails the
 * demo at once instead of after its sync.
 */
export async function bindDemoPage(port: number): Promise<DemoPageServer> {
  const app = express();
  app.disable("x-powered-by");
  let router: Router | undefined;
  app.use((req, res, next) => {
    if (router) {
      router(req, res, next);
      return;
    }
    res.status(503).type("text").send("The demo is still running its first sync; reload in a moment.\n");
  });
  const listening = await listen(app, { port, host: "127.0.0.1" });
  return {
    ...listening,
    show(deps) {
      router = createDemoRouter(deps);
    },
  };
}

/** The demo page on its own loopback server, showing at once. The browser test starts it. */
export async function serveDemoPage(deps: DemoPageDeps & { port?: number }): Promise<Listening> {
  const page = await bindDemoPage(deps.port ?? 0);
  page.show(deps);
  return page;
}

/** Links in escaped text (the notes carry Intune admin center links), opened in a new tab. */
const linkify = (escaped: string) =>
  escaped.replace(
    /https?:\/\/[^\s<]+/g,
    (url) => `<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`,
  );

const meta = (label: string, html: string) => (html ? `<div><dt>${esc(label)}</dt><dd>${html}</dd></div>` : "");

/** A status word as a coloured pill: green for healthy states, red for problems, grey otherwise. */
function badge(text: string): string {
  const t = text.toLowerCase();
  const tone = /noncompliant|error|conflict|removed|failed|declined/.test(t)
    ? "bad"
    : /^(compliant|in_production|in production|completed|solved)$/.test(t)
      ? "good"
      : /grace|progress|assigned|waiting|pending/.test(t)
        ? "warn"
        : "neutral";
  return `<span class="badge ${tone}">${esc(statusText(text))}</span>`;
}

/** 4me's status enum values as its UI writes them: in_production → In production. */
function statusText(value: string): string {
  return /^[a-z_]+$/.test(value) ? (value.charAt(0).toUpperCase() + value.slice(1)).replaceAll("_", " ") : value;
}

/** Every demo page, the UI-extension previews included, is this wide at most. */
const PAGE_WIDTH = "1180px";

/** One icon for every demo page: a 4me-blue tile with the Intune device glyph's outline. */
const FAVICON = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d3557"/>' +
    '<rect x="7" y="8" width="18" height="12" rx="1.5" fill="none" stroke="#fff" stroke-width="2.5"/>' +
    '<path d="M11 25h10" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>',
)}">`;

// The navigation wraps instead of overflowing a narrow window (a phone, a split screen).
const NAV_CSS = `
.demo-nav{display:flex;flex-wrap:wrap;align-items:center;gap:4px;padding:6px 20px;min-height:48px;background:#1d3557;
  color:#fff;font:14px/1.4 "Segoe UI","Helvetica Neue",Arial,sans-serif}
@media (max-width:640px){.demo-nav{padding:6px 10px}.demo-nav .brand{flex-basis:100%;margin:0 0 2px}}
.standin-page{max-width:${PAGE_WIDTH}}
.demo-nav .brand{font-weight:600;margin-right:18px;white-space:nowrap}
.demo-nav .brand small{font-weight:400;opacity:.7;margin-left:6px}
.demo-nav a{color:#dbe6f3;text-decoration:none;padding:6px 10px;border-radius:4px;white-space:nowrap}
.demo-nav a:hover{background:rgba(255,255,255,.1);color:#fff}
.demo-nav a.current{background:rgba(255,255,255,.18);color:#fff}`;

function navBar(account: string, current: Section): string {
  return (
    `<nav class="demo-nav"><span class="brand">Simulated 4me<small>${esc(account)}</small></span>` +
    SECTIONS.map(
      ([id, href, label]) =>
        `<a href="${href}"${id === current ? ` class="current" aria-current="page"` : ""}>${esc(label)}</a>`,
    ).join("") +
    `</nav>`
  );
}

/** Puts the demo's navigation above a UI-extension preview page (which is a whole document of its own). */
function withNavBar(page: string, nav: string): string {
  return page.replace("</head>", `${FAVICON}<style>${NAV_CSS}</style>\n</head>`).replace("<body>", `<body>\n${nav}`);
}

const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#eef1f4;color:#222b36;font:14px/1.45 "Segoe UI","Helvetica Neue",Arial,sans-serif}
main{max-width:${PAGE_WIDTH};margin:0 auto;padding:20px 20px 32px}
h1{font-size:22px;font-weight:600;margin:4px 0 16px}
h2{font-size:16px;font-weight:600;margin:0 0 10px}
a{color:#1f5fa8}
.lead{max-width:760px;color:#3d4856}
.card{background:#fff;border:1px solid #dbe1e8;border-radius:6px;padding:16px 20px;margin:0 0 16px;
  box-shadow:0 1px 2px rgba(16,24,40,.05)}
.card.flush{padding:0;overflow-x:auto}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:0 0 16px}
.tile{display:block;background:#fff;border:1px solid #dbe1e8;border-radius:6px;padding:12px 16px;color:#5f6b7a;
  text-decoration:none}
.tile .n{display:block;font-size:26px;font-weight:600;color:#1d3557}
.tile:hover{border-color:#1f5fa8}
@media (max-width:640px){.tiles{grid-template-columns:repeat(2,1fr)}}
pre{margin:0;font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;
  overflow-wrap:anywhere}
pre.summary{background:#f6f8fa;border-radius:4px;padding:12px 14px}
.links{margin:0;padding-left:18px}.links li{margin:4px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th{position:sticky;top:0;background:#f6f8fa;color:#5f6b7a;font-weight:600;text-align:left;white-space:nowrap}
td,th{padding:7px 12px;border-bottom:1px solid #e6eaef;vertical-align:top}
tbody tr:hover{background:#f8fafc}
tr.group th{position:static;background:#eef2f7;color:#1f2d3d}
.muted{color:#5f6b7a;font-weight:400}
td.name{max-width:320px;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;white-space:nowrap;
  background:#eef1f4;color:#3d4856}
.badge.good{background:#e3f4e8;color:#1e6b35}.badge.bad{background:#fde8e8;color:#a4262c}
.badge.warn{background:#fff4d6;color:#7a5800}
.search{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:0 0 12px}
.search input{width:320px;max-width:100%;padding:6px 10px;border:1px solid #c5ced8;border-radius:4px;font:inherit}
.search button{padding:6px 14px;border:1px solid #1f5fa8;border-radius:4px;background:#1f5fa8;color:#fff;font:inherit}
.search .count{margin-left:auto;color:#5f6b7a}
.request h2{margin-bottom:8px}.request .rid{color:#5f6b7a;font-weight:400}
.meta{display:flex;flex-wrap:wrap;gap:4px 24px;margin:0 0 12px;font-size:13px}
.meta dt{color:#5f6b7a;font-size:12px}.meta dd{margin:0}
.note{border-left:3px solid #1f5fa8;background:#f6f8fa;border-radius:0 4px 4px 0;padding:8px 12px;margin-top:8px}
.note.internal{border-left-color:#d29922;background:#fffbf0}
.note-head{color:#5f6b7a;font-size:12px;margin-bottom:4px}`;

function layout(title: string, nav: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>${FAVICON}
<style>${PAGE_CSS}${NAV_CSS}</style></head>
<body>${nav}<main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

type ProductView = ReturnType<FourMeSimulator["inspect"]["products"]>[number];
type CiRow = ReturnType<FourMeSimulator["inspect"]["cis"]>[number];

/**
 * The software products (operating systems, issue 17) with their CIs and how many device CIs run each: "which
 * devices run Windows 10 22H2?" answered as 4me would, by the CIs whose operatingSystem is that CI.
 */
function softwareSection(products: readonly ProductView[], cis: readonly CiRow[]): string {
  const software = new Set(products.filter((p) => f(p.category, "ruleSet") === "software").map((p) => p.id));
  if (software.size === 0) return "";
  const running = new Map<string, number>();
  for (const c of cis)
    if (c.operatingSystemId) running.set(c.operatingSystemId, (running.get(c.operatingSystemId) ?? 0) + 1);
  const rows = cis
    .filter((c) => c.productId && software.has(c.productId))
    .sort((a, b) => f(a.product, "name").localeCompare(f(b.product, "name")) || a.name.localeCompare(b.name))
    .map(
      (c) =>
        `<tr><td class="name"><a href="/demo/cis/${encodeURIComponent(c.id)}">${esc(c.name)}</a></td>` +
        `<td>${esc(f(c.product, "name"))}</td><td>${esc(f(c.category, "name"))}</td><td>${running.get(c.id) ?? 0}</td></tr>`,
    )
    .join("");
  return `<h2>Software: operating systems</h2>
<p class="lead">${software.size} software products; each CI below is an operating system and version, and the devices
whose CI names it as their operating system.</p>
<section class="card flush"><table class="software"><thead><tr><th>Operating-system CI</th><th>Product</th>
<th>Category</th><th>Devices</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
