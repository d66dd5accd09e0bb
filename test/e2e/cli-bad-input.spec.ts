// Bad input on the command line, as a newcomer types it: the CLI in a child process, in an empty working folder,
// with only the environment given here. Each case must fail fast with one line on stderr that names the option or
// variable, exit non-zero, and leave the folder (and the file system) as it was.
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers/run-cli.js";

const LIMIT_MS = 20_000;

const runIn = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd, env, limitMs: LIMIT_MS });

const SERVE_ENV = {
  FOURME_PROVIDER_ACCOUNT: "wdc",
  FOURME_PROVIDER_CLIENT_ID: "provider-app",
  FOURME_PROVIDER_CLIENT_SECRET: "provider-secret",
  MS_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  MS_CLIENT_SECRET: "ms-secret",
  LOG_LEVEL: "silent",
};

describe("command line: bad input fails fast, in one line, and leaves nothing behind", function () {
  this.timeout(LIMIT_MS + 10_000);
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), "cli-bad-input-"));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  /** One stderr line matching `message`, the exit code, an empty working folder. */
  async function expectRefused(args: string[], env: Record<string, string>, code: number, message: RegExp) {
    const run = await runIn(cwd, args, env);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines, run.stderr).to.have.length(1);
    expect(lines[0]).to.match(message);
    expect(run.code, run.stderr).to.equal(code);
    expect(readdirSync(cwd), "files left in the working folder").to.deep.equal([]);
    return run;
  }

  const databaseCases: [string, RegExp][] = [
    ["not-a-url", /^configuration: DATABASE_URL is neither a database URL nor a SQLite file path/],
    ["mysql://x@y/z", /^configuration: DATABASE_URL is a mysql: URL, which is not supported/],
    ["/nonexistent-i16/dir/x.db", /^configuration: DATABASE_URL names a SQLite file in a folder that does not exist/],
  ];
  for (const [value, message] of databaseCases) {
    it(`serve refuses DATABASE_URL=${value} before creating anything`, async () => {
      await expectRefused(["serve"], { ...SERVE_ENV, DATABASE_URL: value }, 1, message);
      expect(existsSync("/nonexistent-i16")).to.equal(false);
    });
  }

  it("serve with partial provider settings creates no database or key file", async () => {
    await expectRefused(
      ["serve"],
      { FOURME_PROVIDER_ACCOUNT: "wdc", FOURME_PROVIDER_CLIENT_ID: "provider-app" },
      1,
      /^configuration: FOURME_PROVIDER_CLIENT_SECRET is required/,
    );
  });

  it("sync --account without a value prints the usage of sync", async () => {
    const run = await runIn(cwd, ["sync", "--account"]);
    expect(run.code).to.equal(2);
    expect(run.stderr)
      .to.match(/--account/)
      .and.include("usage: intune-4me sync --account <id>");
    expect(readdirSync(cwd)).to.deep.equal([]);
  });

  it("--help on the CLI and a command prints usage on stdout and exits 0", async () => {
    const top = await runIn(cwd, ["--help"]);
    expect([top.code, top.stderr]).to.deep.equal([0, ""]);
    expect(top.stdout).to.match(/^usage: intune-4me <command>/);
    const demo = await runIn(cwd, ["demo", "-h"]);
    expect(demo.stdout).to.match(/^usage: intune-4me demo /);
  });

  for (const [args, message] of [
    [["--devices", "-5"], /^--devices must be a whole number from 1 to 1,000,000 .*got "-5"/],
    [["--devices", "0"], /^--devices must be a whole number from 1 .*got "0"/],
    [["--port", "99999"], /^--port must be a whole number from 1 to 65535 .*got "99999"/],
    [["--port", "abc"], /^--port must be a whole number .*got "abc"/],
  ] as [string[], RegExp][]) {
    it(`demo ${args.join(" ")} is refused before the demo runs`, async () => {
      const run = await expectRefused(["demo", ...args], {}, 2, message);
      expect(run.stdout).to.equal("");
    });
  }

  it("demo --port on a port in use is refused before the demo runs, naming --port", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const run = await expectRefused(
        ["demo", "--port", String(port)],
        {},
        1,
        new RegExp(
          `^--port ${port}: 127\\.0\\.0\\.1:${port} is in use by another program; choose another with --port$`,
        ),
      );
      expect(run.stdout, "the demo must not have started").to.equal("");
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it("ui-extension render --out /proc/nope fails at once instead of spinning", async () => {
    const run = await expectRefused(
      ["ui-extension", "render", "--out", "/proc/nope"],
      {},
      1,
      /^cannot create the output folder \/proc\/nope: ENOENT$/,
    );
    expect(run.ms).to.be.below(LIMIT_MS);
  });

  it("ui-extension render --out '' is refused", async () => {
    await expectRefused(["ui-extension", "render", "--out", ""], {}, 2, /^--out must name a folder/);
  });

  it("offering publish --dry-run --offline prints the plan from app-offering/ without credentials", async () => {
    const run = await runIn(cwd, ["offering", "publish", "--dry-run", "--offline"]);
    expect([run.code, run.stderr]).to.deep.equal([0, ""]);
    expect(run.stdout).to.include("create webhook-policy provider webhook policy");
    for (const event of ["secrets-update", "create", "update", "delete"]) {
      expect(run.stdout).to.include(`create webhook app_instance.${event}`);
    }
    expect(run.stdout).to.include("create ui-extension").and.include("create app-offering microsoft_intune");
    expect(readdirSync(cwd)).to.deep.equal([]);
  });
});
