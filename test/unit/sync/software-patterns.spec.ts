import { expect } from "chai";
import {
  MAX_TRACKED_PATTERNS,
  matchesPattern,
  matchingPattern,
  patternsProblem,
  splitPatterns,
} from "../../../src/sync/software-patterns.js";

describe("tracked software patterns", () => {
  it("match whole names, case-insensitively, * for any run of characters", () => {
    expect(matchesPattern("Microsoft Visio*", "Microsoft Visio Professional 2021")).to.equal(true);
    expect(matchesPattern("microsoft visio*", "MICROSOFT VISIO")).to.equal(true);
    expect(matchesPattern("Microsoft Visio*", "Viewer for Microsoft Visio")).to.equal(false);
    expect(matchesPattern("*Visio*", "Viewer for Microsoft Visio")).to.equal(true);
    expect(matchesPattern("Adobe*DC*", "Adobe Acrobat DC (64-bit)")).to.equal(true);
    expect(matchesPattern("Adobe*DC", "Adobe Acrobat DC (64-bit)")).to.equal(false);
    expect(matchesPattern("Google Chrome", "Google Chrome")).to.equal(true);
    expect(matchesPattern("Google Chrome", "Google Chrome Beta")).to.equal(false);
    expect(matchesPattern("Zoom  Workplace*", " zoom workplace   (64-bit)")).to.equal(true);
    // Regular-expression characters are plain text.
    expect(matchesPattern("Notepad++ (64-bit x64)", "Notepad++ (64-bit x64)")).to.equal(true);
    expect(matchesPattern("7-Zip ?", "7-Zip 2")).to.equal(false);
    expect(matchesPattern("a*a*a*a*a*a*b", "a".repeat(5000))).to.equal(false);
  });

  it("give the first matching pattern", () => {
    expect(matchingPattern(["Adobe*", "Microsoft Visio*"], "Microsoft Visio Standard 2021")).to.equal(
      "Microsoft Visio*",
    );
    expect(matchingPattern(["Adobe*"], "Microsoft Visio Standard 2021")).to.equal(undefined);
  });

  it("split the field by lines and commas, dropping blanks and repeats", () => {
    expect(splitPatterns("Microsoft Visio*\r\n Adobe Acrobat* , ,\nmicrosoft visio*\n")).to.deep.equal([
      "Microsoft Visio*",
      "Adobe Acrobat*",
    ]);
    expect(splitPatterns(undefined)).to.deep.equal([]);
    expect(splitPatterns("")).to.deep.equal([]);
  });

  it("refuse too many, too long, control characters and catch-alls, with one reason", () => {
    expect(patternsProblem(["Microsoft Visio*", "Zoom*"])).to.equal(null);
    expect(patternsProblem([])).to.equal(null);
    const many = Array.from({ length: MAX_TRACKED_PATTERNS + 1 }, (_, i) => `App ${i}`);
    expect(patternsProblem(many)).to.match(/21 patterns; at most 20/);
    expect(patternsProblem(["x".repeat(101)])).to.match(/101 characters long; at most 100/);
    expect(patternsProblem(["*"])).to.match(/at least 3 characters besides \*/);
    expect(patternsProblem(["a* *b"])).to.match(/at least 3/);
    expect(patternsProblem(["Visio\u0007"])).to.match(/control character/);
  });
});
