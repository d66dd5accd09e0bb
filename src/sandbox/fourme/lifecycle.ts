// The App Store side of 4me, played by the simulator: a customer installs the app, saves its form, changes its
// state or removes it, and 4me tells the provider through signed webhooks (4me-platform.md §4.1–§4.4).
import { mergeCustomFields } from "./custom-fields.js";
import { lifecyclePayload, offeringRef, secretsPayload } from "./lifecycle-payloads.js";
import { syncClientWithInstance, type OauthService } from "./oauth.js";
import { offeringForm } from "./resolvers/apps.js";
import type { AppInstanceRec, AppOfferingRec, PersonRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { generatePolicyKeys } from "./webhooks/keys.js";
import type { Delivery, WebhookSender } from "./webhooks/sender.js";

export interface Installation {
  customerAccount: string;
  appInstanceId: string;
  clientId: string;
  clientSecret: string;
  policyId: string;
  /** PEM of the customer's webhook policy (also sent in secrets-update). */
  policyPublicKeyPem: string;
  representativeId: string;
}

export interface InstallOptions {
  customFields?: { id: string; value: unknown }[];
  /** Values of `data-secret` form fields: sent in secrets-update, never stored. */
  secrets?: Record<string, string>;
  customerName?: string;
}

export class AppLifecycle {
  readonly installations = new Map<string, Installation>();

  constructor(
    private readonly store: FourMeStore,
    private readonly oauth: OauthService,
    private readonly sender: WebhookSender,
    readonly providerAccount: string,
    private readonly offering: () => AppOfferingRec,
  ) {}

  /** Sends `event` to every enabled provider webhook for it. */
  async sendWebhook(
    event: string,
    payload: Record<string, unknown>,
    instance?: AppInstanceRec,
    person?: PersonRec,
  ): Promise<Delivery[]> {
    const hooks = this.hooksFor(event);
    if (hooks.length === 0)
      throw new Error(
        `no enabled webhook for ${event} in ${this.providerAccount}; set the connector's webhook URL first`,
      );
    const out: Delivery[] = [];
    for (const w of hooks) out.push(await this.sender.send(w, event, payload, { object: instance, person }));
    return out;
  }

  /**
   * app_instance.update after a change through the API (appInstanceUpdate), by `person`: the provider's own API
   * person when the connector wrote its run summary. Sent only where a webhook subscribes to it.
   */
  async announceUpdate(instance: AppInstanceRec, person?: PersonRec): Promise<Delivery[]> {
    if (!this.hooksFor("app_instance.update").length) return [];
    return this.sendWebhook("app_instance.update", this.lifecyclePayload(instance), instance, person);
  }

  /**
   * The provider's enabled, verified webhooks for `event` that apply to our offering: 4me's webhooks take the app offerings
   * they apply to (appOfferingReferences; none means every offering of the account).
   */
  private hooksFor(event: string) {
    const reference = this.offering().reference;
    return (
      this.store.webhooks
        .inAccount(this.providerAccount)
        // An unverified webhook is inactive: 4me delivers to it only once its webhook.verify callback was called.
        .filter((w) => w.event === event && !w.disabled && w.verified)
        .filter((w) => !w.appOfferingReferences?.length || w.appOfferingReferences.includes(reference))
    );
  }

  private installation(customer: string): Installation {
    const found = this.installations.get(customer);
    if (!found) throw new Error(`the app is not installed in ${customer}`);
    return found;
  }

  private instance(customer: string): AppInstanceRec {
    const rec = this.store.appInstances.get(this.installation(customer).appInstanceId);
    if (!rec) throw new Error(`the app instance of ${customer} is gone`);
    return rec;
  }

  private split(fields: { id: string; value: unknown }[] = []) {
    const form = offeringForm(this.store, this.offering());
    for (const f of fields) {
      if (form && !form.some((d) => d.id === f.id)) throw new Error(`the form has no field ${f.id}`);
    }
    const isSecret = (id: string) => form?.some((d) => d.id === id && d.secret) ?? false;
    return { stored: fields.filter((f) => !isSecret(f.id)), secret: fields.filter((f) => isSecret(f.id)) };
  }

  private lifecyclePayload(instance: AppInstanceRec): Record<string, unknown> {
    return lifecyclePayload(this.store, this.offering(), instance);
  }

  private offeringRef() {
    return offeringRef(this.offering());
  }

  /** Installs the app in `customer`: app instance, OAuth application, webhook policy; then secrets-update and create. */
  async installApp(
    customer: string,
    opts: InstallOptions = {},
  ): Promise<{ installation: Installation; deliveries: Delivery[] }> {
    if (this.installations.has(customer)) throw new Error(`the app is already installed in ${customer}`);
    this.store.ensureAccount(customer, opts.customerName);
    const offering = this.offering();
    const { stored, secret } = this.split(opts.customFields);
    const rep = this.store.people.insert(customer, {
      name: `${customer} administrator`,
      primaryEmail: `admin@${customer}.example`,
      disabled: false,
    });
    const instance = this.store.appInstances.insert(this.providerAccount, {
      appOfferingId: offering.id,
      customerAccount: customer,
      customFields: mergeCustomFields([], stored),
      disabled: false,
      enabledByCustomer: true,
      suspended: false,
      customerRepresentativeId: rep.id,
    });
    const creds = this.oauth.createClient(customer, `${offering.name ?? offering.reference} app`);
    this.store.appInstances.update(instance, { oauthClientId: creds.clientId }, false);
    const alg = offering.policyJwtAlg ?? "es512";
    const policy = this.store.webhookPolicies.insert(customer, {
      jwtAlg: alg,
      jwtAudience: offering.policyJwtAudience,
      disabled: false,
      ...(await generatePolicyKeys(alg)),
    });
    if (offering.webhookUriTemplate) {
      this.store.webhooks.insert(customer, {
        event: "automation_rule",
        uri: offering.webhookUriTemplate.replaceAll("{account}", customer),
        name: offering.name,
        disabled: false,
        webhookPolicyId: policy.id,
        verified: true,
      });
    }
    const installation: Installation = {
      customerAccount: customer,
      appInstanceId: instance.id,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      policyId: policy.id,
      policyPublicKeyPem: policy.publicKeyPem,
      representativeId: rep.id,
    };
    this.installations.set(customer, installation);
    const secrets = { ...opts.secrets, ...Object.fromEntries(secret.map((f) => [f.id, f.value])) };
    const application = { nodeID: this.oauth.client(creds.clientId)?.id, ...creds };
    const payload = secretsPayload(offering, customer, { application, policy, secrets });
    const deliveries = await this.sendWebhook("app_instance.secrets-update", payload, instance, rep);
    deliveries.push(...(await this.sendWebhook("app_instance.create", this.lifecyclePayload(instance), instance, rep)));
    return { installation, deliveries };
  }

  /** The administrator saves the form: stored fields change, secret fields go out in secrets-update, then update. */
  async saveForm(
    customer: string,
    customFields: { id: string; value: unknown }[],
    opts: { secrets?: Record<string, string> } = {},
  ): Promise<Delivery[]> {
    const instance = this.instance(customer);
    const rep = this.store.people.get(instance.customerRepresentativeId);
    const { stored, secret } = this.split(customFields);
    this.store.appInstances.update(instance, { customFields: mergeCustomFields(instance.customFields, stored) });
    const secrets = { ...opts.secrets, ...Object.fromEntries(secret.map((f) => [f.id, f.value])) };
    const out: Delivery[] = [];
    if (Object.keys(secrets).length) {
      const payload = secretsPayload(this.offering(), customer, { secrets });
      out.push(...(await this.sendWebhook("app_instance.secrets-update", payload, instance, rep)));
    }
    out.push(...(await this.sendWebhook("app_instance.update", this.lifecyclePayload(instance), instance, rep)));
    return out;
  }

  /** The customer rotates the app's OAuth secret: the old one stops working; secrets-update carries only `application`. */
  async rotateClientSecret(customer: string): Promise<Delivery[]> {
    const inst = this.installation(customer);
    const instance = this.instance(customer);
    inst.clientSecret = this.oauth.rotateSecret(inst.clientId);
    const application = {
      nodeID: this.oauth.client(inst.clientId)?.id,
      clientId: inst.clientId,
      clientSecret: inst.clientSecret,
    };
    const payload = secretsPayload(this.offering(), customer, { application });
    return this.sendWebhook(
      "app_instance.secrets-update",
      payload,
      instance,
      this.store.people.get(instance.customerRepresentativeId),
    );
  }

  /** The customer (or 4me) changes the instance's state; the provider hears app_instance.update. */
  async setInstanceState(
    customer: string,
    state: { disabled?: boolean; suspended?: boolean; enabledByCustomer?: boolean; suspensionComment?: string },
  ): Promise<Delivery[]> {
    const instance = this.store.appInstances.update(this.instance(customer), state);
    if (state.disabled !== undefined) syncClientWithInstance(this.store, instance);
    return this.sendWebhook(
      "app_instance.update",
      this.lifecyclePayload(instance),
      instance,
      this.store.people.get(instance.customerRepresentativeId),
    );
  }

  /** Removes the app: the instance and the customer's OAuth application go, and the provider hears app_instance.delete. */
  async uninstall(customer: string): Promise<Delivery[]> {
    const inst = this.installation(customer);
    const instance = this.instance(customer);
    const payload = this.lifecyclePayload(instance);
    this.oauth.disableClient(inst.clientId);
    for (const w of this.store.webhooks.inAccount(customer))
      if (w.webhookPolicyId === inst.policyId) this.store.webhooks.update(w, { disabled: true });
    this.store.appInstances.remove(instance);
    this.installations.delete(customer);
    return this.sendWebhook(
      "app_instance.delete",
      payload,
      instance,
      this.store.people.get(instance.customerRepresentativeId),
    );
  }

  /** An automation rule in the customer account calls the offering's webhook, signed with the customer's policy. */
  async sendAutomationRuleWebhook(customer: string, payload: Record<string, unknown>): Promise<Delivery> {
    const inst = this.installation(customer);
    const webhook = this.store.webhooks
      .inAccount(customer)
      .find((w) => w.webhookPolicyId === inst.policyId && !w.disabled);
    if (!webhook) throw new Error(`the offering has no webhookUriTemplate, so ${customer} has no app webhook`);
    return this.sender.send(webhook, "automation_rule", {
      ...payload,
      app_offering: { ...this.offeringRef(), updated: false },
      customer_account_id: customer,
    });
  }
}
