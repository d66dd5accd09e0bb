import { expect } from "chai";
import {
  formatDuration,
  MAX_SUMMARY_CHARS,
  renderRunSummary,
  type RunSummaryInput,
} from "../../../src/sync/summary.js";

const base: RunSummaryInput = {
  startedAt: new Date("2025-06-02T08:00:00.250Z"),
  endedAt: new Date("2025-06-02T08:01:05.900Z"),
  status: "succeeded",
  counts: {
    seen: 1234,
    in_scope: 1200,
    created: 10,
    updated: 5,
    unchanged: 1180,
    retired: 2,
    users_not_found: 3,
    "skipped:duplicate_serial": 2,
    "skipped:ambiguous_serial": 1,
    "excluded:platform": 20,
    "excluded:personal": 14,
    "cleaned:serial_placeholder": 5,
    "skipped:zero": 0,
    batches: 1,
  },
  errors: [],
};

describe("renderRunSummary", () => {
  it("gives start, end and duration for the form fields", () => {
    const s = renderRunSummary(base);
    expect(s.startAt).to.equal("2025-06-02T08:00:00Z");
    expect(s.endAt).to.equal("2025-06-02T08:01:05Z");
    expect(s.duration).to.equal("1 min 6 s");
  });

  it("lists the counts, the skip, exclusion and cleaning reasons, and anything else", () => {
    const { text } = renderRunSummary(base);
    expect(text.split("\n")).to.deep.equal([
      "Sync succeeded: 2025-06-02 08:00:00 UTC to 2025-06-02 08:01:05 UTC (1 min 6 s)",
      "Seen in Intune: 1,234 · In scope: 1,200 · Created: 10 · Updated: 5 · Unchanged: 1,180 · Retired: 2 · Users not found in 4me: 3",
      "Skipped: ambiguous serial 1, duplicate serial 2",
      "Excluded by the import filters: personal 14, platform 20",
      "Cleaned values: serial placeholder 5",
      "Other: batches 1",
    ]);
  });

  it("lists the first errors", () => {
    const { text } = renderRunSummary({ ...base, errors: ["4me answered 500", "Graph throttled  the\nread"] });
    expect(text).to.include("\nErrors (2):\n- 4me answered 500\n- Graph throttled the read");
    expect(text).to.not.include("more");
  });

  it("stays under 15,000 characters however many errors there are, and says how many were left out", () => {
    const errors = Array.from({ length: 5000 }, (_, i) => `device ${i}: ` + "x".repeat(1000));
    const { text } = renderRunSummary({ ...base, errors });
    expect(text.length).to.be.at.most(MAX_SUMMARY_CHARS);
    const listed = text.split("\n").filter((l) => l.startsWith("- ")).length;
    expect(listed).to.be.greaterThan(5);
    expect(text).to.match(new RegExp(`… and ${(5000 - listed).toLocaleString("en-US")} more$`));
    expect(text.split("\n").find((l) => l.startsWith("- "))!.length).to.be.at.most(502);
  });

  it("lists at most 50 errors even when they are short", () => {
    const { text } = renderRunSummary({ ...base, errors: Array.from({ length: 80 }, (_, i) => `e${i}`) });
    expect(text.split("\n").filter((l) => l.startsWith("- "))).to.have.length(50);
    expect(text.endsWith("… and 30 more")).to.equal(true);
  });

  it("fits a tiny limit by cutting the error list first", () => {
    const { text } = renderRunSummary({ ...base, errors: ["a", "b"] }, 400);
    expect(text.length).to.be.at.most(400);
    const tiny = renderRunSummary({ ...base, errors: ["a"] }, 40).text;
    expect(tiny.length).to.be.at.most(40);
  });
});

describe("formatDuration", () => {
  it("reads as seconds, minutes or hours", () => {
    expect(formatDuration(0)).to.equal("0 s");
    expect(formatDuration(-5)).to.equal("0 s");
    expect(formatDuration(45_400)).to.equal("45 s");
    expect(formatDuration(65_000)).to.equal("1 min 5 s");
    expect(formatDuration(2 * 3600_000 + 3 * 60_000 + 9_000)).to.equal("2 h 3 min");
  });
});
