// `npm run demo`: the whole product against the sandbox. It generates a fleet, starts the simulated 4me and
// Microsoft, plays the administrator (install, tenant domain, consent, filters, activate), runs a sync with a
// progress bar, prints a summary and keeps serving a page to browse the simulated 4me (unless --once).
import express from "express";
import { Field } from "../../app-instance/fields.js";
import { listen } from "../../server/listen.js";
import type { SyncRun } from "../../store/types.js";
import { generateFleet } from "../fleet/generate.js";
import { IMPORT_ALL, startSandbox } from "../harness.js";
import { createDemoRouter } from "./page.js";
import { renderDemoSummary } from "./summary.js";

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
    const form = await sandbox.setup({
      fields: [
        ...IMPORT_ALL,
        { id: Field.supportTeam, value: "Service Desk" },
        { id: Field.alertsEnabled, value: true },
      ],
    });
    bar.done();
    const run = (await sandbox.runs(1))[0];
    const summary = renderDemoSummary({
      run,
      form,
      cis: sandbox.fourme.inspect.cis(sandbox.account),
      requests: sandbox.fourme.inspect.requests(sandbox.account).length,
      elapsedMs: Date.now() - started,
    });
    say("");
    say(summary);
    if (opts.once) return;

    const page = express();
    page.use(createDemoRouter({ fourme: sandbox.fourme, account: sandbox.account, summary: () => summary }));
    const server = await listen(page, { port: opts.port, host: "127.0.0.1" });
    say(`\nBrowse the simulated 4me at ${server.url}/  (Ctrl+C to stop)`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
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
