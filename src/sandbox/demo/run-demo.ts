// `npm run demo`: the whole product against the sandbox. It generates a fleet, starts the simulated 4me and
// Microsoft, plays the administrator (install, tenant domain, consent, filters, activate), runs a sync with a
// progress bar, prints a summary and keeps serving a page to browse the simulated 4me (unless --once).
import { Field } from "../../app-instance/fields.js";
import type { SyncRun } from "../../store/types.js";
import { generateFleet } from "../fleet/generate.js";
import { IMPORT_ALL, startSandbox, type Sandbox } from "../harness.js";
import { bindDemoPage, type DemoPageServer } from "./page.js";
import { renderDemoSummary } from "./summary.js";

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
    connector: { onProgress: (p) => bar(p.phase, p.done, p.phase === "read" ? opts.devices : p.total) },
  });
  try {
    say(`Simulated 4me at ${sandbox.fourme.url}, simulated Entra ID and Intune at ${sandbox.microsoft.url}`);
    say(`Connector at ${sandbox.url}`);
    say(
      `Installing the app in 4me account "${sandbox.account}", entering tenant ${fleet.tenants[0].domain}, consenting…`,
    );
    const form = await sandbox.setup({ fields: DEMO_FORM_FIELDS });
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

/** A one-line progress bar on a TTY; plain milestones otherwise (CI logs). */
function progressBar(out: NodeJS.WritableStream) {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  let lastPhase = "";
  let lastTenth = -1;
  const draw = (phase: string, done: number, total?: number) => {
    const label = phase === "read" ? "Reading Intune" : "Writing to 4me";
    const share = total ? Math.min(1, done / total) : 0;
    if (tty) {
      const width = 30;
      const filled = Math.round(share * width);
      out.write(
        `\r${label.padEnd(15)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total ?? "?"}   `,
      );
    } else {
      const tenth = Math.floor(share * 10);
      if (phase !== lastPhase || tenth !== lastTenth) out.write(`${label}: ${done}/${total ?? "?"}\n`);
      lastTenth = tenth;
    }
    if (tty && phase !== lastPhase && lastPhase) out.write("\n");
    lastPhase = phase;
  };
  return Object.assign(draw, { done: () => tty && out.write("\n") });
}

export type { SyncRun };
