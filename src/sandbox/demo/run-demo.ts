// `npm run demo`: the whole product against the sandbox. It generates a fleet, starts the simulated 4me and
// Microsoft, plays the administrator (install, tenant domain, consent, filters, activate), runs a sync with a
// progress bar, prints a summary and keeps serving a page to browse the simulated 4me (unless --once).
import { Field } from "../../app-instance/fields.js";
import type { SyncRun } from "../../store/types.js";
import { generateFleet } from "../fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../harness.js";
import { bindDemoPage, type DemoPageServer } from "./page.js";
import { renderDemoSummary } from "./summary.js";
import { progressBar } from "../../progress-bar.js";

/** What the simulated administrator saves in the form: every platform, a support team, alerts on. */
export const DEMO_FORM_FIELDS: { id: string; value: unknown }[] = [
  ...IMPORT_ALL,
  { id: Field.supportTeam, value: "Service Desk" },
  { id: Field.alertsEnabled, value: true },
];

/** The closing summary of a sandbox after `setup`: its latest run, the form, and what the simulated 4me holds. */
export async function summarizeSandbox(
  sandbox: Sandbox,
  form: Record<string, unknown>,
  elapsedMs: number,
): Promise<string> {
  return renderDemoSummary({
    run: (await sandbox.runs(1))[0],
    form,
    cis: sandbox.fourme.inspect.cis(sandbox.account),
    requests: sandbox.fourme.inspect.requests(sandbox.account).length,
    elapsedMs,
  });
}

export interface DemoOptions {
  devices: number;
  seed: number;
  port: number;
  once: boolean;
  /** Where progress and the summary go. */
  out?: NodeJS.WritableStream;
}

export async function runDemo(opts: DemoOptions): Promise<void> {
  const out = opts.out ?? process.stdout;
  const say = (line: string) => out.write(`${line}\n`);
  const started = Date.now();
  // The page's port first: a port in use must stop the demo before it generates and syncs anything.
  const page = opts.once ? undefined : await bindPagePort(opts.port);
  try {
    await runDemoWith(opts, page, say, started);
  } finally {
    await page?.close();
  }
}

async function bindPagePort(port: number): Promise<DemoPageServer> {
  try {
    return await bindDemoPage(port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EADDRINUSE"
        ? "is in use by another program"
        : code === "EACCES"
          ? "needs privileges this user does not have"
          : `cannot be listened on (${code ?? (err as Error).message})`;
    throw new Error(`--port ${port}: 127.0.0.1:${port} ${why}; choose another with --port`);
  }
}

async function runDemoWith(
  opts: DemoOptions,
  page: DemoPageServer | undefined,
  say: (line: string) => void,
  started: number,
): Promise<void> {
  const out = opts.out ?? process.stdout;
  say(`Generating a simulated Intune fleet of ${opts.devices} devices (seed ${opts.seed})…`);
  const fleet = generateFleet({ seed: opts.seed, size: opts.devices });
  const bar = progressBar(out);
  const sandbox = await startSandbox({
    fleet,
    instantWaits: true,
    connector: { onProgress: bar },
  });
  try {
    say(`Simulated 4me at ${sandbox.fourme.url}, simulated Entra ID and Intune at ${sandbox.microsoft.url}`);
    say(`Connector at ${sandbox.url}`);
    say(
      `Installing the app in 4me account "${sandbox.account}", entering tenant ${fleet.tenants[0].domain} with the ` +
        "import and alerts switched on; an Entra administrator signs in and consents (the connector counts the fleet for the form)…",
    );
    const form = await sandbox.setup({ fields: DEMO_FORM_FIELDS, fieldsBeforeConsent: true });
    bar.done();
    const summary = await summarizeSandbox(sandbox, form, Date.now() - started);
    say("");
    say(summary);
    if (!page) return;

    page.show({ fourme: sandbox.fourme, account: sandbox.account, summary: () => summary });
    say(`\nBrowse the simulated 4me at ${page.url}/  (Ctrl+C to stop)`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  } finally {
    await sandbox.close();
  }
}

export type { SyncRun };
