// Our own types for records of the provider account (app instances and what the publish tool provisions).
import type { CustomFieldValue } from "../app-instance/settings.js";
import type { UiExtensionCategory, WebhookPolicyJwtAlg } from "./types.js";

/** The app instance as the provider account sees it (4me-platform.md §4.6). */
export interface AppInstance {
  id: string;
  customerAccount: string;
  offeringReference?: string;
  disabled: boolean;
  suspended: boolean;
  enabledByCustomer: boolean;
  suspensionComment?: string;
  customFields: CustomFieldValue[];
}

export interface AppInstancePatch {
  /** Only the listed fields are written; `value: null` clears one. */
  customFields?: CustomFieldValue[];
  suspended?: boolean;
  suspensionComment?: string;
}

export interface WebhookPolicy {
  id: string;
  name?: string;
  jwtAlg?: string;
  jwtAudience?: string;
  jwtClaimExpiresIn?: number;
  disabled: boolean;
}

export interface WebhookPolicyInput {
  jwtAlg: WebhookPolicyJwtAlg;
  jwtAudience?: string;
  /** Minutes. */
  jwtClaimExpiresIn?: number;
  disabled?: boolean;
}

export interface Webhook {
  id: string;
  name?: string;
  description?: string;
  event?: string;
  uri?: string;
  disabled: boolean;
  mailExceptionsTo?: string;
  webhookPolicyId?: string;
}

export interface WebhookInput {
  event: string;
  uri: string;
  name?: string;
  description?: string;
  webhookPolicyId?: string;
  mailExceptionsTo?: string;
  disabled?: boolean;
  /**
   * The app offerings whose events the webhook delivers (none: every offering of the account). Write-only here:
   * the Webhook type of our reference schema (SDK 2025-06) has no such field to read back.
   */
  appOfferingReferences?: string[];
}

export interface UiExtension {
  id: string;
  name?: string;
  title?: string;
  category?: string;
  disabled: boolean;
  source?: string;
  sourceID?: string;
  activeVersion?: { id: string; versionNr?: number; html?: string; css?: string; javascript?: string };
}

export interface UiExtensionInput {
  /** Together with sourceID, the key we find our extension by. */
  source: string;
  sourceID: string;
  name: string;
  category: UiExtensionCategory;
  title?: string;
  description?: string;
  html: string;
  css?: string;
  javascript?: string;
}

export interface AppOfferingScope {
  id?: string;
  actions: string[];
  effect: "allow" | "deny";
  grantType?: "client_credentials" | "authorization_code";
  conditions?: string[];
}

export interface AutomationRule {
  id?: string;
  name: string;
  description?: string;
  generic?: string;
  trigger: string;
  condition: string;
  position?: number;
  expressions?: { name: string; value: string }[];
  actions?: { name: string; value: string }[];
}

/** The editable fields of an app offering (4me-platform.md §5). */
export interface AppOfferingInput {
  name: string;
  reference: string;
  serviceInstanceId: string;
  cardDescription?: string;
  description?: string;
  features?: string;
  compliance?: string;
  configurationUriTemplate?: string;
  webhookUriTemplate?: string;
  policyJwtAlg?: WebhookPolicyJwtAlg;
  policyJwtAudience?: string;
  policyJwtClaimExpiresIn?: number;
  requiresEnabledOauthPerson?: boolean;
  oauthAuthorizationEndpoints?: string[];
  pictureUri?: string;
  uiExtensionVersionId?: string;
  disabled?: boolean;
  source?: string;
  sourceID?: string;
}

export interface AppOffering extends Partial<Omit<AppOfferingInput, "policyJwtAlg">> {
  id: string;
  published: boolean;
  latest: boolean;
  policyJwtAlg?: string;
  scopes: AppOfferingScope[];
  automationRules: (AutomationRule & { id: string })[];
}
