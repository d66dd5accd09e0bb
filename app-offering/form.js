// Intune connector: behaviour of the app instance's configuration form.
// Pure part first (no DOM): the live count applies the same filter rules as the sync (src/sync/filters.ts); a unit
// test runs both over every switch combination. Then the DOM part, which uses only the documented ITRP API
// (ITRP.$ and ITRP.hooks.register('after-prefill', …)). Without ITRP (outside 4me) it does nothing, so the form
// still shows and saves every field; only the live extras are missing. It never changes a field that the
// connector writes: readable text is shown next to the stored value.
(function (root, container, bareItrp) {
  "use strict";

  var PLATFORMS = ["windows", "android", "ios", "macos", "other"];
  var OWNERSHIPS = ["company", "personal", "unknown"];
  var USER_STATES = ["user", "deleted", "none"];
  var PLATFORM_LABELS = { windows: "Windows", android: "Android", ios: "iOS/iPadOS", macos: "macOS", other: "Other" };
  var TENANT_SLOTS = 5;
  /** The cloud choices of each tenant, as in src/intune/clouds.ts. */
  var CLOUDS = ["global", "usgov", "usgov-dod", "china"];
  var MIN_INTERVAL_MINUTES = 15;
  var DEFAULT_MAX_NEW_ALERTS = 100;

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

  var REASON_LABELS = {
    platform: "by the platform switches",
    personal: "personally owned computers",
    no_primary_user: "without a primary user",
    user_deleted: "whose user was deleted",
  };

  // ---------------------------------------------------------------- pure part

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

  function isCount(v) {
    return typeof v === "number" && isFinite(v) && v >= 0 && Math.floor(v) === v;
  }

  /**
   * Requests switching alerts on would raise now: the failing devices the filters import (as if the import were
   * active), those in their grace period too when alerts are raised during it. Same rule as countAlerts in
   * src/intune/breakdown.ts.
   */
  function countAlerts(breakdown, filters, duringGracePeriod) {
    if (!breakdown || !breakdown.alerts) return 0;
    var trial = {};
    Object.keys(FILTER_FIELDS).forEach(function (name) {
      trial[name] = !!filters[name];
    });
    trial.active = true;
    return breakdown.alerts.reduce(function (n, row) {
      return isImported(row, trial) ? n + row.noncompliant + (duringGracePeriod ? row.inGrace : 0) : n;
    }, 0);
  }

  /**
   * What the form says about the requests alerts raise now, with the per-sync limit; null without a count. Once
   * alerts are on, some of those devices have their request already: the text then says so instead of a forecast.
   */
  function alertsForecast(breakdown, count, limit, enabled) {
    if (!breakdown) return null;
    var max = Math.floor(Number(limit));
    if (!isFinite(max) || max < 1) max = DEFAULT_MAX_NEW_ALERTS;
    if (count === 0) return "No imported device fails a compliance policy now: alerts would raise no request.";
    var devices = count === 1 ? "1 imported device fails" : formatNumber(count) + " imported devices fail";
    if (enabled) {
      return (
        devices +
        " a compliance policy now; each has or gets its own request" +
        (count > max ? ", at most " + formatNumber(max) + " new ones per sync." : ".")
      );
    }
    var head =
      devices +
      " a compliance policy now: switching alerts on raises " +
      (count === 1 ? "1 request" : formatNumber(count) + " requests");
    if (count <= max) return head + ".";
    return (
      head +
      ", " +
      formatNumber(max) +
      " per sync over " +
      formatNumber(Math.ceil(count / max)) +
      " syncs, and one summary request lists the devices still waiting."
    );
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

  /** The connector writes pending_consent[: <why>] | connected | failed: <reason>. */
  function describeStatus(raw) {
    var s = raw === null || raw === undefined ? "" : String(raw).trim();
    if (s === "") return { text: "Not checked yet: save the form to connect", tone: "empty", pendingConsent: false };
    if (s === "pending_consent") return { text: "Waiting for admin consent", tone: "warn", pendingConsent: true };
    // pending_consent: <why> — an administrator of the tenant must sign in (another account holds it, it moved, …).
    var pending = /^pending_consent\s*:\s*([\s\S]+)$/.exec(s);
    if (pending) return { text: "Waiting for an administrator: " + pending[1], tone: "warn", pendingConsent: true };
    if (s === "connected") return { text: "Connected", tone: "good", pendingConsent: false };
    var failed = /^failed\s*:?\s*([\s\S]*)$/i.exec(s);
    if (failed) return { text: "Failed" + (failed[1] ? ": " + failed[1] : ""), tone: "bad", pendingConsent: false };
    return { text: s, tone: null, pendingConsent: false };
  }

  /**
   * Which tenant slots to show: slot 1 always, every slot the connector or the administrator filled, and the
   * slots revealed with "Add another tenant". Empty slots beyond those stay hidden.
   */
  function visibleTenantSlots(slots, revealed) {
    return slots.map(function (slot, i) {
      var filled = !isBlank(slot.domain) || !isBlank(slot.status);
      return i === 0 || filled || i < revealed;
    });
  }

  /**
   * The clouds the connector has an app registration for, from offered_clouds (ids, comma-separated), or null when
   * it wrote no list yet or none with a cloud this form knows: then every cloud is offered, as before.
   */
  function parseOfferedClouds(value) {
    if (isBlank(value)) return null;
    var ids = String(value)
      .split(",")
      .map(function (id) {
        return id.trim();
      })
      .filter(function (id) {
        return CLOUDS.indexOf(id) >= 0;
      });
    return ids.length > 0 ? ids : null;
  }

  /**
   * The options one tenant's cloud list shows and the value it holds. An empty slot moves to the first offered cloud;
   * a tenant already entered keeps its cloud even when it is not offered, so that its status can say why it fails.
   */
  function cloudChoices(offered, selected, filled) {
    if (!offered) return { shown: CLOUDS.slice(), value: selected };
    var value = offered.indexOf(selected) >= 0 || filled ? selected : offered[0];
    var shown = CLOUDS.filter(function (cloud) {
      return offered.indexOf(cloud) >= 0 || cloud === value;
    });
    return { shown: shown, value: value };
  }

  function isBlank(value) {
    return value === null || value === undefined || String(value).trim() === "";
  }

  function safeUrl(value) {
    var s = isBlank(value) ? "" : String(value).trim();
    return /^https:\/\/[^\s"'<>]+$/i.test(s) ? s : null;
  }

  function formatNumber(n) {
    return new Intl.NumberFormat(undefined).format(n);
  }

  function formatDuration(seconds) {
    var n = Number(seconds);
    if (isBlank(seconds) || !isFinite(n) || n < 0) return null;
    if (n < 60) return (n < 10 ? Math.round(n * 10) / 10 : Math.round(n)) + " s";
    var s = Math.round(n);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var rest = s % 60;
    if (h > 0) return h + " h " + m + " min";
    return m + " min" + (rest ? " " + rest + " s" : "");
  }

  function formatDateTime(value) {
    if (isBlank(value)) return null;
    var d = new Date(String(value).trim());
    if (isNaN(d.getTime())) return null;
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(d);
  }

  /** The read-only notice for alerts_unlinked_cis, or null when every imported CI has a service instance. */
  function unlinkedNotice(raw) {
    var n = Number(raw);
    if (isBlank(raw) || !isFinite(n) || n <= 0) return null;
    return n === 1
      ? "1 imported CI has no service instance; its requests go to the default service instance."
      : formatNumber(n) + " imported CIs have no service instance; their requests go to the default service instance.";
  }

  // Tracked software: the same rules as src/sync/software-patterns.ts (software-parity.spec.ts compares them).
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

  var api = {
    FILTER_FIELDS: FILTER_FIELDS,
    TENANT_SLOTS: TENANT_SLOTS,
    exclusionReason: exclusionReason,
    isImported: isImported,
    parseBreakdown: parseBreakdown,
    countImported: countImported,
    countAlerts: countAlerts,
    alertsForecast: alertsForecast,
    summarize: summarize,
    describeStatus: describeStatus,
    visibleTenantSlots: visibleTenantSlots,
    parseOfferedClouds: parseOfferedClouds,
    cloudChoices: cloudChoices,
    unlinkedNotice: unlinkedNotice,
    formatDuration: formatDuration,
    splitPatterns: splitPatterns,
    patternsProblem: patternsProblem,
    matchesPattern: matchesPattern,
    parseCatalogue: parseCatalogue,
    countByPattern: countByPattern,
    softwareForecast: softwareForecast,
  };
  if (root) root.IntuneForm = api;

  // ---------------------------------------------------------------- DOM part

  var ITRP = bareItrp || (root && root.ITRP);
  if (!ITRP || typeof ITRP.$ !== "function") return;
  var $ = ITRP.$;
  var $form = container && container.nodeType === 1 ? $(container) : $("#intune_form").parent();

  function field(id) {
    return $form.find("#" + id);
  }

  function readFilters() {
    var filters = {};
    Object.keys(FILTER_FIELDS).forEach(function (name) {
      filters[name] = field(FILTER_FIELDS[name]).prop("checked") === true;
    });
    return filters;
  }

  /** Shows `text` next to a stored read-only field, in place of its raw value. */
  function showBeside($input, text, tone, cssClass) {
    var $row = $input.closest(".row");
    $row.find(".intune-shown").remove();
    var $shown = $("<span>").addClass("intune-shown").text(text);
    if (cssClass) $shown.addClass(cssClass);
    if (tone) $shown.addClass("intune-tone-" + tone);
    $input.addClass("intune-raw").after($shown);
    return $shown;
  }

  // Tenants -----------------------------------------------------------------

  var revealedSlots = 0;

  function readSlots() {
    var slots = [];
    for (var n = 1; n <= TENANT_SLOTS; n++) {
      slots.push({ domain: field("tenant_" + n + "_domain").val(), status: field("tenant_" + n + "_status").val() });
    }
    return slots;
  }

  function showTenants() {
    var slots = readSlots();
    var visible = visibleTenantSlots(slots, revealedSlots);
    visible.forEach(function (show, i) {
      $form.find("#intune_tenant_" + (i + 1)).toggleClass("hide", !show);
    });
    revealedSlots = Math.max(revealedSlots, visible.lastIndexOf(true) + 1);
    $form.find(".intune-add-tenant-row").toggleClass("hide", visible.indexOf(false) < 0);

    var offered = parseOfferedClouds(field("offered_clouds").val());
    slots.forEach(function (slot, i) {
      var n = i + 1;
      offerClouds(field("tenant_" + n + "_cloud"), offered, !isBlank(slot.domain));
      var status = describeStatus(slot.status);
      showBeside(field("tenant_" + n + "_status"), status.text, status.tone, "intune-status");

      var $consent = field("tenant_" + n + "_consent_url");
      var $row = $consent.closest(".row");
      var url = safeUrl($consent.val());
      $row.find(".intune-consent-button, .intune-consent-wait").remove();
      $row.toggleClass("hide", !status.pendingConsent);
      $consent.addClass("intune-raw");
      if (!status.pendingConsent) return;
      if (url) {
        $("<a>")
          .addClass("intune-button intune-consent-button")
          .attr({ href: url, target: "_blank", rel: "noopener noreferrer", title: url })
          .text("Sign in as an Entra administrator and grant consent")
          .insertAfter($consent);
      } else {
        $("<span>")
          .addClass("intune-consent-wait intune-tone-empty")
          .text("The consent link appears here shortly after you save.")
          .insertAfter($consent);
      }
    });
  }

  /** Hides (and disables) the clouds this connector has no app registration for. */
  function offerClouds($select, offered, filled) {
    var choice = cloudChoices(offered, $select.val(), filled);
    $select.find("option").each(function () {
      var off = choice.shown.indexOf(this.value) < 0;
      $(this).prop("hidden", off).prop("disabled", off);
    });
    if (choice.value !== $select.val()) $select.val(choice.value);
  }

  // Import summary ------------------------------------------------------------

  function showSummary() {
    var breakdown = parseBreakdown(field("fleet_breakdown").val());
    var s = summarize(breakdown, readFilters());
    var $summary = $form.find("#intune_import_summary");
    var $headline = $summary.find("[data-role=headline]").empty();
    var $detail = $summary.find("[data-role=detail]").empty();
    var $platforms = $summary.find("[data-role=platforms]").empty();
    var $excluded = $summary.find("[data-role=excluded]").empty();
    $summary.toggleClass("intune-summary-inactive", !s.active).toggleClass("intune-summary-unknown", !s.known);

    if (!s.known) {
      $headline.text("No device count yet");
      $detail.text(
        "The connector counts your Intune devices at its first sync after a tenant is connected; the count then appears here.",
      );
      return;
    }
    var shown = s.active ? s.imported : s.wouldImport;
    $headline
      .append($("<span>").addClass("intune-summary-count").attr("data-role", "count").text(formatNumber(shown)))
      .append(document.createTextNode(" of "))
      .append($("<span>").addClass("intune-summary-total").attr("data-role", "total").text(formatNumber(s.total)))
      .append(document.createTextNode(s.active ? " devices are imported" : " devices would be imported"));
    $detail.text(
      s.active
        ? "Counted at the last sync. Switch changes apply at the next sync after you save."
        : "The import is not active: nothing is imported until you switch on Activate below.",
    );
    PLATFORMS.forEach(function (p) {
      var b = s.byPlatform[p];
      if (b.total === 0) return;
      $("<li>")
        .toggleClass("intune-platform-off", b.imported === 0)
        .attr("data-platform", p)
        .attr("title", p === "other" ? "Devices of other platforms (such as Linux) are not imported" : "")
        .append($("<span>").addClass("intune-platform-name").text(PLATFORM_LABELS[p]))
        .append(
          $("<span>")
            .addClass("intune-platform-count")
            .text(formatNumber(b.imported) + " / " + formatNumber(b.total)),
        )
        .appendTo($platforms);
    });
    var parts = Object.keys(REASON_LABELS)
      .filter(function (reason) {
        return s.excluded[reason] > 0;
      })
      .map(function (reason) {
        return formatNumber(s.excluded[reason]) + " " + REASON_LABELS[reason];
      });
    if (parts.length > 0) $excluded.text("Left out: " + parts.join(" · "));
  }

  // Alerts --------------------------------------------------------------------

  function showAlerts() {
    var enabled = field("alerts_enabled").prop("checked") === true;
    $form.find(".intune-alerts-settings").toggleClass("intune-collapsed", !enabled);
    var $unlinked = field("alerts_unlinked_cis");
    var notice = unlinkedNotice($unlinked.val());
    $unlinked.closest(".row").toggleClass("hide", notice === null);
    if (notice !== null) showBeside($unlinked, notice, enabled ? "warn" : "neutral", "intune-notice");
    var $instance = field("alerts_service_instance");
    var needsDefault = enabled && notice !== null;
    // .required is 4me's jQuery plugin; the class is its visible effect when the plugin is absent.
    if (typeof $instance.required === "function") $instance.required(needsDefault);
    else $instance.toggleClass("required", needsDefault);
    var breakdown = parseBreakdown(field("fleet_breakdown").val());
    var during = field("alerts_during_grace_period").prop("checked") === true;
    var forecast = alertsForecast(
      breakdown,
      countAlerts(breakdown, readFilters(), during),
      field("alerts_max_new_per_run").val(),
      enabled,
    );
    $form
      .find("[data-role=alerts-forecast]")
      .text(forecast || "")
      .toggleClass("hide", !forecast);
  }

  // Schedule and last sync ------------------------------------------------------

  function keepIntervalValid() {
    var $interval = field("sync_interval_minutes");
    var raw = $interval.val();
    var n = Number(raw);
    if (!isBlank(raw) && isFinite(n) && n < MIN_INTERVAL_MINUTES) $interval.val(String(MIN_INTERVAL_MINUTES));
  }

  function showLastSync() {
    var start = formatDateTime(field("sync_start_at").val());
    var end = formatDateTime(field("sync_end_at").val());
    var duration = formatDuration(field("sync_duration").val());
    var startAt = new Date(field("sync_start_at").val() || 0).getTime();
    var endAt = new Date(field("sync_end_at").val() || 0).getTime();
    var text;
    if (start && (!end || endAt < startAt)) text = "A sync started " + start + " and is still running.";
    else if (end) text = "The last sync ended " + end + (duration ? " and took " + duration : "") + ".";
    else text = "No sync has run yet.";
    $form.find("[data-role=last-sync]").text(text);
  }

  // Tracked software ------------------------------------------------------------

  function showSoftware() {
    var f = softwareForecast(parseCatalogue(field("software_catalogue").val()), field("tracked_software").val());
    var $summary = $form.find("#intune_software_summary");
    $summary.toggleClass("intune-summary-unknown", f.lines.length === 0);
    $summary
      .find("[data-role=software-headline]")
      .text(f.headline)
      .toggleClass("intune-tone-warn", f.tone === "warn");
    var $list = $summary.find("[data-role=software-patterns]").empty();
    f.lines.forEach(function (line) {
      $("<li>")
        .append($("<span>").addClass("intune-platform-name").text(line.pattern))
        .append($("<span>").addClass("intune-platform-count").text(line.text))
        .appendTo($list);
    });
    $summary.find("[data-role=software-note]").text(f.note);
  }

  // Wiring ----------------------------------------------------------------------

  function init() {
    showTenants();
    showSummary();
    showAlerts();
    showLastSync();
    showSoftware();
  }

  $form.on("click", ".intune-add-tenant", function (event) {
    event.preventDefault();
    revealedSlots = Math.min(TENANT_SLOTS, revealedSlots + 1);
    showTenants();
    field("tenant_" + revealedSlots + "_domain").trigger("focus");
  });
  $form.on("change", "input.intune-switch", function () {
    showSummary();
    showAlerts();
  });
  $form.on("change", "#sync_interval_minutes", keepIntervalValid);
  $form.on("change input", "#alerts_max_new_per_run", showAlerts);
  $form.on("change input", "#tracked_software", showSoftware);

  if (ITRP.hooks && typeof ITRP.hooks.register === "function") {
    ITRP.hooks.register("after-prefill", init);
  } else {
    init();
  }
})(
  typeof window !== "undefined" ? window : this,
  this,
  // 4me's documentation calls the API by its bare name; it need not be a property of window (a global `const`, or a
  // function scope 4me runs the script in), so the name is looked up here, outside this function's own `ITRP`.
  typeof ITRP !== "undefined" ? ITRP : undefined,
);
