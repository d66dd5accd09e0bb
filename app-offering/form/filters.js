// Configuration form, part 2 of 6: filter rules and breakdown counts (no DOM).
// The live count applies the same filter rules as the sync (src/sync/filters.ts) to the fleet breakdown the
// connector writes (src/intune/breakdown.ts); a unit test (count-parity.spec.ts) runs both over every switch
// combination, so a rule changed on one side only fails there.
(function (root) {
  "use strict";

  var form = (root.IntuneForm = root.IntuneForm || {});
  var isCount = form.isCount;

  var PLATFORMS = ["windows", "android", "ios", "macos", "other"];
  var OWNERSHIPS = ["company", "personal", "unknown"];
  var USER_STATES = ["user", "deleted", "none"];

  /** Filter name (as in ImportFilters) → form field id (as in src/app-instance/fields.ts). */
  var FILTER_FIELDS = {
    active: "import_active",
    windows: "import_windows",
    android: "import_android",
    ios: "import_ios",
    macos: "import_macos",
    personal: "import_personal",
    onlyWithPrimaryUser: "import_only_with_primary_user",
    userDeleted: "import_user_deleted",
  };

  function isComputer(platform) {
    return platform === "windows" || platform === "macos";
  }

  /** Why a device of this class is left out, or null. Same rules, same order as src/sync/filters.ts. */
  function exclusionReason(c, f) {
    var platformOn = c.platform !== "other" && !!f[c.platform];
    if (!platformOn) return "platform";
    if (c.ownership === "personal" && isComputer(c.platform) && !f.personal) return "personal";
    if (c.userState === "deleted" && (!f.userDeleted || f.onlyWithPrimaryUser)) return "user_deleted";
    if (c.userState === "none" && f.onlyWithPrimaryUser) return "no_primary_user";
    return null;
  }

  /** The sync's import decision: the filters, gated by the Activate switch. */
  function isImported(c, f) {
    return !!f.active && exclusionReason(c, f) === null;
  }

  /**
   * Reads the connector's fleet breakdown, {"v":1,"total":N,"rows":[[platform, ownership, userState, count], …]},
   * given as JSON text or as the parsed object. Returns {total, rows:[{platform, ownership, userState, count}]},
   * or null when there is none yet or it is not a version this form understands. Malformed rows are skipped.
   */
  function parseBreakdown(value) {
    var data = value;
    if (value === null || value === undefined) return null;
    if (typeof value === "string") {
      if (value.trim() === "") return null;
      try {
        data = JSON.parse(value);
      } catch {
        return null;
      }
    }
    if (!data || typeof data !== "object" || data.v !== 1 || !Array.isArray(data.rows)) return null;
    var rows = [];
    var sum = 0;
    data.rows.forEach(function (row) {
      if (!Array.isArray(row) || row.length !== 4) return;
      var count = row[3];
      if (PLATFORMS.indexOf(row[0]) < 0 || OWNERSHIPS.indexOf(row[1]) < 0 || USER_STATES.indexOf(row[2]) < 0) return;
      if (typeof count !== "number" || !isFinite(count) || count < 0 || Math.floor(count) !== count) return;
      rows.push({ platform: row[0], ownership: row[1], userState: row[2], count: count });
      sum += count;
    });
    var total = typeof data.total === "number" && isFinite(data.total) && data.total >= sum ? data.total : sum;
    var alerts = [];
    (Array.isArray(data.alerts) ? data.alerts : []).forEach(function (row) {
      if (!Array.isArray(row) || row.length !== 5) return;
      if (PLATFORMS.indexOf(row[0]) < 0 || OWNERSHIPS.indexOf(row[1]) < 0 || USER_STATES.indexOf(row[2]) < 0) return;
      if (!isCount(row[3]) || !isCount(row[4])) return;
      alerts.push({ platform: row[0], ownership: row[1], userState: row[2], noncompliant: row[3], inGrace: row[4] });
    });
    return { total: total, rows: rows, alerts: alerts };
  }

  /** How many devices of a parsed breakdown the sync imports with these filters (0 while not active). */
  function countImported(breakdown, filters) {
    if (!breakdown) return 0;
    return breakdown.rows.reduce(function (n, row) {
      return isImported(row, filters) ? n + row.count : n;
    }, 0);
  }

  /**
   * Everything the summary shows. `wouldImport` counts as if the import were active, so an administrator can try
   * combinations before activating; `imported` is what the sync imports now.
   */
  function summarize(breakdown, filters) {
    var trial = {};
    Object.keys(FILTER_FIELDS).forEach(function (name) {
      trial[name] = !!filters[name];
    });
    trial.active = true;
    var byPlatform = {};
    var excluded = { platform: 0, personal: 0, no_primary_user: 0, user_deleted: 0 };
    var wouldImport = 0;
    PLATFORMS.forEach(function (p) {
      byPlatform[p] = { total: 0, imported: 0 };
    });
    (breakdown ? breakdown.rows : []).forEach(function (row) {
      var reason = exclusionReason(row, trial);
      byPlatform[row.platform].total += row.count;
      if (reason === null) {
        byPlatform[row.platform].imported += row.count;
        wouldImport += row.count;
      } else {
        excluded[reason] += row.count;
      }
    });
    return {
      known: !!breakdown,
      total: breakdown ? breakdown.total : 0,
      active: !!filters.active,
      imported: countImported(breakdown, filters),
      wouldImport: wouldImport,
      byPlatform: byPlatform,
      excluded: excluded,
    };
  }

  form.PLATFORMS = PLATFORMS;
  form.FILTER_FIELDS = FILTER_FIELDS;
  form.exclusionReason = exclusionReason;
  form.isImported = isImported;
  form.parseBreakdown = parseBreakdown;
  form.countImported = countImported;
  form.summarize = summarize;
})(typeof window !== "undefined" ? window : this);
