// The demo's browsable stand-in for 4me: the CI list with each CI rendered through the real CI UI extension,
// products, requests with their notes, and the app instance's configuration form. Read-only, loopback only.
import { readFileSync } from "node:fs";
import { Router } from "express";
import { renderCiExtension } from "../../extension/render.js";
import { escapeHtml, renderPreviewPage } from "../../extension/preview.js";
import type { FourMeSimulator } from "../fourme/index.js";

export interface DemoPageDeps {
  fourme: FourMeSimulator;
  account: string;
  /** The last summary printed, shown on the overview. */
  summary: () => string;
}

const FORM_DIR = new URL("../../../app-offering/", import.meta.url);
/** The inspection API returns references as loose records; read one of their fields as text. */
const f = (o: unknown, key: string): string => String((o as Record<string, unknown> | null)?.[key] ?? "");
const esc = (v: unknown) => escapeHtml(v === null || v === undefined ? "" : String(v));

export function createDemoRouter(deps: DemoPageDeps): Router {
  const router = Router();
  const ciExtension = renderCiExtension();
  const inspect = () => deps.fourme.inspect;

  router.get("/", (_req, res) => {
    res.type("html").send(
      layout(
        "Intune connector demo",
        `<p>The connector imported the simulated Intune fleet into the simulated 4me account <b>${esc(deps.account)}</b>.</p>
<pre>${esc(deps.summary())}</pre>
<ul><li><a href="/demo/cis">Configuration items</a></li><li><a href="/demo/products">Products</a></li>
<li><a href="/demo/requests">Requests</a></li><li><a href="/demo/form">App instance configuration form</a></li></ul>`,
      ),
    );
  });

  router.get("/demo/cis", (req, res) => {
    const all = inspect().cis(deps.account);
    const q = String(req.query.q ?? "").toLowerCase();
    const cis = all.filter((c) => !q || `${c.name} ${c.serialNr ?? ""}`.toLowerCase().includes(q)).slice(0, 500);
    const rows = cis
      .map(
        (c) =>
          `<tr><td><a href="/demo/cis/${encodeURIComponent(c.id)}">${esc(c.label ?? "")}</a></td><td>${esc(c.name)}</td>` +
          `<td>${esc(f(c.product, "name"))}</td><td>${esc(c.status)}</td><td>${esc(c.serialNr)}</td>` +
          `<td>${esc(c.users.map((u) => f(u, "name")).join(", "))}</td><td>${esc(c.source)}</td></tr>`,
      )
      .join("");
    res.type("html").send(
      layout(
        `Configuration items (${all.length})`,
        `<form><input name="q" value="${esc(q)}" placeholder="name or serial"> <button>Search</button></form>
<table><tr><th>Label</th><th>Name</th><th>Product</th><th>Status</th><th>Serial</th><th>Users</th><th>Source</th></tr>${rows}</table>`,
      ),
    );
  });

  router.get("/demo/cis/:id", (req, res) => {
    const ci = inspect()
      .cis(deps.account)
      .find((c) => c.id === req.params.id);
    if (!ci) return void res.status(404).type("text").send("no such CI");
    const values = Object.fromEntries(ci.customFields.map((f) => [f.id, f.value]));
    res.type("html").send(
      renderPreviewPage({
        title: `${ci.label ?? ""} - ${ci.name}`,
        extensionTitle: "Microsoft Intune",
        extension: ciExtension,
        values,
        breadcrumb: `Simulated 4me · ${deps.account} · Configuration items`,
        record: {
          heading: `${ci.label ?? ""} - ${ci.name}`,
          fields: [
            { label: "Product brand", value: f(ci.product, "brand") },
            { label: "Product model", value: f(ci.product, "model") },
            { label: "Product category", value: f(ci.category, "name") },
            { label: "System ID", value: ci.systemID ?? "", href: ci.systemID },
            { label: "Status", value: ci.status },
            { label: "Support team", value: f(ci.supportTeam, "name") },
            { label: "Serial number", value: ci.serialNr ?? "" },
            { label: "Remarks", value: ci.remarks ?? "" },
          ],
          relations: [
            { label: "Users", value: ci.users.map((u) => f(u, "name")).join(", ") },
            { label: "Product", value: f(ci.product, "name") },
          ],
        },
      }),
    );
  });

  router.get("/demo/products", (_req, res) => {
    const rows = inspect()
      .products(deps.account)
      .map(
        (p) =>
          `<tr><td>${esc(p.name)}</td><td>${esc(p.brand)}</td><td>${esc(p.model)}</td><td>${esc(f(p.category, "name"))}</td>` +
          `<td>${esc(p.source)}</td><td>${p.uiExtensionId ? "yes" : ""}</td></tr>`,
      )
      .join("");
    res
      .type("html")
      .send(
        layout(
          "Products",
          `<table><tr><th>Name</th><th>Brand</th><th>Model</th><th>Category</th><th>Source</th><th>Intune extension</th></tr>${rows}</table>`,
        ),
      );
  });

  router.get("/demo/requests", (_req, res) => {
    const items = inspect()
      .requests(deps.account)
      .map(
        (r) =>
          `<article><h3>#${esc(r.requestId)} ${esc(r.subject)}</h3><p>Status: ${esc(r.status)} · Category: ${esc(r.category)} · ` +
          `Impact: ${esc(r.impact)} · Requested for: ${esc(f(r.requestedFor, "name"))} · CI: ${esc(r.configurationItems.map((c) => f(c, "name")).join(", "))} · ` +
          `Service instance: ${esc(f(r.serviceInstance, "name"))}</p>` +
          r.notes.map((n) => `<pre class="note">${esc(n.createdAt)}\n${esc(n.text)}</pre>`).join("") +
          `</article>`,
      )
      .join("");
    res.type("html").send(layout("Requests", items || "<p>No requests: alerts are off or every device complies.</p>"));
  });

  router.get("/demo/form", (_req, res) => {
    const instance = inspect()
      .appInstances()
      .find((i) => i.customerAccount === deps.account);
    const values = Object.fromEntries((instance?.customFields ?? []).map((c) => [c.id, c.value]));
    const read = (name: string) => readFileSync(new URL(name, FORM_DIR), "utf8");
    res.type("html").send(
      renderPreviewPage({
        title: "Microsoft Intune app instance",
        extensionTitle: "Microsoft Intune",
        extension: { html: read("form.html"), css: read("form.css"), javascript: read("form.js") },
        values,
        breadcrumb: `Simulated 4me · ${deps.account} · Settings · App instances · Microsoft Intune`,
      }),
    );
  });
  return router;
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}
pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}nav a{margin-right:12px}article{border:1px solid #ddd;padding:8px 12px;margin:12px 0}</style></head>
<body><nav><a href="/">Overview</a><a href="/demo/cis">CIs</a><a href="/demo/products">Products</a><a href="/demo/requests">Requests</a><a href="/demo/form">Form</a></nav>
<h1>${esc(title)}</h1>${body}</body></html>`;
}
