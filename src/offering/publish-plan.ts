// What `npm run offering:publish` wants the provider account to hold, and the steps that get it there from what
// it holds now. Pure: values in, a plan out; publish.ts applies it and --dry-run prints it.
import { appOfferingChanges, ruleKey, sameAlgorithm, scopeKey, webhookChanges } from "../fourme/publish-diff.js";
import type {
  AppOffering,
  AppOfferingInput,
  AppOfferingScope,
  AutomationRule,
  UiExtension,
  UiExtensionInput,
  Webhook,
  WebhookInput,
  WebhookPolicy,
  WebhookPolicyInput,
} from "../fourme/provider-types.js";

/** The provider webhooks the connector serves (4me-platform.md §4.1, §4.3, §4.4). */
export const PROVIDER_WEBHOOK_EVENTS = [
  "app_instance.secrets-update",
  "app_instance.create",
  "app_instance.update",
  "app_instance.delete",
] as const;

/** What this tool recorded on an earlier run: 4me shows a policy's public key only in the answer that creates it. */
export interface PublishRecord {
  webhookPolicyId?: string;
  publicKeyPem?: string;
  /**
   * Webhooks this tool wrote with appOfferingReferences (our offering only). 4me takes the field but our reference
   * schema gives no way to read it back, so a webhook not listed here is rewritten once.
   */
  scopedWebhookIds?: string[];
}

/** The provider account as it stands. */
export interface ProviderState {
  webhookPolicies: WebhookPolicy[];
  webhooks: Webhook[];
  /** Our configuration form, found by its source/sourceID. */
  formExtension?: UiExtension;
  /** Every version of the offering with our reference. */
  offerings: AppOffering[];
  /** The service instance named in offering.json, when it exists in the provider account. */
  serviceInstanceId?: string;
}

export interface DesiredPublish {
  webhookPolicy: WebhookPolicyInput;
  /** Without webhookPolicyId: it is the policy's, known only once the policy exists. */
  webhooks: Omit<WebhookInput, "webhookPolicyId">[];
  formExtension: UiExtensionInput;
  /** Without the ids that come from other records (service instance, form version). */
  offering: Omit<AppOfferingInput, "serviceInstanceId" | "uiExtensionVersionId">;
  serviceInstanceName: string;
  scopes: AppOfferingScope[];
  automationRules: AutomationRule[];
}

export type PublishTarget = "webhook-policy" | "webhook" | "ui-extension" | "app-offering" | "automation-rule";
export type PublishAction = "create" | "update" | "keep";

export interface PublishStep {
  target: PublishTarget;
  /** What the step is about: the event of a webhook, the name of a rule, … */
  name: string;
  action: PublishAction;
  /** The fields that differ (update) or are set (create). */
  changes: string[];
  note?: string;
}

export interface PublishPlan {
  steps: PublishStep[];
  /** Reasons the plan cannot be applied; nothing is written while there are any. */
  problems: string[];
}

/** Placeholder for an id that exists only once an earlier step has created its record. */
export const NEW_ID = "(new)";

/** The webhook of an event we own: same event and name, else same event and URI (as ProviderApi.findWebhook). */
export function findOwnWebhook(webhooks: Webhook[], input: Omit<WebhookInput, "webhookPolicyId">): Webhook | undefined {
  const sameEvent = webhooks.filter((w) => w.event === input.event);
  return (
    sameEvent.find((w) => input.name !== undefined && w.name === input.name) ??
    sameEvent.find((w) => w.uri === input.uri)
  );
}

/** The recorded policy, if it still exists and we still hold its public key. */
export function ownPolicy(state: ProviderState, record: PublishRecord): WebhookPolicy | undefined {
  if (!record.webhookPolicyId || !record.publicKeyPem) return undefined;
  return state.webhookPolicies.find((p) => p.id === record.webhookPolicyId);
}

export function planPublish(state: ProviderState, record: PublishRecord, desired: DesiredPublish): PublishPlan {
  const steps: PublishStep[] = [];
  const problems: string[] = [];

  // 1. The webhook policy. Without its public key the server cannot verify a webhook, so a policy whose key we
  //    did not record is of no use: a new one is created and the webhooks move to it.
  const recorded = ownPolicy(state, record);
  // A policy of another algorithm is replaced, not updated: see ProviderApi.findOrCreateWebhookPolicy.
  const policy = recorded && sameAlgorithm(recorded, desired.webhookPolicy) ? recorded : undefined;
  let policyId = policy?.id ?? NEW_ID;
  if (!policy) {
    const why = !record.webhookPolicyId
      ? "no policy recorded yet"
      : !record.publicKeyPem
        ? `the public key of policy ${record.webhookPolicyId} was not recorded`
        : recorded
          ? `policy ${recorded.id} signs with ${String(recorded.jwtAlg).toUpperCase()}, not ` +
            `${desired.webhookPolicy.jwtAlg.toUpperCase()}, and a new algorithm needs a new key, which 4me shows only ` +
            "when it creates a policy"
          : `policy ${record.webhookPolicyId} no longer exists`;
    steps.push({
      target: "webhook-policy",
      name: "provider webhook policy",
      action: "create",
      changes: Object.keys(desired.webhookPolicy),
      note: `${why}; 4me shows the new public key once: it is printed and recorded`,
    });
  } else {
    const changes = policyChanges(policy, desired.webhookPolicy);
    steps.push({
      target: "webhook-policy",
      name: "provider webhook policy",
      action: changes.length ? "update" : "keep",
      changes,
    });
    policyId = policy.id;
  }

  // 2. The provider webhooks, each pointing at our public URL and signed with that policy.
  for (const wanted of desired.webhooks) {
    const input: WebhookInput = { ...wanted, webhookPolicyId: policyId };
    const existing = findOwnWebhook(state.webhooks, wanted);
    if (!existing) {
      steps.push({ target: "webhook", name: wanted.event, action: "create", changes: Object.keys(input) });
      continue;
    }
    const changes = webhookChanges(existing, input);
    if (needsScope(record, existing.id, wanted)) changes.push("appOfferingReferences");
    steps.push({ target: "webhook", name: wanted.event, action: changes.length ? "update" : "keep", changes });
  }

  // 3. The configuration form. An update prepares a new version and activates it; the record stays the same.
  const form = state.formExtension;
  const formChanges = form ? uiExtensionChanges(form, desired.formExtension) : [];
  steps.push({
    target: "ui-extension",
    name: desired.formExtension.name,
    action: !form ? "create" : formChanges.length ? "update" : "keep",
    changes: form ? formChanges : ["html", "css", "javascript"],
  });

  // 4. The offering: its draft if there is one, else a new draft (a published version is never edited here).
  const draft = state.offerings.find((o) => !o.published);
  const serviceInstanceId = draft?.serviceInstanceId ?? state.serviceInstanceId;
  if (!serviceInstanceId) {
    problems.push(
      `service instance "${desired.serviceInstanceName}" not found in the provider account: create it (4me requires ` +
        "one for the app offering), or rename serviceInstanceName in app-offering/offering.json",
    );
  }
  const formVersionId = !form || formChanges.length > 0 ? NEW_ID : (form.activeVersion?.id ?? NEW_ID);
  const offeringInput: AppOfferingInput = {
    ...desired.offering,
    serviceInstanceId: serviceInstanceId ?? NEW_ID,
    uiExtensionVersionId: formVersionId,
  };
  if (!draft) {
    const published = state.offerings.some((o) => o.published);
    steps.push({
      target: "app-offering",
      name: desired.offering.reference,
      action: "create",
      changes: [...Object.keys(offeringInput), "scopes"],
      note: published
        ? "a new draft version; customers get it once you publish it in 4me"
        : "a draft; publish it in 4me",
    });
  } else {
    // A form version made in this run is new by definition (NEW_ID), so the offering then points at it.
    const changes = appOfferingChanges(draft, offeringInput);
    if (scopeKey(draft.scopes) !== scopeKey(desired.scopes)) changes.push("scopes");
    steps.push({
      target: "app-offering",
      name: desired.offering.reference,
      action: changes.length ? "update" : "keep",
      changes,
    });
  }

  // 5. The automation rules we ship, matched by name. Rules of other names are left alone.
  for (const rule of desired.automationRules) {
    const existing = draft?.automationRules.find((r) => r.name === rule.name);
    steps.push({
      target: "automation-rule",
      name: rule.name,
      action: !existing ? "create" : ruleKey(existing) === ruleKey(rule) ? "keep" : "update",
      changes: !existing ? ["rule"] : ruleKey(existing) === ruleKey(rule) ? [] : ["rule"],
    });
  }

  return { steps, problems };
}

/** Whether a webhook must be written to limit it to our offering: the record does not show it was. */
export function needsScope(
  record: PublishRecord,
  webhookId: string,
  wanted: Pick<WebhookInput, "appOfferingReferences">,
) {
  return !!wanted.appOfferingReferences?.length && !record.scopedWebhookIds?.includes(webhookId);
}

function policyChanges(existing: WebhookPolicy, input: WebhookPolicyInput): string[] {
  const changes: string[] = [];
  if ((existing.jwtAlg ?? "").toLowerCase() !== input.jwtAlg) changes.push("jwtAlg");
  if ((existing.jwtAudience ?? undefined) !== input.jwtAudience) changes.push("jwtAudience");
  if (input.jwtClaimExpiresIn !== undefined && existing.jwtClaimExpiresIn !== input.jwtClaimExpiresIn) {
    changes.push("jwtClaimExpiresIn");
  }
  if (existing.disabled !== (input.disabled ?? false)) changes.push("disabled");
  return changes;
}

/** Fields of the form whose active version or record differs from what we ship. */
export function uiExtensionChanges(existing: UiExtension, input: UiExtensionInput): string[] {
  const active = existing.activeVersion;
  const changes: string[] = [];
  if ((active?.html ?? "") !== input.html) changes.push("html");
  if ((active?.css ?? "") !== (input.css ?? "")) changes.push("css");
  if ((active?.javascript ?? "") !== (input.javascript ?? "")) changes.push("javascript");
  if (input.name !== existing.name) changes.push("name");
  if (input.title !== undefined && input.title !== existing.title) changes.push("title");
  if (existing.disabled) changes.push("disabled");
  return changes;
}

/** The plan as lines a person reads; `--dry-run` prints this and nothing is written. */
export function describePlan(plan: PublishPlan): string[] {
  const verb: Record<PublishAction, string> = { create: "create", update: "update", keep: "keep  " };
  const lines = plan.steps.map((s) => {
    const what = s.changes.length && s.action === "update" ? ` (${s.changes.join(", ")})` : "";
    return `${verb[s.action]} ${s.target} ${s.name}${what}${s.note ? ` — ${s.note}` : ""}`;
  });
  for (const p of plan.problems) lines.push(`problem: ${p}`);
  return lines;
}
