// Configuration form, part 4 of 6: tenant slots and clouds (no DOM).
// The form has a fixed number of tenant slots (src/app-instance/fields.ts); these rules decide which slots show,
// what a tenant's status written by the connector means to a person, and which Microsoft clouds a tenant may pick
// (those the connector has an app registration for, src/intune/clouds.ts).
(function (root) {
  "use strict";

  var form = (root.IntuneForm = root.IntuneForm || {});
  var isBlank = form.isBlank;

  var TENANT_SLOTS = 5;
  /** The cloud choices of each tenant, as in src/intune/clouds.ts. */
  var CLOUDS = ["global", "usgov", "usgov-dod", "china"];

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

  form.TENANT_SLOTS = TENANT_SLOTS;
  form.CLOUDS = CLOUDS;
  form.describeStatus = describeStatus;
  form.visibleTenantSlots = visibleTenantSlots;
  form.parseOfferedClouds = parseOfferedClouds;
  form.cloudChoices = cloudChoices;
})(typeof window !== "undefined" ? window : this);
