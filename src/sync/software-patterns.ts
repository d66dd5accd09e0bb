// Tracked software: the administrator's name patterns (form field "Tracked software") and the one rule that says
// whether a detected app's displayName matches one. Pure. app-offering/form/software.js re-implements parse and match for
// its live counts; test/unit/app-offering/software-parity.spec.ts holds the two to the same answers.
//
// The rule: case-insensitive, whitespace runs count as one space, the whole name must match, `*` stands for any run
// of characters (also none) and every other character stands for itself. So `Microsoft Visio*` matches
// "Microsoft Visio Professional 2021" and "microsoft  visio", not "Viewer for Microsoft Visio".

export const MAX_TRACKED_PATTERNS = 20;
export const MAX_PATTERN_LENGTH = 100;
/** Characters other than `*` and spaces a pattern needs: `*` or `a*` would track a whole catalogue. */
export const MIN_PATTERN_LETTERS = 3;

/** The patterns of the form field: one per line or comma-separated; blanks dropped, duplicates once. */
export function splitPatterns(raw: unknown): string[] {
  if (raw === null || raw === undefined) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of String(raw).split(/[\n\r,]+/)) {
    const p = normaliseName(part);
    if (p === "" || seen.has(p.toLowerCase())) continue;
    seen.add(p.toLowerCase());
    out.push(p);
  }
  return out;
}

/** Why these patterns cannot be used, in one line; null when they can. */
export function patternsProblem(patterns: readonly string[]): string | null {
  if (patterns.length > MAX_TRACKED_PATTERNS)
    return `Tracked software lists ${patterns.length} patterns; at most ${MAX_TRACKED_PATTERNS} are allowed.`;
  for (const p of patterns) {
    if (p.length > MAX_PATTERN_LENGTH)
      return `Tracked software pattern "${p.slice(0, 30)}…" is ${p.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed.`;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(p)) return `Tracked software pattern "${p}" contains a control character.`;
    if (p.replace(/[*\s]/g, "").length < MIN_PATTERN_LETTERS)
      return `Tracked software pattern "${p}" needs at least ${MIN_PATTERN_LETTERS} characters besides * and spaces.`;
  }
  return null;
}

/** Trimmed, whitespace runs as one space: how names and patterns are compared (case aside). */
export function normaliseName(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Whether `name` matches `pattern` (see the rule above). Greedy wildcard match with one backtrack point: O(pattern × name) at worst, no regular expression. */
export function matchesPattern(pattern: string, name: string): boolean {
  const p = normaliseName(pattern).toLowerCase();
  const s = normaliseName(name).toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < s.length) {
    if (i < p.length && p[i] !== "*" && p[i] === s[j]) {
      i++;
      j++;
    } else if (i < p.length && p[i] === "*") {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (p[i] === "*") i++;
  return i === p.length;
}

/** The first pattern that matches `name`, or undefined. */
export function matchingPattern(patterns: readonly string[], name: string): string | undefined {
  return patterns.find((p) => matchesPattern(p, name));
}

export interface PatternCount {
  pattern: string;
  /** Catalogue entries (name and version) the pattern matches. */
  apps: number;
  /** Their installations: the sum of their device counts. */
  installs: number;
}

/**
 * What each pattern would bring in, from catalogue entries (name, device count). An entry counts for the first
 * pattern that matches it, as the read keeps it once; app-offering/form/software.js computes the same in the browser.
 */
export function countByPattern(
  patterns: readonly string[],
  entries: readonly { name: string; deviceCount: number }[],
): PatternCount[] {
  const out = patterns.map((pattern) => ({ pattern, apps: 0, installs: 0 }));
  for (const e of entries) {
    const k = patterns.findIndex((p) => matchesPattern(p, e.name));
    if (k < 0) continue;
    out[k]!.apps++;
    out[k]!.installs += e.deviceCount;
  }
  return out;
}
