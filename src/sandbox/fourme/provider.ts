// The provider account as it stands after the provider's one-time bootstrap (4me-platform.md §4.2): an OAuth
// application, the webhook policy whose public key the connector is configured with, and the app offering.
import type { OauthService } from "./oauth.js";
import type { FourMeSimulatorOptions } from "./simulator.js";
import type { WebhookPolicyRec } from "./store/records.js";
import type { FourMeStore } from "./store/store.js";
import { writeUiExtension } from "./ui-extension-write.js";
import { generatePolicyKeys } from "./webhooks/keys.js";

export interface ProviderBootstrap {
  account: string;
  clientId: string;
  clientSecret: string;
  policy: WebhookPolicyRec;
  offeringId: string;
}

export const DEFAULT_OFFERING_REFERENCE = "microsoft_intune";

export async function bootstrapProvider(
  store: FourMeStore,
  oauth: OauthService,
  o: FourMeSimulatorOptions,
): Promise<ProviderBootstrap> {
  const account = o.providerAccount ?? "wdc";
  store.ensureAccount(account, "Widget Data Center");
  const creds = oauth.createClient(account, "Intune connector provider");
  const jwtAlg = o.webhooks?.jwtAlg ?? "es512";
  const policy = store.webhookPolicies.insert(account, {
    name: "Intune connector",
    jwtAlg,
    jwtAudience: o.webhooks?.audience,
    jwtClaimExpiresIn: o.webhooks?.claimExpiresInMinutes,
    disabled: false,
    ...(await generatePolicyKeys(jwtAlg)),
  });
  const team = store.teams.insert(account, { name: "Integrations", disabled: false });
  const service = store.services.insert(account, {
    name: "Microsoft Intune connector",
    disabled: false,
    supportTeamId: team.id,
    firstLineTeamId: team.id,
  });
  const si = store.serviceInstances.insert(account, {
    name: "Microsoft Intune connector",
    serviceId: service.id,
    status: "in_production",
    supportTeamId: team.id,
    firstLineTeamId: team.id,
  });
  let uiExtensionVersionId: string | undefined;
  if (o.offering?.formHtml) {
    const { uiExtension } = writeUiExtension(store, account, {
      name: "Intune connector configuration",
      category: "app_offering",
      html: o.offering.formHtml,
      activate: true,
    });
    uiExtensionVersionId = uiExtension?.activeVersionId;
  }
  const offering = store.appOfferings.insert(account, {
    name: o.offering?.name ?? "Microsoft Intune",
    reference: o.offering?.reference ?? DEFAULT_OFFERING_REFERENCE,
    published: true,
    disabled: false,
    serviceInstanceId: si.id,
    uiExtensionVersionId,
    webhookUriTemplate: o.offering?.webhookUriTemplate,
    policyJwtAlg: o.offering?.policyJwtAlg,
    extra: {},
  });
  return { account, clientId: creds.clientId, clientSecret: creds.clientSecret, policy, offeringId: offering.id };
}

export const PROVIDER_EVENTS = [
  "app_instance.secrets-update",
  "app_instance.create",
  "app_instance.update",
  "app_instance.delete",
] as const;

/** Points the provider's app_instance.* webhooks at the connector (creating them, signed by `policy`, if needed). */
export function connectProviderWebhooks(
  store: FourMeStore,
  account: string,
  uri: string,
  policy: WebhookPolicyRec,
): void {
  for (const event of PROVIDER_EVENTS) {
    const existing = store.webhooks.inAccount(account).find((w) => w.event === event && w.sourceID === "sandbox");
    if (existing) store.webhooks.update(existing, { uri, webhookPolicyId: policy.id });
    else {
      // Webhooks that exist before the test starts count as verified (4me-platform.md §3.4).
      store.webhooks.insert(account, {
        event,
        uri,
        name: `Intune connector ${event}`,
        disabled: false,
        webhookPolicyId: policy.id,
        verified: true,
        source: "sandbox",
        sourceID: "sandbox",
      });
    }
  }
}
