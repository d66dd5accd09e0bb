#!/usr/bin/env node
// Command line: serve | sync | demo | offering publish | ui-extension render (grammar and checks: cli-args.ts).
// Each command loads only its own modules, so `ui-extension render` needs no database and `demo` no real tenant.
import { parseCli, UsageError, type CliCommand } from "./cli-args.js";

/** `sync --account` found the account locked by a replica (sysexits EX_TEMPFAIL: try again later). */
const EXIT_BUSY = 75;

async function main(cmd: CliCommand): Promise<number> {
  switch (cmd.command) {
    case "help":
      console.log(cmd.text);
      return 0;
    case "serve": {
      const { serve } = await import("./main.js");
      await serve();
      return -1; // keeps running until a signal
    }
    case "sync": {
      const { syncOnce } = await import("./main.js");
      // The log goes to stdout; a person at a terminal also gets the progress bar on stderr.
      const { progressBar } = await import("./progress-bar.js");
      const bar = process.stderr.isTTY ? progressBar(process.stderr) : undefined;
      const outcome = await syncOnce(cmd.account, undefined, bar).finally(() => bar?.done());
      if (outcome === "busy") {
        console.error(
          `account ${cmd.account} is being synced or worked on by a replica right now; not run. Try again later.`,
        );
        return EXIT_BUSY;
      }
      return outcome === "succeeded" ? 0 : 1;
    }
    case "demo": {
      const { runDemo } = await import("./sandbox/demo/run-demo.js");
      await runDemo(cmd);
      return cmd.once ? 0 : -1;
    }
    case "offering publish": {
      const { publishOffering, previewOfferingOffline } = await import("./offering/publish-command.js");
      if (cmd.offline) previewOfferingOffline();
      else await publishOffering({ dryRun: cmd.dryRun });
      return 0;
    }
    case "ui-extension render": {
      const { renderToFolder } = await import("./extension/render-to-folder.js");
      const files = await renderToFolder(cmd.out);
      console.log(`wrote ${files.join(", ")}`);
      return 0;
    }
  }
}

function run(): Promise<number> {
  try {
    return main(parseCli(process.argv.slice(2)));
  } catch (err) {
    return Promise.reject(err);
  }
}

run().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.usage ? `${err.message}\n\n${err.usage}` : err.message);
      process.exit(2);
    }
    // Configuration and input errors are one line that names the variable or option; anything else prints its
    // message only.
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
