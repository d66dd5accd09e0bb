// Intune connector: behaviour of the CI UI extension.
// The connector writes raw values (ISO dates, true/false, numbers, "Unknown"). This script shows each one in a
// readable form next to its field and leaves the stored value untouched, so a save in 4me never rewrites what the
// connector wrote. It uses only the documented ITRP API (ITRP.$, ITRP.hooks), found by its bare name as 4me's
// documentation writes it (or as window.ITRP). Without ITRP (outside 4me) it does nothing and the raw values stay
// visible. The pure formatter is exposed as IntuneCiExtension for tests.
(function (root, container, bareItrp) {
  "use strict";

  var ALL_ZERO_ID = "00000000-0000-0000-0000-000000000000";

  // Intune complianceState values (Graph enum, letters only, lower case) and how they read; the tone colours them.
  var COMPLIANCE = {
    compliant: { text: "Compliant", tone: "good" },
    noncompliant: { text: "Noncompliant", tone: "bad" },
    ingraceperiod: { text: "In grace period", tone: "warn" },
    conflict: { text: "Conflict", tone: "warn" },
    error: { text: "Error", tone: "bad" },
    configmanager: { text: "Managed by Configuration Manager", tone: "neutral" },
  };
  COMPLIANCE.managedbyconfigurationmanager = COMPLIANCE.configmanager;

  function isBlank(value) {
    return value === null || value === undefined || String(value).trim() === "";
  }

  /** Intune's ways of saying it does not know: the word itself, year-1 dates, the all-zero id. */
  function isUnknown(value) {
    var s = String(value).trim().toLowerCase();
    return s === "unknown" || /^0001-01-01/.test(s) || s === ALL_ZERO_ID;
  }

  function parseBool(value) {
    if (value === true || value === false) return value;
    var s = String(value).trim().toLowerCase();
    if (s === "true" || s === "yes" || s === "1") return true;
    if (s === "false" || s === "no" || s === "0") return false;
    return null;
  }

  function formatDate(value, withTime, options) {
    var dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    var format = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
    var date;
    if (dateOnly) {
      // A calendar date has no time zone: show that day everywhere, not the day before west of UTC.
      date = new Date(Date.UTC(+dateOnly[1], +dateOnly[2] - 1, +dateOnly[3]));
      format.timeZone = "UTC";
    } else {
      date = new Date(value);
      if (options.timeZone) format.timeZone = options.timeZone;
    }
    if (isNaN(date.getTime())) return null;
    return new Intl.DateTimeFormat(options.locale, format).format(date);
  }

  function safeUrl(value) {
    return /^https?:\/\/[^\s"'<>]+$/i.test(value) ? value : null;
  }

  /**
   * How a stored value reads. Returns {text, tone, href?}; tone is one of empty, unknown, good, warn, bad, neutral
   * or null. Values it cannot read are shown as they are, never dropped.
   */
  function formatValue(kind, raw, options) {
    options = options || {};
    if (isBlank(raw)) return { text: "Not reported", tone: "empty" };
    var value = String(raw).trim();
    if (isUnknown(value)) return { text: "Unknown", tone: "unknown" };
    switch (kind) {
      case "boolean": {
        var b = parseBool(value);
        return { text: b === null ? value : b ? "Yes" : "No", tone: null };
      }
      case "date":
      case "datetime": {
        var text = formatDate(value, kind === "datetime", options);
        return { text: text === null ? value : text, tone: null };
      }
      case "number": {
        var n = Number(value);
        var shown = isFinite(n) ? new Intl.NumberFormat(options.locale, { maximumFractionDigits: 1 }).format(n) : value;
        return { text: shown, tone: null };
      }
      case "link": {
        var href = safeUrl(value);
        return href ? { text: "Open in Intune admin center", tone: null, href: href } : { text: value, tone: null };
      }
      default:
        return { text: value, tone: null };
    }
  }

  /** Field-specific readings on top of the kind: compliance states, and security facts coloured by risk. */
  function formatField(fieldId, kind, raw, options) {
    var shown = formatValue(kind, raw, options);
    if (shown.tone === "empty" || shown.tone === "unknown") return shown;
    var value = String(raw).trim();
    if (fieldId === "intune_compliance") {
      // The mapper writes a label ("In grace period"), older data the Graph value ("inGracePeriod"): accept both.
      return COMPLIANCE[value.toLowerCase().replace(/[^a-z]/g, "")] || shown;
    }
    if (fieldId === "intune_encrypted") {
      var encrypted = parseBool(value);
      if (encrypted !== null) shown.tone = encrypted ? "good" : "warn";
    }
    if (fieldId === "intune_jailbroken") {
      var jailbroken = parseBool(value);
      if (jailbroken !== null) return { text: jailbroken ? "Yes" : "No", tone: jailbroken ? "bad" : "good" };
    }
    return shown;
  }

  var api = { formatValue: formatValue, formatField: formatField, parseBool: parseBool, isUnknown: isUnknown };
  if (root) root.IntuneCiExtension = api;

  var ITRP = bareItrp || (root && root.ITRP);
  if (!ITRP || typeof ITRP.$ !== "function") return;
  var $ = ITRP.$;
  var $extension = container && container.nodeType === 1 ? $(container) : $(".intune-ci").parent();

  function kindOf(input) {
    var match = /\bintune-kind-([a-z]+)\b/.exec(input.className);
    return match ? match[1] : "text";
  }

  function showValues() {
    $extension.find("input.intune-field").each(function () {
      var $input = $(this);
      var $row = $input.closest(".row");
      var shown = formatField(this.id, kindOf(this), $input.val());
      var $value = shown.href
        ? $("<a>").attr({ href: shown.href, target: "_blank", rel: "noopener noreferrer", title: shown.href })
        : $("<span>");
      $value.addClass("intune-value").text(shown.text);
      if (shown.tone) $value.addClass("intune-tone-" + shown.tone);
      $row.find(".intune-value").remove(); // the hook may run again after a re-prefill
      $input.after($value);
      $row.addClass("intune-formatted");
    });
  }

  // A CI shown in view mode already holds its values, and 4me documents after-prefill only for forms it fills in
  // (edit mode): format now, and again after a prefill. showValues replaces what it showed before.
  showValues();
  if (ITRP.hooks && typeof ITRP.hooks.register === "function") {
    ITRP.hooks.register("after-prefill", showValues);
  }
})(
  typeof window !== "undefined" ? window : this,
  this,
  // 4me's documentation calls the API by its bare name; it need not be a property of window (a global `const`, or a
  // function scope 4me runs the script in), so the name is looked up here, outside this function's own `ITRP`.
  typeof ITRP !== "undefined" ? ITRP : undefined,
);
