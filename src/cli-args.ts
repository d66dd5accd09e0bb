// The command line's grammar: which commands exist, their options, and the checks on each value. Pure (no I/O), so
// the checks run before anything is started, and the unit tests cover them (test/unit/cli-args.spec.ts).
import { parseArgs, type ParseArgsConfig } from "node:util";

export const COMMANDS = {
  serve: `usage: intune-4me serve
  Runs the webhook server, the scheduler and the job workers (configuration: environment variables, see README).`,
  sync: `usage: intune-4me sync --account <id>
  Runs one sync of a customer account now. Exit 0 when it succeeded, 1 when not, 75 when a replica is working on
  the account (try again later).`,
  demo: `usage: intune-4me demo [--devices N] [--seed S] [--port P] [--once]
  Runs the whole product against the built-in sandbox (simulated 4me, Entra ID and Intune).
  --devices N   devices in the simulated fleet, 1 to 1,000,000 (default 500)
  --seed S      seed of the generated fleet, a whole number (default 42)
  --port P      port of the page that shows the simulated 4me on 127.0.0.1 (default 8080; 0: any free port)
  --once        exit after the summary, serve no page`,
  "offering publish": `usage: intune-4me offering publish [--dry-run] [--offline]
  Creates or updates the webhook policy, the provider webhooks, the form's UI extension and the app offering in
  the provider account; idempotent.
  --dry-run     print the plan against the provider account, write nothing
  --offline     with --dry-run: print what publish would create from app-offering/, without credentials or
                network (compared with an empty provider account)`,
  "ui-extension render": `usage: intune-4me ui-extension render [--out <dir>]
  Writes the CI UI extension (html, css, js) into a folder, to paste into 4me by hand.
  --out <dir>   the folder (default out/ui-extension); its parent folders must exist or be creatable`,
} as const;

export const USAGE = `usage: intune-4me <command> [options]   (intune-4me <command> --help for its options)
  serve                          run the webhook server, the scheduler and the workers
  sync --account <id>            run one sync of a customer account now (exit 75 when a replica is on it)
  demo [--devices N] [--seed S] [--port P] [--once]
                                 run the whole product against the built-in sandbox
  offering publish [--dry-run [--offline]]
                                 create or update the app offering in the provider account
  ui-extension render [--out D]  write the CI UI extension (html, css, js) into a folder`;

export type CliCommand =
  | { command: "help"; text: string }
  | { command: "serve" }
  | { command: "sync"; account: string }
  | { command: "demo"; devices: number; seed: number; port: number; once: boolean }
  | { command: "offering publish"; dryRun: boolean; offline: boolean }
  | { command: "ui-extension render"; out: string };

/**
 * Bad command-line input, exit code 2. A missing or unknown part prints the usage of the command it concerns
 * after the message; a bad value is one line naming the option (`usage` null).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string | null = USAGE,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** One line naming the option and what it takes, with where to read more. */
const badValue = (name: keyof typeof COMMANDS, message: string) =>
  new UsageError(`${message} (see: intune-4me ${name} --help)`, null);

export const MAX_DEMO_DEVICES = 1_000_000;

export function parseCli(argv: string[]): CliCommand {
  const [first, second, ...others] = argv;
  if (first === undefined) throw new UsageError("no command given");
  if (first === "--help" || first === "-h" || first === "help") return { command: "help", text: USAGE };
  switch (first) {
    case "serve": {
      const args = argv.slice(1);
      if (wantsHelp(args)) return help("serve");
      options("serve", args, {});
      return { command: "serve" };
    }
    case "sync": {
      const args = argv.slice(1);
      if (wantsHelp(args)) return help("sync");
      const v = options("sync", args, { account: { type: "string" } });
      const account = String(v.account ?? "").trim();
      if (!account) throw new UsageError("sync needs --account <id>", COMMANDS.sync);
      return { command: "sync", account };
    }
    case "demo": {
      const args = argv.slice(1);
      if (wantsHelp(args)) return help("demo");
      const v = options("demo", args, {
        devices: { type: "string", default: "500" },
        seed: { type: "string", default: "42" },
        port: { type: "string", default: "8080" },
        once: { type: "boolean", default: false },
      });
      const devices = wholeNumber(
        "demo",
        "--devices",
        v.devices,
        1,
        MAX_DEMO_DEVICES,
        "from 1 to 1,000,000 (devices in the simulated fleet)",
      );
      const seed = wholeNumber("demo", "--seed", v.seed, 0, Number.MAX_SAFE_INTEGER, "of 0 or more");
      const port = wholeNumber("demo", "--port", v.port, 0, 65535, "from 1 to 65535 (0: any free port)");
      return { command: "demo", devices, seed, port, once: v.once === true };
    }
    case "offering": {
      if (second === undefined || second === "--help" || second === "-h") return help("offering publish");
      if (second !== "publish")
        throw new UsageError(`offering takes: publish (got "${second}")`, COMMANDS["offering publish"]);
      if (wantsHelp(others)) return help("offering publish");
      const v = options("offering publish", others, {
        "dry-run": { type: "boolean", default: false },
        offline: { type: "boolean", default: false },
      });
      if (v.offline && !v["dry-run"]) {
        throw badValue("offering publish", "--offline previews only: use it with --dry-run");
      }
      return { command: "offering publish", dryRun: v["dry-run"] === true, offline: v.offline === true };
    }
    case "ui-extension": {
      if (second === undefined || second === "--help" || second === "-h") return help("ui-extension render");
      if (second !== "render") {
        throw new UsageError(`ui-extension takes: render (got "${second}")`, COMMANDS["ui-extension render"]);
      }
      if (wantsHelp(others)) return help("ui-extension render");
      const v = options("ui-extension render", others, { out: { type: "string", default: "out/ui-extension" } });
      const out = String(v.out);
      if (out.trim() === "") throw badValue("ui-extension render", "--out must name a folder, got an empty value");
      return { command: "ui-extension render", out };
    }
    default:
      throw new UsageError(`unknown command: ${first}`);
  }
}

const wantsHelp = (args: string[]) => args.includes("--help") || args.includes("-h");
const help = (name: keyof typeof COMMANDS): CliCommand => ({ command: "help", text: COMMANDS[name] });

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * node:util's parseArgs, strict, with its errors turned into usage errors. A value that starts with a dash right
 * after an option that takes one (`--devices -5`) is taken as that option's value, so the check of the value
 * answers, not parseArgs' "ambiguous" message.
 */
function options(
  name: keyof typeof COMMANDS,
  args: string[],
  spec: Options,
): Record<string, string | boolean | undefined> {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const option = arg.startsWith("--") ? spec[arg.slice(2)] : undefined;
    const next = args[i + 1];
    if (option?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  try {
    return parseArgs({ args: joined, options: spec, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    if (code.startsWith("ERR_PARSE_ARGS")) throw new UsageError((err as Error).message, COMMANDS[name]);
    throw err;
  }
}

function wholeNumber(
  name: keyof typeof COMMANDS,
  flag: string,
  value: string | boolean | undefined,
  min: number,
  max: number,
  expected: string,
): number {
  const text = String(value ?? "").trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badValue(name, `${flag} must be a whole number ${expected}, got "${text}"`);
  }
  return n;
}
