import { expect } from "chai";
import { COMMANDS, parseCli, USAGE, UsageError } from "../../src/cli-args.js";

/** The UsageError parseCli throws for these arguments. */
function refused(...argv: string[]): UsageError {
  try {
    parseCli(argv);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
}

describe("command line (parseCli)", () => {
  it("prints the usage for --help, -h and help, on the CLI and on each command", () => {
    for (const argv of [["--help"], ["-h"], ["help"]])
      expect(parseCli(argv)).to.deep.equal({ command: "help", text: USAGE });
    const cases: [string[], string][] = [
      [["serve", "--help"], COMMANDS.serve],
      [["sync", "-h"], COMMANDS.sync],
      [["sync", "--account", "acme", "--help"], COMMANDS.sync],
      [["demo", "--devices", "-5", "-h"], COMMANDS.demo],
      [["offering", "--help"], COMMANDS["offering publish"]],
      [["offering", "publish", "-h"], COMMANDS["offering publish"]],
      [["ui-extension", "render", "--help"], COMMANDS["ui-extension render"]],
      [["ui-extension", "-h"], COMMANDS["ui-extension render"]],
    ];
    for (const [argv, text] of cases) expect(parseCli(argv), argv.join(" ")).to.deep.equal({ command: "help", text });
  });

  it("prints the command's usage for a missing value, a missing command and an unknown option", () => {
    const noValue = refused("sync", "--account");
    expect(noValue.message).to.match(/--account/);
    expect(noValue.usage).to.equal(COMMANDS.sync);
    expect(refused("sync").usage).to.equal(COMMANDS.sync);
    expect(refused().usage).to.equal(USAGE);
    expect(refused("frobnicate").message).to.equal("unknown command: frobnicate");
    expect(refused("demo", "--device", "5").usage).to.equal(COMMANDS.demo);
    expect(refused("serve", "extra").usage).to.equal(COMMANDS.serve);
  });

  it("takes the demo's options and defaults", () => {
    expect(parseCli(["demo"])).to.deep.equal({ command: "demo", devices: 500, seed: 42, port: 8080, once: false });
    expect(parseCli(["demo", "--devices", "20000", "--seed=7", "--port", "0", "--once"])).to.deep.equal({
      command: "demo",
      devices: 20000,
      seed: 7,
      port: 0,
      once: true,
    });
  });

  it("refuses a bad demo value with one line naming the option, not Node's message", () => {
    const cases: [string[], RegExp][] = [
      [["--devices", "-5"], /^--devices must be a whole number from 1 to 1,000,000 .*got "-5"/],
      [["--devices", "0"], /^--devices must be a whole number from 1 .*got "0"/],
      [["--devices", "2.5"], /^--devices .*got "2.5"/],
      [["--seed", "x"], /^--seed must be a whole number of 0 or more, got "x"/],
      [["--port", "99999"], /^--port must be a whole number from 1 to 65535 .*got "99999"/],
      [["--port", "abc"], /^--port .*got "abc"/],
      [["--port", "-1"], /^--port .*got "-1"/],
    ];
    for (const [args, message] of cases) {
      const err = refused("demo", ...args);
      expect(err.message, args.join(" ")).to.match(message).and.not.include("\n");
      expect(err.usage, args.join(" ")).to.equal(null);
    }
  });

  it("takes publish's flags; --offline only with --dry-run", () => {
    expect(parseCli(["offering", "publish"])).to.deep.equal({
      command: "offering publish",
      dryRun: false,
      offline: false,
    });
    expect(parseCli(["offering", "publish", "--dry-run", "--offline"])).to.deep.equal({
      command: "offering publish",
      dryRun: true,
      offline: true,
    });
    expect(refused("offering", "publish", "--offline").message).to.match(/^--offline previews only/);
    expect(refused("offering", "unpublish").usage).to.equal(COMMANDS["offering publish"]);
  });

  it("refuses an empty --out and keeps the default folder", () => {
    expect(parseCli(["ui-extension", "render"])).to.deep.equal({
      command: "ui-extension render",
      out: "out/ui-extension",
    });
    expect(refused("ui-extension", "render", "--out", "").message).to.match(/^--out must name a folder/);
    expect(refused("ui-extension", "render", "--out", "  ").usage).to.equal(null);
  });
});
