// The simulator's in-memory records: plain data, one interface per 4me record type. References to other records
// hold their node ids; GraphQL resolvers turn them back into records.
import type { CryptoKey } from "jose";

export interface CustomFieldValue {
  id: string;
  value: unknown;
}

/** Fields every record has. `account` is the 4me account id that owns it (e.g. "wdc"). */
export interface BaseRec {
  id: string;
  n: number;
  account: string;
  createdAt: string;
  updatedAt: string;
}

export interface AccountRec {
  id: string;
  name: string;
  /** Account whose people are visible in `view: all` (4me's directory account), if any. */
  directoryAccount?: string;
}

export interface PersonRec extends BaseRec {
  name: string;
  primaryEmail?: string;
  authenticationID?: string;
  disabled: boolean;
  source?: string;
  sourceID?: string;
}

export interface TeamRec extends BaseRec {
  name: string;
  disabled: boolean;
  source?: string;
  sourceID?: string;
}

export interface RequestTemplateRec extends BaseRec {
  subject: string;
  disabled: boolean;
  source?: string;
  sourceID?: string;
}

export interface ServiceRec extends BaseRec {
  name: string;
  disabled: boolean;
  supportTeamId?: string;
  firstLineTeamId?: string;
}

export interface ServiceInstanceRec extends BaseRec {
  name: string;
  serviceId?: string;
  status: string;
  supportTeamId?: string;
  firstLineTeamId?: string;
  source?: string;
  sourceID?: string;
}

export interface ProductCategoryRec extends BaseRec {
  name: string;
  group?: string;
  reference: string;
  ruleSet: string;
  disabled: boolean;
  uiExtensionId?: string;
  source?: string;
  sourceID?: string;
}

export interface ProductRec extends BaseRec {
  name: string;
  brand: string;
  model?: string;
  productID?: string;
  categoryId: string;
  uiExtensionId?: string;
  supportTeamId?: string;
  serviceId?: string;
  remarks?: string;
  disabled: boolean;
  customFields: CustomFieldValue[];
  source?: string;
  sourceID?: string;
}

export interface CiRec extends BaseRec {
  name: string;
  label?: string;
  productId: string;
  status: string;
  serialNr?: string;
  systemID?: string;
  assetID?: string;
  source?: string;
  sourceID?: string;
  supportTeamId?: string;
  userIds: string[];
  serviceInstanceIds: string[];
  customFields: CustomFieldValue[];
  alternateNames?: string[];
  location?: string;
  remarks?: string;
  lastSeenAt?: string;
  inUseSince?: string;
  warrantyExpiryDate?: string;
  endOfSupportDate?: string;
  ramAmount?: number;
  nrOfCores?: number;
  nrOfProcessors?: number;
  operatingSystemId?: string;
  childIds?: string[];
}

export interface RequestRec extends BaseRec {
  requestId: number;
  subject?: string;
  category: string;
  impact?: string;
  status: string;
  urgent: boolean;
  requestedForId?: string;
  requestedById?: string;
  configurationItemIds: string[];
  serviceInstanceId?: string;
  teamId?: string;
  memberId?: string;
  templateId?: string;
  completionReason?: string;
  completedAt?: string;
  customFields: CustomFieldValue[];
  noteIds: string[];
  source?: string;
  sourceID?: string;
}

export interface NoteRec extends BaseRec {
  ownerId: string;
  text: string;
  internal: boolean;
  personId?: string;
}

export interface UiExtensionRec extends BaseRec {
  name: string;
  title?: string;
  description?: string;
  category: string;
  disabled: boolean;
  activeVersionId?: string;
  preparedVersionId?: string;
  versionIds: string[];
  source?: string;
  sourceID?: string;
}

export interface UiExtensionVersionRec extends BaseRec {
  uiExtensionId: string;
  versionNr: number;
  status: "active" | "archived" | "being_prepared";
  html?: string;
  css?: string;
  javascript?: string;
  formDefinition?: unknown;
  activatedAt?: string;
  archivedAt?: string;
}

export interface AppOfferingRec extends BaseRec {
  name: string;
  reference: string;
  published: boolean;
  disabled: boolean;
  serviceInstanceId?: string;
  uiExtensionVersionId?: string;
  webhookUriTemplate?: string;
  configurationUriTemplate?: string;
  policyJwtAlg?: string;
  policyJwtAudience?: string;
  policyJwtClaimExpiresIn?: number;
  /** Every other input field, kept as given (descriptions, scopes, picture…). */
  extra: Record<string, unknown>;
  source?: string;
  sourceID?: string;
}

export interface AppInstanceRec extends BaseRec {
  appOfferingId: string;
  customerAccount: string;
  customFields: CustomFieldValue[];
  disabled: boolean;
  enabledByCustomer: boolean;
  suspended: boolean;
  suspensionComment?: string;
  customerRepresentativeId?: string;
  /** Client id of the OAuth application created in the customer account at install. */
  oauthClientId?: string;
}

export interface WebhookPolicyRec extends BaseRec {
  name?: string;
  jwtAlg: string;
  jwtAudience?: string;
  jwtClaimExpiresIn?: number;
  disabled: boolean;
  privateKey: CryptoKey;
  publicKeyPem: string;
  kid: string;
}

export interface WebhookRec extends BaseRec {
  event: string;
  uri: string;
  name?: string;
  description?: string;
  disabled: boolean;
  webhookPolicyId?: string;
  mailExceptionsTo?: string;
  appOfferingReferences?: string[];
  /** False until the receiver GETs the webhook.verify callback. Pre-existing webhooks count as verified. */
  verified: boolean;
  source?: string;
  sourceID?: string;
}

export interface AsyncQueryRec extends BaseRec {
  status: "queued" | "in_progress" | "completed";
  /** Epoch ms from which the result is readable. */
  readyAt: number;
  token: string;
  startedAt?: string;
  completedAt?: string;
  errorCount?: number;
  resultCount?: number;
  /** Runs the work once, when the query completes; it returns the JSON the result URL then serves. */
  run?: () => unknown;
  result?: unknown;
}

export interface OauthClientRec extends BaseRec {
  clientId: string;
  clientSecret: string;
  grantType: "client_credentials";
  disabled: boolean;
  /** The person the token acts as (`me`). */
  personId?: string;
}

/** Records the sandbox only stores and echoes (automation rules, offering scopes): input fields kept as given. */
export interface GenericRec extends BaseRec {
  ownerId: string;
  fields: Record<string, unknown>;
}
