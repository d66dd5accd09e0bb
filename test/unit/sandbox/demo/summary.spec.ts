// The demo summary counts users on device CIs only: operating-system and application CIs have no user to link.
import { expect } from "chai";
import { renderDemoSummary } from "../../../../src/sandbox/demo/summary.js";

describe("renderDemoSummary", () => {
  it("counts linked users over the device CIs, not the software CIs", () => {
    const device = (users: unknown[], sourceID: string) => ({
      source: "Intune",
      sourceID,
      status: "in_production",
      users,
    });
    const text = renderDemoSummary({
      run: {
        id: "r1",
        account: "a",
        trigger: "demo",
        status: "succeeded",
        startedAt: "2026-12-07T00:00:00.000Z",
        endedAt: "2026-12-07T00:00:01.000Z",
        counts: {},
        errors: [],
      },
      form: {},
      cis: [
        device(["p1"], "dev-1"),
        device([], "dev-2"),
        device([], "os:windows-11-enterprise-23h2"),
        device([], "app:microsoft visio:16"),
      ],
      requests: 0,
      elapsedMs: 1000,
    });
    expect(text).to.match(/CIs with a user linked:\s+1 of 2\b/);
  });
});
