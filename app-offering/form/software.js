// Configuration form, part 5 of 6: software patterns and catalogue forecast (no DOM).
// "Tracked software" patterns are parsed and matched with the same rules as src/sync/software-patterns.ts
// (software-parity.spec.ts compares them), and counted against the catalogue of detected applications the connector
// writes (src/intune/software-catalogue.ts), so the form says what a pattern brings in before it is saved.
(function (root) {
  "use strict";

  var form = (root.IntuneForm = root.IntuneForm || {});
  var isCount = form.isCount;
  var formatNumber = form.formatNumber;

  var MAX_TRACKED_PATTERNS = 20;
  var MAX_PATTERN_LENGTH = 100;
  var MIN_PATTERN_LETTERS = 3;

  function normaliseName(s) {
    return String(s).replace(/\s+/g, " ").trim();
  }

  function splitPatterns(raw) {
    if (raw === null || raw === undefined) return [];
    var seen = {};
    var out = [];
    String(raw)
      .split(/[\n\r,]+/)
      .forEach(function (part) {
        var p = normaliseName(part);
        var key = "k" + p.toLowerCase();
        if (p === "" || seen[key]) return;
        seen[key] = true;
        out.push(p);
      });
    return out;
  }

  function patternsProblem(patterns) {
    if (patterns.length > MAX_TRACKED_PATTERNS)
      return (
        "Tracked software lists " + patterns.length + " patterns; at most " + MAX_TRACKED_PATTERNS + " are allowed."
      );
    for (var k = 0; k < patterns.length; k++) {
      var p = patterns[k];
      if (p.length > MAX_PATTERN_LENGTH)
        return (
          'Tracked software pattern "' +
          p.slice(0, 30) +
          '…" is ' +
          p.length +
          " characters long; at most " +
          MAX_PATTERN_LENGTH +
          " are allowed."
        );
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(p)) return 'Tracked software pattern "' + p + '" contains a control character.';
      if (p.replace(/[*\s]/g, "").length < MIN_PATTERN_LETTERS)
        return (
          'Tracked software pattern "' +
          p +
          '" needs at least ' +
          MIN_PATTERN_LETTERS +
          " characters besides * and spaces."
        );
    }
    return null;
  }

  /** Whole name, case-insensitive, * for any run of characters (also none). */
  function matchesPattern(pattern, name) {
    var p = normaliseName(pattern).toLowerCase();
    var s = normaliseName(name).toLowerCase();
    var i = 0;
    var j = 0;
    var star = -1;
    var mark = 0;
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

  /** The software_catalogue field ({v:1, apps:[[name, version, count]], omitted:[apps, installs]}), or null. */
  function parseCatalogue(value) {
    var data;
    try {
      data = JSON.parse(String(value || ""));
    } catch {
      return null;
    }
    if (!data || data.v !== 1 || !Array.isArray(data.apps) || !Array.isArray(data.omitted)) return null;
    var ok = data.apps.every(function (e) {
      return (
        Array.isArray(e) && e.length === 3 && typeof e[0] === "string" && typeof e[1] === "string" && isCount(e[2])
      );
    });
    if (!ok || data.omitted.length !== 2 || !isCount(data.omitted[0]) || !isCount(data.omitted[1])) return null;
    return {
      apps: data.apps.map(function (e) {
        return { name: e[0], version: e[1], deviceCount: e[2] };
      }),
      omitted: { apps: data.omitted[0], installs: data.omitted[1] },
    };
  }

  /** Catalogue entries and installations per pattern; an entry counts for the first pattern that matches it. */
  function countByPattern(patterns, entries) {
    var out = patterns.map(function (pattern) {
      return { pattern: pattern, apps: 0, installs: 0 };
    });
    entries.forEach(function (e) {
      for (var k = 0; k < patterns.length; k++) {
        if (matchesPattern(patterns[k], e.name)) {
          out[k].apps++;
          out[k].installs += e.deviceCount;
          return;
        }
      }
    });
    return out;
  }

  /** What the form shows under Tracked software: a headline, a line per pattern and a note. */
  function softwareForecast(catalogue, raw) {
    var patterns = splitPatterns(raw);
    var problem = patternsProblem(patterns);
    if (problem) return { headline: problem, tone: "warn", lines: [], note: "" };
    if (patterns.length === 0) return { headline: "No software is tracked.", tone: null, lines: [], note: "" };
    if (!catalogue)
      return {
        headline: "No application count yet",
        tone: null,
        lines: [],
        note: "The connector lists the applications Intune detects after a tenant is connected; the counts then appear here.",
      };
    var counts = countByPattern(patterns, catalogue.apps);
    var apps = 0;
    var installs = 0;
    var lines = counts.map(function (c) {
      apps += c.apps;
      installs += c.installs;
      return {
        pattern: c.pattern,
        text:
          c.apps === 0
            ? "no application matches"
            : formatNumber(c.apps) +
              (c.apps === 1 ? " application version, " : " application versions, ") +
              formatNumber(c.installs) +
              (c.installs === 1 ? " installation" : " installations"),
      };
    });
    return {
      headline:
        formatNumber(apps) + " application versions with " + formatNumber(installs) + " installations would be tracked",
      tone: null,
      lines: lines,
      note:
        catalogue.omitted.apps > 0
          ? formatNumber(catalogue.omitted.apps) +
            " rarely installed application versions are not counted here; the import may find a few more."
          : "",
    };
  }

  form.splitPatterns = splitPatterns;
  form.patternsProblem = patternsProblem;
  form.matchesPattern = matchesPattern;
  form.parseCatalogue = parseCatalogue;
  form.countByPattern = countByPattern;
  form.softwareForecast = softwareForecast;
})(typeof window !== "undefined" ? window : this);
