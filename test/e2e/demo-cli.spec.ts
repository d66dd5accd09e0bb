// `npm run demo -- --once --devices 2000` as a newcomer runs it: the CLI in a child process, everything on
// loopback, a summary on stdout and exit code 0. Bounded: the child is killed after 60 s.
import { expect } from "chai";
import { runCli } from "./helpers/run-cli.js";

const LIMIT_MS = 60_000;

/** The number on a summary line, e.g. "  CIs created:   1687" → 1687. */
function count(stdout: string, label: string): number {
  const line = stdout.split("\n").find((l) => l.trimStart().startsWith(`${label}:`));
  expect(line, `summary line "${label}"\n${stdout}`).to.be.a("string");
  return Number(/:\s+(\d+)/.exec(line!)?.[1]);
}

describe("demo CLI", function () {
  this.timeout(LIMIT_MS + 10_000);

  it("runs `demo --once --devices 2000`, prints the summary and exits 0", async () => {
    const run = await runCli(["demo", "--once", "--devices", "2000"], { limitMs: LIMIT_MS });
    expect(run.signal, `killed after ${LIMIT_MS} ms\n${run.stdout}\n${run.stderr}`).to.equal(null);
    expect(run.code, `exit code\n${run.stdout}\n${run.stderr}`).to.equal(0);
    expect(run.stdout).to.match(/^Sync succeeded: the sync run took [\d.]+ s .*; the whole demo [\d.]+ s /m);
    // The fleet is read once, and every long phase shows its progress with a count.
    expect(run.stdout.match(/^Reading Intune: 2000\/2000 in [\d.]+ s$/gm), run.stdout).to.have.length(1);
    for (const phase of ["Writing to 4me", "Reading compliance", "Writing alerts"]) {
      expect(run.stdout).to.match(new RegExp(`^${phase}: (\\d+)/\\1 in [\\d.]+ s$`, "m"));
    }
    expect(count(run.stdout, "Devices seen in Intune")).to.equal(2000);
    const created = count(run.stdout, "CIs created");
    const updated = count(run.stdout, "CIs updated");
    expect(created).to.be.greaterThan(0);
    // The 4me seed holds CIs with the fleet's serial numbers: some are matched and updated rather than created.
    expect(updated).to.be.greaterThan(0);
    expect(created + updated).to.be.at.most(count(run.stdout, "In scope of the filters"));
    expect(count(run.stdout, "Requests opened (alerts)")).to.be.greaterThan(0);
    expect(run.stdout).to.match(/Tenant status in the form:\s+connected/);
    expect(run.stdout).to.match(/Summary written to 4me:\s+yes/);
    // --once: no page is served.
    expect(run.stdout).not.to.contain("Browse the simulated 4me");
  });
});
