// Operations in the provider account (provider token): the app instances of our offering, and what the publish
// tool provisions (webhook policy, webhooks, the form's UI extension, the offering and its automation rules).
import { UpstreamError } from "../errors.js";
import { toAppInstance, toAppOffering, toWebhook, toWebhookPolicy } from "./convert.js";
import { collectPages, type FourMeGraphQLClient } from "./graphql-client.js";
import type {
  AppInstance,
  AppInstancePatch,
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
} from "./types.js";
import { appOfferingChanges, ruleKey, sameAlgorithm, scopeKey, webhookChanges } from "./publish-diff.js";
import { findUiExtension, upsertUiExtension } from "./ui-extensions.js";

/** What the administrator reads in 4me when the customer's app credentials stopped working. */
export function invalidCredentialsComment(customerAccount: string): string {
  return (
    `4me refused the connector's OAuth application credentials for account ${customerAccount} (invalid_client), so ` +
    "synchronisation stopped. Rotate the app's token (or re-enable its OAuth application) in Settings → App Instances, " +
    "then unsuspend this app instance."
  );
}

export class ProviderApi {
  constructor(
    private readonly client: FourMeGraphQLClient,
    readonly offeringReference: string,
  ) {}

  // ------------------------------------------------------------------ app instances

  /** Node id of the person the provider token acts as (`me`); undefined when 4me names none. */
  async ownPersonId(): Promise<string | undefined> {
    return (await this.client.sdk.Me()).me?.id ?? undefined;
  }

  /** Our offering's instance in that customer account; undefined when 4me shows none (yet). */
  async getAppInstance(customerAccount: string): Promise<AppInstance | undefined> {
    const data = await this.client.sdk.AppInstanceByCustomer({ customerAccount, reference: this.offeringReference });
    const nodes = (data.appInstances.nodes ?? []).flatMap((n) => (n ? [toAppInstance(n)] : []));
    return nodes.find((n) => n.customerAccount === customerAccount);
  }

  /** Instances that may run: enabled by the customer, neither disabled nor suspended. */
  async listActiveAppInstances(): Promise<AppInstance[]> {
    const nodes = await collectPages(async (after) => {
      const data = await this.client.sdk.ActiveAppInstances({ reference: this.offeringReference, after });
      return data.appInstances;
    });
    return nodes.map(toAppInstance);
  }

  /** Writes only what the patch holds; custom fields not listed keep their values. */
  async updateAppInstance(id: string, patch: AppInstancePatch): Promise<AppInstance> {
    const data = await this.client.sdk.AppInstanceUpdate({
      input: {
        id,
        customFields: patch.customFields,
        suspended: patch.suspended,
        suspensionComment: patch.suspensionComment,
      },
    });
    const instance = data.appInstanceUpdate?.appInstance;
    if (!instance) throw new UpstreamError("appInstanceUpdate returned no app instance");
    return toAppInstance(instance);
  }

  /** Suspends the instance with a comment telling the administrator what to do (see invalidCredentialsComment). */
  suspendInstance(id: string, comment: string): Promise<AppInstance> {
    return this.updateAppInstance(id, { suspended: true, suspensionComment: comment.slice(0, 60_000) });
  }

  /**
   * After 4me answered `invalid_client` for a customer's credentials: suspends that customer's instance with a
   * comment saying what to do. Resolves undefined when 4me shows no instance for the account.
   */
  async suspendForInvalidCredentials(
    customerAccount: string,
    appInstanceId?: string,
  ): Promise<AppInstance | undefined> {
    const id = appInstanceId ?? (await this.getAppInstance(customerAccount))?.id;
    if (!id) return undefined;
    return this.suspendInstance(id, invalidCredentialsComment(customerAccount));
  }

  // ------------------------------------------------------------------ webhook policy and webhooks

  async listWebhookPolicies(): Promise<WebhookPolicy[]> {
    const nodes = await collectPages(
      async (after) => (await this.client.sdk.WebhookPolicies({ after })).webhookPolicies,
    );
    return nodes.map(toWebhookPolicy);
  }

  /** Creates a policy. The answer is the only time 4me hands out its public key: store it. */
  async createWebhookPolicy(input: WebhookPolicyInput): Promise<WebhookPolicy & { publicKeyPem: string }> {
    const data = await this.client.sdk.WebhookPolicyCreate({ input });
    const policy = data.webhookPolicyCreate?.webhookPolicy;
    if (!policy?.publicKeyPem) throw new UpstreamError("webhookPolicyCreate returned no public key");
    return { ...toWebhookPolicy(policy), publicKeyPem: policy.publicKeyPem };
  }

  async updateWebhookPolicy(id: string, patch: Partial<WebhookPolicyInput>): Promise<WebhookPolicy> {
    const data = await this.client.sdk.WebhookPolicyUpdate({ input: { id, ...patch } });
    const policy = data.webhookPolicyUpdate?.webhookPolicy;
    if (!policy) throw new UpstreamError("webhookPolicyUpdate returned no webhook policy");
    return toWebhookPolicy(policy);
  }

  /**
   * The policy with `knownId` (updated to `input` when it differs), or a new one when that id is unknown or absent.
   * `publicKeyPem` is set only when the policy was created now.
   */
  async findOrCreateWebhookPolicy(
    input: WebhookPolicyInput,
    knownId?: string,
  ): Promise<{ policy: WebhookPolicy; publicKeyPem?: string; action: UpsertAction }> {
    const existing = knownId ? (await this.listWebhookPolicies()).find((p) => p.id === knownId) : undefined;
    // Another algorithm means another key pair, and 4me shows a policy's public key only when it creates the policy:
    // updating jwtAlg would leave us without the key that signs the webhooks. So a new policy it is.
    if (!existing || !sameAlgorithm(existing, input)) {
      const { publicKeyPem, ...policy } = await this.createWebhookPolicy(input);
      return { policy, publicKeyPem, action: "created" };
    }
    const same =
      existing.jwtAlg === input.jwtAlg &&
      (existing.jwtAudience ?? undefined) === input.jwtAudience &&
      existing.jwtClaimExpiresIn === input.jwtClaimExpiresIn &&
      existing.disabled === (input.disabled ?? false);
    if (same) return { policy: existing, action: "unchanged" };
    return { policy: await this.updateWebhookPolicy(existing.id, { disabled: false, ...input }), action: "updated" };
  }

  async listWebhooks(): Promise<Webhook[]> {
    const nodes = await collectPages(async (after) => (await this.client.sdk.Webhooks({ after })).webhooks);
    return nodes.map(toWebhook);
  }

  /** The webhook for this event, matched by event and name, else by event and URI. */
  findWebhook(webhooks: Webhook[], input: WebhookInput): Webhook | undefined {
    const sameEvent = webhooks.filter((w) => w.event === input.event);
    return (
      sameEvent.find((w) => input.name !== undefined && w.name === input.name) ??
      sameEvent.find((w) => w.uri === input.uri)
    );
  }

  /**
   * Creates the webhook or brings it in line with `input` (URI, policy, name, enabled). `rewrite`: update it even
   * when nothing readable differs (a write-only field such as appOfferingReferences may).
   */
  async upsertWebhook(
    input: WebhookInput,
    known?: Webhook[],
    rewrite = false,
  ): Promise<{ webhook: Webhook; action: UpsertAction }> {
    const existing = this.findWebhook(known ?? (await this.listWebhooks()), input);
    if (!existing) {
      const data = await this.client.sdk.WebhookCreate({ input });
      const webhook = data.webhookCreate?.webhook;
      if (!webhook) throw new UpstreamError("webhookCreate returned no webhook");
      return { webhook: toWebhook(webhook), action: "created" };
    }
    if (!rewrite && webhookChanges(existing, input).length === 0) return { webhook: existing, action: "unchanged" };
    const data = await this.client.sdk.WebhookUpdate({ input: { id: existing.id, disabled: false, ...input } });
    const webhook = data.webhookUpdate?.webhook;
    if (!webhook) throw new UpstreamError("webhookUpdate returned no webhook");
    return { webhook: toWebhook(webhook), action: "updated" };
  }

  // ------------------------------------------------------------------ UI extension (the configuration form)

  findUiExtension(source: string, sourceID: string): Promise<UiExtension | undefined> {
    return findUiExtension(this.client, source, sourceID);
  }

  upsertUiExtension(input: UiExtensionInput): Promise<{ uiExtension: UiExtension; action: UpsertAction }> {
    return upsertUiExtension(this.client, input);
  }

  // ------------------------------------------------------------------ app offering

  /** Every version of the offering with this reference; the draft is the one with `published: false`. */
  async findAppOfferings(reference = this.offeringReference): Promise<AppOffering[]> {
    const data = await this.client.sdk.AppOfferings({ reference });
    return (data.appOfferings.nodes ?? []).flatMap((n) => (n ? [toAppOffering(n)] : []));
  }

  /**
   * Creates the draft offering, or updates the existing draft where it differs from `input`. Scopes are replaced as
   * a whole when their set differs. Returns the names of the fields written.
   */
  async upsertAppOffering(
    input: AppOfferingInput,
    scopes: AppOfferingScope[],
  ): Promise<{ offering: AppOffering; action: UpsertAction; changed: string[] }> {
    const draft = (await this.findAppOfferings(input.reference)).find((o) => !o.published);
    const newScopes = scopes.map(({ actions, effect, grantType, conditions }) => ({
      actions,
      effect,
      grantType,
      conditions,
    }));
    if (!draft) {
      const data = await this.client.sdk.AppOfferingCreate({ input: { ...input, newScopes } });
      const created = data.appOfferingCreate?.appOffering;
      if (!created) throw new UpstreamError("appOfferingCreate returned no app offering");
      return { offering: toAppOffering(created), action: "created", changed: Object.keys(input) };
    }
    const changed = appOfferingChanges(draft, input);
    const scopesChanged = scopeKey(draft.scopes) !== scopeKey(scopes);
    if (changed.length === 0 && !scopesChanged) return { offering: draft, action: "unchanged", changed: [] };
    const patch: Record<string, unknown> = Object.fromEntries(
      changed.map((k) => [k, input[k as keyof AppOfferingInput]]),
    );
    const data = await this.client.sdk.AppOfferingUpdate({
      input: {
        id: draft.id,
        ...patch,
        ...(scopesChanged ? { newScopes, scopesToDelete: draft.scopes.flatMap((s) => (s.id ? [s.id] : [])) } : {}),
      },
    });
    const updated = data.appOfferingUpdate?.appOffering;
    if (!updated) throw new UpstreamError("appOfferingUpdate returned no app offering");
    return {
      offering: toAppOffering(updated),
      action: "updated",
      changed: scopesChanged ? [...changed, "scopes"] : changed,
    };
  }

  /** Creates the rule on the offering, or updates the rule of that name when it differs. */
  async upsertAutomationRule(
    offering: AppOffering,
    rule: AutomationRule,
  ): Promise<{ id: string; action: UpsertAction }> {
    const existing = offering.automationRules.find((r) => r.name === rule.name);
    const fields = { ...rule, id: undefined };
    if (!existing) {
      const data = await this.client.sdk.AppOfferingAutomationRuleCreate({
        input: { ...fields, appOfferingId: offering.id },
      });
      const id = data.appOfferingAutomationRuleCreate?.appOfferingAutomationRule?.id;
      if (!id) throw new UpstreamError("appOfferingAutomationRuleCreate returned no rule");
      return { id, action: "created" };
    }
    if (ruleKey(existing) === ruleKey(rule)) return { id: existing.id, action: "unchanged" };
    await this.client.sdk.AppOfferingAutomationRuleUpdate({ input: { ...fields, id: existing.id } });
    return { id: existing.id, action: "updated" };
  }
}
