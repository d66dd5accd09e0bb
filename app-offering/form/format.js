// Configuration form, part 1 of 6: formatting helpers (no DOM).
// Opens the form's one namespace, window.IntuneForm: each part of app-offering/form/ is its own function that adds
// what it defines there and reads what earlier parts defined. src/extension/render.ts (loadConfigurationForm)
// joins the parts in a fixed order into the one script 4me takes; this part comes first because every later part
// reads values as text, counts and dates through it.
(function (root) {
  "use strict";

  var form = (root.IntuneForm = root.IntuneForm || {});

  function isCount(v) {
    return typeof v === "number" && isFinite(v) && v >= 0 && Math.floor(v) === v;
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

  form.isCount = isCount;
  form.isBlank = isBlank;
  form.safeUrl = safeUrl;
  form.formatNumber = formatNumber;
  form.formatDuration = formatDuration;
  form.formatDateTime = formatDateTime;
})(typeof window !== "undefined" ? window : this);
