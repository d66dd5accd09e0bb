#!/usr/bin/env -S npx tsx
// Command line: serve | sync | demo | offering publish | ui-extension render.
// Each command loads only its own modules, so `ui-extension render` needs no database and `demo` no real tenant.
import { parseArgs } from "node:util";

const USAGE = `usage: intune-4me <command>
  serve                          run the webhook server, the scheduler and the workers
  sync --account <id>            run one sync of a customer account now (exit 75 when a replica is on it)
  demo [--devices N] [--seed S] [--port P] [--once]
                                 run the whole product against the built-in sandbox
  offering publish [--dry-run]   create or update the app offering in the provider account
  ui-extension render [--out D]  write the CI UI extension (html, css, js) into a folder`;

/** `sync --account` found the account locked by a replica (sysexits EX_TEMPFAIL: try again later). */
const EXIT_BUSY = 75;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case "serve": {
      const { serve } = await import("./main.js");
      await serve();
      return -1; // keeps running until a signal
    }
    case "sync": {
      const { values } = parseArgs({ args: [sub, ...rest].filter(Boolean), options: { account: { type: "string" } } });
      if (!values.account) throw new UsageError("sync needs --account <id>");
      const { syncOnce } = await import("./main.js");
      const outcome = await syncOnce(values.account);
      if (outcome === "busy") {
        console.error(
          `account ${values.account} is being synced or worked on by a replica right now; not run. Try again later.`,
        );
        return EXIT_BUSY;
      }
      return outcome === "succeeded" ? 0 : 1;
    }
    case "demo": {
      const { values } = parseArgs({
        args: [sub, ...rest].filter(Boolean),
        options: {
          devices: { type: "string", default: "500" },
          seed: { type: "string", default: "42" },
          port: { type: "string", default: "8080" },
          once: { type: "boolean", default: false },
        },
      });
      const { runDemo } = await import("./sandbox/demo/run-demo.js");
      await runDemo({
        devices: positiveInt("--devices", values.devices!),
        seed: positiveInt("--seed", values.seed!),
        port: Number(values.port),
        once: values.once!,
      });
      return values.once ? 0 : -1;
    }
    case "offering": {
      if (sub !== "publish") throw new UsageError("offering takes: publish [--dry-run]");
      const { values } = parseArgs({ args: rest, options: { "dry-run": { type: "boolean", default: false } } });
      const { publishOffering } = await import("./offering/publish-command.js");
      await publishOffering({ dryRun: values["dry-run"]! });
      return 0;
    }
    case "ui-extension": {
      if (sub !== "render") throw new UsageError("ui-extension takes: render [--out <dir>]");
      const { values } = parseArgs({ args: rest, options: { out: { type: "string", default: "out/ui-extension" } } });
      const { renderToFolder } = await import("./extension/render-to-folder.js");
      const files = await renderToFolder(values.out!);
      console.log(`wrote ${files.join(", ")}`);
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command: ${command}` : "no command given");
  }
}

class UsageError extends Error {}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    // Configuration errors are one line that names the variable; anything else prints its message only.
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
