import { expect } from "chai";
import { desiredPublish } from "../../../src/offering/desired.js";
import {
  describePlan,
  NEW_ID,
  planPublish,
  PROVIDER_WEBHOOK_EVENTS,
  type DesiredPublish,
  type ProviderState,
  type PublishStep,
} from "../../../src/offering/publish-plan.js";
import { readConfig } from "../../../src/config.js";
import type { AppOffering, UiExtension, Webhook, WebhookPolicy } from "../../../src/fourme/types.js";

const config = readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc", PUBLIC_URL: "https://intune.example.com" });
const desired: DesiredPublish = desiredPublish(config);

const EMPTY: ProviderState = { webhookPolicies: [], webhooks: [], offerings: [], serviceInstanceId: "si-1" };
const RECORD = {
  webhookPolicyId: "pol-1",
  publicKeyPem: "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----",
  scopedWebhookIds: PROVIDER_WEBHOOK_EVENTS.map((_e, i) => `wh-${i}`),
};

/** The provider account as it stands after a successful publish of `d`. */
function published(d: DesiredPublish): ProviderState {
  const policy: WebhookPolicy = { id: "pol-1", jwtAlg: d.webhookPolicy.jwtAlg.toUpperCase(), disabled: false };
  const webhooks: Webhook[] = d.webhooks.map((w, i) => ({
    id: `wh-${i}`,
    ...w,
    webhookPolicyId: "pol-1",
    disabled: false,
  }));
  const form: UiExtension = {
    id: "ext-1",
    name: d.formExtension.name,
    title: d.formExtension.title,
    category: "app_offering",
    disabled: false,
    activeVersion: {
      id: "ver-1",
      html: d.formExtension.html,
      css: d.formExtension.css,
      javascript: d.formExtension.javascript,
    },
  };
  const offering: AppOffering = {
    id: "off-1",
    published: false,
    latest: true,
    ...d.offering,
    serviceInstanceId: "si-1",
    uiExtensionVersionId: "ver-1",
    scopes: d.scopes.map((s, i) => ({ ...s, id: `sc-${i}` })),
    automationRules: [],
  };
  return { webhookPolicies: [policy], webhooks, formExtension: form, offerings: [offering], serviceInstanceId: "si-1" };
}

const step = (steps: PublishStep[], target: string, name?: string) =>
  steps.find((s) => s.target === target && (name === undefined || s.name === name))!;

describe("planPublish", () => {
  it("creates everything in an empty provider account", () => {
    const plan = planPublish(EMPTY, {}, desired);
    expect(plan.problems).to.deep.equal([]);
    expect(plan.steps.map((s) => `${s.action} ${s.target} ${s.name}`)).to.deep.equal([
      "create webhook-policy provider webhook policy",
      ...PROVIDER_WEBHOOK_EVENTS.map((e) => `create webhook ${e}`),
      `create ui-extension ${desired.formExtension.name}`,
      `create app-offering ${config.fourme.offeringReference}`,
    ]);
  });

  it("changes nothing when the account already matches (so a re-run is safe)", () => {
    const plan = planPublish(published(desired), RECORD, desired);
    expect(plan.steps.filter((s) => s.action !== "keep")).to.deep.equal([]);
  });

  it("limits the webhooks to our offering, and rewrites once a webhook the record does not show limited", () => {
    for (const w of desired.webhooks) expect(w.appOfferingReferences).to.deep.equal([config.fourme.offeringReference]);
    const plan = planPublish(published(desired), { ...RECORD, scopedWebhookIds: ["wh-0"] }, desired);
    expect(plan.steps.filter((s) => s.target === "webhook").map((s) => [s.action, s.changes])).to.deep.equal([
      ["keep", []],
      ["update", ["appOfferingReferences"]],
      ["update", ["appOfferingReferences"]],
      ["update", ["appOfferingReferences"]],
    ]);
  });

  it("points the webhooks at our public URL for the four app-instance events", () => {
    expect(desired.webhooks.map((w) => w.event)).to.deep.equal([
      "app_instance.secrets-update",
      "app_instance.create",
      "app_instance.update",
      "app_instance.delete",
    ]);
    for (const w of desired.webhooks) expect(w.uri).to.equal("https://intune.example.com/webhooks/4me");
  });

  it("creates a new policy and moves the webhooks to it when the recorded public key is lost", () => {
    const plan = planPublish(
      published(desired),
      { webhookPolicyId: "pol-1", scopedWebhookIds: RECORD.scopedWebhookIds },
      desired,
    );
    expect(step(plan.steps, "webhook-policy")).to.deep.include({ action: "create" });
    expect(step(plan.steps, "webhook-policy").note).to.match(/public key of policy pol-1 was not recorded/);
    for (const e of PROVIDER_WEBHOOK_EVENTS) {
      expect(step(plan.steps, "webhook", e)).to.deep.include({ action: "update", changes: ["webhookPolicyId"] });
    }
  });

  it("creates a new policy, rather than update the algorithm, when the recorded one signs with another", () => {
    const state = published(desired);
    state.webhookPolicies = [{ ...state.webhookPolicies[0], jwtAlg: "es256" }];
    const plan = planPublish(state, RECORD, desired);
    expect(step(plan.steps, "webhook-policy")).to.deep.include({ action: "create" });
    expect(step(plan.steps, "webhook-policy").note).to.match(/pol-1 signs with ES256, not ES512/);
    for (const e of PROVIDER_WEBHOOK_EVENTS) {
      expect(step(plan.steps, "webhook", e)).to.deep.include({ action: "update", changes: ["webhookPolicyId"] });
    }
  });

  it("creates a new policy when the recorded one was deleted in 4me", () => {
    const state = { ...published(desired), webhookPolicies: [] };
    expect(step(planPublish(state, RECORD, desired).steps, "webhook-policy").note).to.match(/pol-1 no longer exists/);
  });

  it("updates a webhook whose URI moved, and nothing else", () => {
    const moved = desiredPublish({ ...config, publicUrl: "https://new.example.com" });
    const plan = planPublish(published(desired), RECORD, moved);
    const changed = plan.steps.filter((s) => s.action !== "keep");
    expect(changed.map((s) => [s.target, s.name, s.changes])).to.deep.equal(
      PROVIDER_WEBHOOK_EVENTS.map((e) => ["webhook", e, ["uri"]]),
    );
  });

  it("activates a new form version and points the offering at it when the form changed", () => {
    const changedForm = { ...desired, formExtension: { ...desired.formExtension, css: ".x{}" } };
    const plan = planPublish(published(desired), RECORD, changedForm);
    expect(step(plan.steps, "ui-extension")).to.deep.include({ action: "update", changes: ["css"] });
    expect(step(plan.steps, "app-offering")).to.deep.include({ action: "update", changes: ["uiExtensionVersionId"] });
  });

  it("updates the offering's scopes when they differ, regardless of order", () => {
    const reordered = {
      ...desired,
      scopes: [{ ...desired.scopes[0], actions: [...desired.scopes[0].actions].reverse() }],
    };
    expect(step(planPublish(published(desired), RECORD, reordered).steps, "app-offering").action).to.equal("keep");
    const fewer = { ...desired, scopes: [{ ...desired.scopes[0], actions: desired.scopes[0].actions.slice(1) }] };
    expect(step(planPublish(published(desired), RECORD, fewer).steps, "app-offering")).to.deep.include({
      action: "update",
      changes: ["scopes"],
    });
  });

  it("makes a new draft when only a published version exists, and says so", () => {
    const state = published(desired);
    state.offerings = state.offerings.map((o) => ({ ...o, published: true }));
    const s = step(planPublish(state, RECORD, desired).steps, "app-offering");
    expect(s.action).to.equal("create");
    expect(s.note).to.match(/new draft version/);
  });

  it("refuses to go on without the service instance 4me requires, naming it", () => {
    const plan = planPublish({ ...EMPTY, serviceInstanceId: undefined }, {}, desired);
    expect(plan.problems).to.have.length(1);
    expect(plan.problems[0]).to.contain(`"${desired.serviceInstanceName}" not found`);
  });

  it("plans the automation rules we ship by name", () => {
    const rule = { name: "R", description: "d", trigger: "on note added", condition: "true", actions: [] };
    const withRule = { ...desired, automationRules: [rule] };
    expect(step(planPublish(published(desired), RECORD, withRule).steps, "automation-rule", "R").action).to.equal(
      "create",
    );
    const state = published(desired);
    state.offerings[0].automationRules = [{ ...rule, id: "r-1" }];
    expect(step(planPublish(state, RECORD, withRule).steps, "automation-rule", "R").action).to.equal("keep");
    state.offerings[0].automationRules = [{ ...rule, condition: "false", id: "r-1" }];
    expect(step(planPublish(state, RECORD, withRule).steps, "automation-rule", "R").action).to.equal("update");
  });

  it("describes the plan in lines a person reads", () => {
    const lines = describePlan(planPublish({ ...EMPTY, serviceInstanceId: undefined }, {}, desired));
    expect(lines[0]).to.match(/^create webhook-policy provider webhook policy — no policy recorded yet/);
    expect(lines.at(-1)).to.match(/^problem: service instance/);
    expect(NEW_ID).to.equal("(new)");
  });
});

describe("desiredPublish", () => {
  it("refuses a server configuration that would reject the policy's ES512 tokens", () => {
    const strict = readConfig({ FOURME_PROVIDER_ACCOUNT: "wdc", FOURME_WEBHOOK_ALGORITHMS: "RS256" });
    expect(() => desiredPublish(strict)).to.throw(/must allow ES512/);
  });

  it("sends the logo as an SVG data URI and the form as a UI extension of category app_offering", () => {
    expect(desired.offering.pictureUri).to.match(/^data:image\/svg\+xml;base64,/);
    expect(desired.formExtension.category).to.equal("app_offering");
    expect(desired.formExtension.html).to.contain('id="import_active"');
  });
});
