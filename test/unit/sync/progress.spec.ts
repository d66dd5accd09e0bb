import { expect } from "chai";
import { describeProgress, estimateSeconds, progressReporter, type SyncProgress } from "../../../src/sync/progress.js";
import { captureLog } from "../intune/helpers.js";

describe("sync progress", () => {
  it("estimates the time left from the pace so far", () => {
    expect(estimateSeconds(250, 1000, 5_000)).to.equal(15);
    expect(estimateSeconds(0, 1000, 5_000)).to.equal(undefined);
    expect(estimateSeconds(250, undefined, 5_000)).to.equal(undefined);
  });

  it("says the count, the total and the estimate, or the time a finished phase took", () => {
    expect(describeProgress({ phase: "read", done: 1200, total: 3000, etaSeconds: 95, elapsedMs: 1 })).to.equal(
      "1200/3000, about 1 min 35 s left",
    );
    expect(describeProgress({ phase: "read", done: 1200, elapsedMs: 1 })).to.equal("1200 so far");
    expect(describeProgress({ phase: "alerts", done: 40, total: 40, elapsedMs: 6_100 })).to.equal("40/40 in 6.1 s");
  });

  it("logs a phase at most every interval and at its end, and forgets an estimate the count outgrew", () => {
    let t = 0;
    const log = captureLog("info");
    const seen: SyncProgress[] = [];
    const report = progressReporter({
      now: () => t,
      log: log.logger,
      onProgress: (p) => seen.push(p),
      logEveryMs: 2_000,
    });
    try {
      for (const done of [10, 20, 30]) {
        t += 500;
        report("alerts", done, 40);
      }
      t += 2_000;
      report("alerts", 35, 40);
      report("alerts", 40, 40);
      report("read", 50, 40);
    } finally {
      report.close();
    }
    expect(seen).to.have.length(6);
    expect(seen[1]).to.deep.include({ done: 20, total: 40, etaSeconds: 1 });
    expect(seen[5]).to.not.have.property("total");
    expect(log.lines.map((l) => l["msg"])).to.deep.equal([
      "Writing alerts: 35/40, about 0 s left",
      "Writing alerts: 40/40 in 3.0 s",
    ]);
  });

  it("repeats the last count of a phase that reports nothing for a while", async () => {
    const log = captureLog("info");
    const seen: SyncProgress[] = [];
    const report = progressReporter({
      now: Date.now,
      log: log.logger,
      onProgress: (p) => seen.push(p),
      logEveryMs: 20,
    });
    try {
      report("compliance", 200, 600);
      await new Promise((resolve) => setTimeout(resolve, 70));
    } finally {
      report.close();
    }
    expect(seen.length).to.be.at.least(3);
    expect(seen.every((p) => p.done === 200)).to.equal(true);
    expect(seen.at(-1)!.elapsedMs).to.be.at.least(40);
  });
});
