// What the provider account should hold, from app-offering/ and the configuration. Reads the offering's files.
import type { Config } from "../config.js";
import type { WebhookPolicyJwtAlg } from "../fourme/types.js";
import { PROVIDER_WEBHOOK_PATH } from "../webhooks/middleware.js";
import { loadConfigurationForm } from "../extension/render.js";
import { loadOffering, logoDataUri, type OfferingDefinition } from "./definition.js";
import { PROVIDER_WEBHOOK_EVENTS, type DesiredPublish } from "./publish-plan.js";

/** The policy 4me signs provider webhooks with. ES512, as 4me's own app builder uses; the server accepts it. */
export const PROVIDER_POLICY_ALG: WebhookPolicyJwtAlg = "es512";

export function desiredPublish(
  config: Pick<Config, "publicUrl" | "fourme">,
  offering: OfferingDefinition = loadOffering(),
): DesiredPublish {
  const allowed = config.fourme.webhook.algorithms.map((a) => a.toLowerCase());
  if (!allowed.includes(PROVIDER_POLICY_ALG)) {
    throw new Error(
      `FOURME_WEBHOOK_ALGORITHMS (${config.fourme.webhook.algorithms.join(",")}) must allow ES512, the algorithm of ` +
        "the webhook policy this tool creates",
    );
  }
  const uri = `${config.publicUrl}${PROVIDER_WEBHOOK_PATH}`;
  const form = loadConfigurationForm();
  return {
    webhookPolicy: {
      jwtAlg: PROVIDER_POLICY_ALG,
      ...(config.fourme.webhook.audience ? { jwtAudience: config.fourme.webhook.audience } : {}),
    },
    webhooks: PROVIDER_WEBHOOK_EVENTS.map((event) => ({
      event,
      uri,
      name: `${offering.name}: ${event}`,
      description: `Delivers ${event} of the ${offering.name} app offering to the connector.`,
      // Only our offering's events (and its customers' secrets): a provider account may sell other apps.
      appOfferingReferences: [config.fourme.offeringReference],
    })),
    formExtension: {
      source: offering.form.source,
      sourceID: offering.form.sourceID,
      name: offering.form.name,
      category: "app_offering",
      title: offering.form.title,
      description: offering.form.description,
      ...form,
    },
    offering: {
      name: offering.name,
      // The configured reference wins: it is what the server looks app instances up by.
      reference: config.fourme.offeringReference,
      cardDescription: offering.cardDescription,
      description: offering.description,
      features: offering.features,
      compliance: offering.compliance,
      pictureUri: logoDataUri(offering),
    },
    serviceInstanceName: offering.serviceInstanceName,
    scopes: [
      {
        actions: offering.scopes.map((s) => s.action),
        effect: "allow",
        grantType: "client_credentials",
      },
    ],
    automationRules: offering.automationRules,
  };
}
