// Event → handler, per endpoint. A customer's key can only ever reach the customer table: a customer-signed
// "app_instance.secrets-update" is not routed anywhere.
import type { WebhookHandler, WebhookSource } from "./types.js";
import { handleWebhookVerify } from "./handlers/webhook-verify.js";
import { handleSecretsUpdate } from "./handlers/app-instance-secrets-update.js";
import { handleInstanceUpdate } from "./handlers/app-instance-update.js";
import { handleInstanceDelete } from "./handlers/app-instance-delete.js";
import { handleAutomationRule } from "./handlers/automation-rule.js";

const PROVIDER_HANDLERS: Record<string, WebhookHandler> = {
  "webhook.verify": handleWebhookVerify,
  "app_instance.secrets-update": handleSecretsUpdate,
  "app_instance.create": handleInstanceUpdate,
  "app_instance.update": handleInstanceUpdate,
  "app_instance.delete": handleInstanceDelete,
  // Pre-rename event names (4me-staging 2021 fixtures).
  "integration_instance.secrets-update": handleSecretsUpdate,
  "integration_instance.create": handleInstanceUpdate,
  "integration_instance.update": handleInstanceUpdate,
  "integration_instance.delete": handleInstanceDelete,
};

const CUSTOMER_HANDLERS: Record<string, WebhookHandler> = {
  "webhook.verify": handleWebhookVerify,
  automation_rule: handleAutomationRule,
};

/** The handler of an event on an endpoint, or undefined when we do not act on it. */
export function routeWebhook(source: WebhookSource, event: string): WebhookHandler | undefined {
  const table = source === "provider" ? PROVIDER_HANDLERS : CUSTOMER_HANDLERS;
  return Object.hasOwn(table, event) ? table[event] : undefined;
}

export const ROUTED_EVENTS: Record<WebhookSource, readonly string[]> = {
  provider: Object.keys(PROVIDER_HANDLERS),
  customer: Object.keys(CUSTOMER_HANDLERS),
};
