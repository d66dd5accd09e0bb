// 4me's UI-extension documentation calls the API by its bare name, `ITRP` (developer.4me.com/v1/ui_extensions/
// js_api: "All API calls start with ITRP"); it does not say that window.ITRP exists. Both browser scripts find the
// API by that name: here it is a global `const` of the page, which is in scope but no property of the global object.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { loadConfigurationForm } from "../../../src/extension/render.js";

const CI_SCRIPT = fileURLToPath(new URL("../../../ui-extension/script.js", import.meta.url));

/** A jQuery that answers every call with itself and records the calls, enough to see what a script asks for. */
function recordingJquery(calls: string[]): unknown {
  const chain: unknown = new Proxy(function () {}, {
    get: (_t, name) =>
      name === "length" ? 0 : (...args: unknown[]) => (calls.push(`${String(name)}(${args[0] ?? ""})`), chain),
    apply: (_t, _this, args) => (calls.push(`$(${typeof args[0] === "string" ? args[0] : "node"})`), chain),
  });
  return chain;
}

function runWithBareItrp(source: string, filename: string) {
  const calls: string[] = [];
  const hooks: string[] = [];
  const context = vm.createContext({ __$: recordingJquery(calls), __hooks: hooks });
  // A global lexical binding: `ITRP` resolves by name, `globalThis.ITRP` is undefined.
  vm.runInContext("const ITRP = { $: __$, hooks: { register: function (name) { __hooks.push(name); } } };", context);
  expect(vm.runInContext("typeof globalThis.ITRP", context)).to.equal("undefined");
  vm.runInContext(source, context, { filename });
  return { calls, hooks };
}

describe("the UI-extension scripts and the bare ITRP name", () => {
  it("the CI extension finds ITRP by name, formats at once (view mode) and again after prefill", () => {
    const { calls, hooks } = runWithBareItrp(readFileSync(CI_SCRIPT, "utf8"), CI_SCRIPT);
    expect(hooks).to.deep.equal(["after-prefill"]);
    expect(calls).to.include("find(input.intune-field)");
  });

  it("the configuration form finds ITRP by name and registers its after-prefill hook", () => {
    const { hooks } = runWithBareItrp(loadConfigurationForm().javascript, "app-offering/form");
    expect(hooks).to.deep.equal(["after-prefill"]);
  });
});
