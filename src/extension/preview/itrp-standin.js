/* global window, document */
// A stand-in for 4me's UI-extension runtime, for the demo page and the browser tests: ITRP.$ is jQuery, the
// after-prefill hook and 4me's jQuery plugins (.required, .readonly) exist, and stored values are prefilled the
// way 4me fills custom fields. It follows the documented order: the extension's JavaScript runs with `this` bound
// to the extension container, then 4me fills the stored values, then it runs the after-prefill hooks. In view mode
// (a record shown, not edited) the values are in place before the script runs and no hook runs.
// The API is not set as window.ITRP: 4me's documentation only ever calls it by its bare name, so the page hands it
// to the extension as a name in scope (preview.ts), and an extension that reads only window.ITRP finds nothing.
(function () {
  "use strict";
  var $ = window.jQuery;
  var hooks = {};

  $.fn.required = function (flag) {
    return this.toggleClass("required", flag !== false);
  };
  $.fn.readonly = function (flag) {
    return this.prop("disabled", flag !== false);
  };

  var itrp = {
    $: $,
    context: "full_ui",
    record: { new: false },
    hooks: {
      register: function (name, fn) {
        (hooks[name] = hooks[name] || []).push(fn);
      },
    },
  };

  function toBool(value) {
    if (typeof value === "boolean") return value;
    return ["true", "1", "yes", "on"].indexOf(String(value).trim().toLowerCase()) >= 0;
  }

  function prefill(container, values) {
    Object.keys(values).forEach(function (id) {
      var value = values[id];
      var $el = $(container).find("#" + id);
      if ($el.length === 0 || value === null || value === undefined) return;
      var text = typeof value === "object" ? JSON.stringify(value) : String(value);
      if ($el.is(":checkbox")) $el.prop("checked", toBool(value));
      else $el.val(text);
    });
  }

  window.ITRP_STANDIN = {
    itrp: itrp,
    /**
     * Runs an extension the way 4me does. Edit mode: script, then stored values, then the after-prefill hooks.
     * View mode: stored values, then the script.
     */
    run: function (container, extensionScript, values, mode) {
      if (mode === "view") {
        prefill(container, values || {});
        extensionScript.call(container);
      } else {
        extensionScript.call(container);
        prefill(container, values || {});
        (hooks["after-prefill"] || []).forEach(function (fn) {
          fn.call(container);
        });
      }
      document.documentElement.setAttribute("data-extension-ready", "true");
    },
  };
})();
