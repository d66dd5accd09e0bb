// Configuration form, part 3 of 6: alerts forecast (no DOM).
// How many requests switching compliance alerts on would raise now, counted with the import filters over the
// breakdown's failing devices (same rule as countAlerts in src/intune/breakdown.ts), and the notice about imported
// CIs without a service instance. Told before saving, so nobody floods a service desk by surprise.
(function (root) {
  "use strict";

  var form = (root.IntuneForm = root.IntuneForm || {});
  var formatNumber = form.formatNumber;
  var isBlank = form.isBlank;
  var FILTER_FIELDS = form.FILTER_FIELDS;
  var isImported = form.isImported;

  var DEFAULT_MAX_NEW_ALERTS = 100;

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

  /** The read-only notice for alerts_unlinked_cis, or null when every imported CI has a service instance. */
  function unlinkedNotice(raw) {
    var n = Number(raw);
    if (isBlank(raw) || !isFinite(n) || n <= 0) return null;
    return n === 1
      ? "1 imported CI has no service instance; its requests go to the default service instance."
      : formatNumber(n) + " imported CIs have no service instance; their requests go to the default service instance.";
  }

  form.countAlerts = countAlerts;
  form.alertsForecast = alertsForecast;
  form.unlinkedNotice = unlinkedNotice;
})(typeof window !== "undefined" ? window : this);
