// `npm run offering:publish`: provisions the provider account from app-offering/ — the webhook policy, the provider
// webhooks, the configuration form and the app offering — through the provider API. Plan first (publish-plan.ts),
// then apply; re-running changes nothing when nothing differs. `dryRun` stops after the plan.
import type {
  AppOffering,
  AppOfferingInput,
  AppOfferingScope,
  AutomationRule,
  UiExtension,
  UiExtensionInput,
  UpsertAction,
  Webhook,
  WebhookInput,
  WebhookPolicy,
  WebhookPolicyInput,
} from "../fourme/index.js";
import {
  findOwnWebhook,
  NEW_ID,
  needsScope,
  ownPolicy,
  planPublish,
  type DesiredPublish,
  type PublishPlan,
  type PublishRecord,
} from "./publish-plan.js";
import {
  settleVerification,
  type VerificationDeps,
  type WebhookVerification,
  type WrittenWebhook,
} from "./webhook-verification.js";

/** The provider-account operations publishing needs; ProviderApi (src/fourme/provider-api.ts) provides them. */
export interface PublishPort {
  listWebhookPolicies(): Promise<WebhookPolicy[]>;
  findOrCreateWebhookPolicy(
    input: WebhookPolicyInput,
    knownId?: string,
  ): Promise<{ policy: WebhookPolicy; publicKeyPem?: string; action: UpsertAction }>;
  listWebhooks(): Promise<Webhook[]>;
  upsertWebhook(
    input: WebhookInput,
    known?: Webhook[],
    rewrite?: boolean,
  ): Promise<{ webhook: Webhook; action: UpsertAction }>;
  findUiExtension(source: string, sourceID: string): Promise<UiExtension | undefined>;
  upsertUiExtension(input: UiExtensionInput): Promise<{ uiExtension: UiExtension; action: UpsertAction }>;
  findAppOfferings(reference?: string): Promise<AppOffering[]>;
  upsertAppOffering(
    input: AppOfferingInput,
    scopes: AppOfferingScope[],
  ): Promise<{ offering: AppOffering; action: UpsertAction; changed: string[] }>;
  upsertAutomationRule(offering: AppOffering, rule: AutomationRule): Promise<{ id: string; action: UpsertAction }>;
}

export interface PublishDeps {
  api: PublishPort;
  /** The id of the provider account's service instance with this name, if it exists. */
  findServiceInstanceId(name: string): Promise<string | undefined>;
  readRecord(): Promise<PublishRecord>;
  /** Called as soon as a policy is created, before anything else is written: its key is shown only once. */
  saveRecord(record: PublishRecord): Promise<void>;
  /** Which provider webhooks the server verified; without it, verification is not reported. */
  verification?: VerificationDeps;
}

export interface PublishResult {
  target: string;
  name: string;
  action: UpsertAction;
}

export interface PublishOutcome {
  plan: PublishPlan;
  /** What was done, in order; empty for a dry run. */
  results: PublishResult[];
  /** The public key of a policy created in this run: configure the server with it (FOURME_WEBHOOK_PUBLIC_KEY). */
  newPublicKeyPem?: string;
  /** The recorded policy that the new one replaces (its algorithm differed); its key no longer verifies webhooks. */
  replacedPolicy?: { id: string; jwtAlg?: string };
  offeringId?: string;
  /** Where each provider webhook stands after this run: 4me delivers only to verified ones. */
  verification?: WebhookVerification[];
}

export class PublishError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot publish: ${problems.join("; ")}`);
    this.name = "PublishError";
  }
}

export async function publish(
  deps: PublishDeps,
  desired: DesiredPublish,
  options: { dryRun: boolean },
): Promise<PublishOutcome> {
  const { api } = deps;
  const [record, webhookPolicies, webhooks, formExtension, offerings, serviceInstanceId] = await Promise.all([
    deps.readRecord(),
    api.listWebhookPolicies(),
    api.listWebhooks(),
    api.findUiExtension(desired.formExtension.source, desired.formExtension.sourceID),
    api.findAppOfferings(desired.offering.reference),
    deps.findServiceInstanceId(desired.serviceInstanceName),
  ]);
  const state = { webhookPolicies, webhooks, formExtension, offerings, serviceInstanceId };
  const plan = planPublish(state, record, desired);
  if (options.dryRun) return { plan, results: [] };
  if (plan.problems.length > 0) throw new PublishError(plan.problems);

  const results: PublishResult[] = [];
  let current: PublishRecord = record;

  // 1. Policy. A policy without a recorded key is useless to the server, so only a recorded one is reused.
  const known = ownPolicy(state, record)?.id;
  const policy = await api.findOrCreateWebhookPolicy(desired.webhookPolicy, known);
  if (policy.publicKeyPem) {
    current = { ...current, webhookPolicyId: policy.policy.id, publicKeyPem: policy.publicKeyPem };
    await deps.saveRecord(current);
  }
  results.push({ target: "webhook-policy", name: "provider webhook policy", action: policy.action });

  // 2. Webhooks, signed with that policy and limited to our offering.
  const scoped = new Set(current.scopedWebhookIds ?? []);
  const written: WrittenWebhook[] = [];
  for (const wanted of desired.webhooks) {
    const input = { ...wanted, webhookPolicyId: policy.policy.id };
    const existing = findOwnWebhook(webhooks, wanted);
    const { webhook, action } = await api.upsertWebhook(
      input,
      webhooks,
      !!existing && needsScope(current, existing.id, wanted),
    );
    results.push({ target: "webhook", name: wanted.event, action });
    written.push({ event: wanted.event, webhook, input, written: action !== "unchanged" });
    if (wanted.appOfferingReferences?.length) scoped.add(webhook.id);
  }
  if ([...scoped].some((id) => !current.scopedWebhookIds?.includes(id))) {
    current = { ...current, scopedWebhookIds: [...scoped] };
    await deps.saveRecord(current);
  }

  // 3. The configuration form; the offering points at its active version.
  const form = await api.upsertUiExtension(desired.formExtension);
  results.push({ target: "ui-extension", name: desired.formExtension.name, action: form.action });
  const formVersionId = form.uiExtension.activeVersion?.id;

  // 4. The offering (its draft, or a new draft) with its scopes.
  const draft = offerings.find((o) => !o.published);
  const siId = draft?.serviceInstanceId ?? serviceInstanceId;
  if (!siId || siId === NEW_ID) throw new PublishError([`service instance "${desired.serviceInstanceName}" not found`]);
  const offering = await api.upsertAppOffering(
    { ...desired.offering, serviceInstanceId: siId, ...(formVersionId ? { uiExtensionVersionId: formVersionId } : {}) },
    desired.scopes,
  );
  results.push({ target: "app-offering", name: desired.offering.reference, action: offering.action });

  // 5. Automation rules we ship (none today; see offering.json).
  for (const rule of desired.automationRules) {
    const { action } = await api.upsertAutomationRule(offering.offering, rule);
    results.push({ target: "automation-rule", name: rule.name, action });
  }

  // 6. Verification: 4me delivers nothing to a webhook until the server answered its webhook.verify.
  const verification =
    deps.verification &&
    (await settleVerification(written, (i, k, r) => api.upsertWebhook(i, k, r), deps.verification));

  const before = known ? webhookPolicies.find((p) => p.id === known) : undefined;
  const replacedPolicy =
    before && policy.publicKeyPem && before.id !== policy.policy.id
      ? { id: before.id, jwtAlg: before.jwtAlg }
      : undefined;
  return {
    plan,
    results,
    newPublicKeyPem: policy.publicKeyPem,
    replacedPolicy,
    offeringId: offering.offering.id,
    verification,
  };
}
