// Configuration form, part 6 of 6: the DOM part, which wires the form in 4me.
// It uses only the documented ITRP API (ITRP.$ and ITRP.hooks.register('after-prefill', …)) and the pure functions
// the earlier parts put on window.IntuneForm. Without ITRP (outside 4me) it does nothing, so the form still shows
// and saves every field; only the live extras are missing. It never changes a field that the connector writes:
// readable text is shown next to the stored value.
(function (root, container, bareItrp) {
  "use strict";

  var ITRP = bareItrp || (root && root.ITRP);
  if (!ITRP || typeof ITRP.$ !== "function") return;
  var $ = ITRP.$;

  var form = root.IntuneForm;
  var PLATFORMS = form.PLATFORMS;
  var FILTER_FIELDS = form.FILTER_FIELDS;
  var TENANT_SLOTS = form.TENANT_SLOTS;
  var isBlank = form.isBlank;
  var safeUrl = form.safeUrl;
  var formatNumber = form.formatNumber;
  var formatDuration = form.formatDuration;
  var formatDateTime = form.formatDateTime;
  var summarize = form.summarize;
  var parseBreakdown = form.parseBreakdown;
  var countAlerts = form.countAlerts;
  var alertsForecast = form.alertsForecast;
  var unlinkedNotice = form.unlinkedNotice;
  var describeStatus = form.describeStatus;
  var visibleTenantSlots = form.visibleTenantSlots;
  var parseOfferedClouds = form.parseOfferedClouds;
  var cloudChoices = form.cloudChoices;
  var parseCatalogue = form.parseCatalogue;
  var softwareForecast = form.softwareForecast;

  var PLATFORM_LABELS = { windows: "Windows", android: "Android", ios: "iOS/iPadOS", macos: "macOS", other: "Other" };
  var MIN_INTERVAL_MINUTES = 15;

  var REASON_LABELS = {
    platform: "by the platform switches",
    personal: "personally owned computers",
    no_primary_user: "without a primary user",
    user_deleted: "whose user was deleted",
  };

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
