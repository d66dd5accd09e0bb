// The payloads of 4me's app_instance.* webhooks (4me-platform.md §4.3, §4.4).
import type { AppInstanceRec, AppOfferingRec, WebhookPolicyRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";

export function offeringRef(o: AppOfferingRec) {
  return { reference: o.reference, id: o.n, nodeID: o.id };
}

/** app_instance.create / .update / .delete: the instance's state. Custom field values are not included. */
export function lifecyclePayload(
  store: FourMeStore,
  offering: AppOfferingRec,
  instance: AppInstanceRec,
  updated = false,
) {
  const rep = store.people.get(instance.customerRepresentativeId);
  const account = store.accounts.get(instance.customerAccount);
  return {
    app_offering: { ...offeringRef(offering), updated },
    customer_account_id: instance.customerAccount,
    disabled: instance.disabled,
    enabled_by_customer: instance.enabledByCustomer,
    suspended: instance.suspended,
    customer_representative: rep && {
      id: rep.n,
      nodeID: rep.id,
      name: rep.name,
      sourceID: rep.sourceID ?? null,
      disabled: rep.disabled,
      account: { id: instance.customerAccount, name: account?.name ?? instance.customerAccount },
    },
  };
}

/** app_instance.secrets-update: only the parts that changed (application, policy, secrets). */
export function secretsPayload(
  offering: AppOfferingRec,
  customer: string,
  parts: {
    application?: { nodeID?: string; clientId: string; clientSecret: string };
    policy?: WebhookPolicyRec;
    secrets?: Record<string, unknown>;
  },
): Record<string, unknown> {
  const { application, policy, secrets } = parts;
  return {
    app_offering: offeringRef(offering),
    customer_account_id: customer,
    ...(application && {
      application: {
        nodeID: application.nodeID,
        client_id: application.clientId,
        client_secret: application.clientSecret,
      },
    }),
    ...(policy && {
      policy: {
        nodeID: policy.id,
        algorithm: policy.jwtAlg.toUpperCase(),
        public_key: policy.publicKeyPem,
        audience: policy.jwtAudience ?? null,
      },
    }),
    ...(secrets && Object.keys(secrets).length > 0 && { secrets }),
  };
}
