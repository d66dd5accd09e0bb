// The connector's own view of 4me records: what src/fourme returns and accepts. Generated GraphQL types stay
// inside src/fourme; absent values are `undefined`, never `null`.
import type { CustomFieldValue } from "../app-instance/settings.js";

export type { CustomFieldValue };
export * from "./provider-types.js";

export const CI_STATUSES = [
  "ordered",
  "being_built",
  "in_stock",
  "reserved",
  "in_transit",
  "installed",
  "being_tested",
  "standby_for_continuity",
  "lent_out",
  "in_production",
  "undergoing_maintenance",
  "broken_down",
  "being_repaired",
  "archived",
  "to_be_removed",
  "lost_or_stolen",
  "removed",
] as const;
export type CiStatus = (typeof CI_STATUSES)[number];
/** Statuses of CIs no longer in use (4me-platform.md §8.1). */
export const INACTIVE_CI_STATUSES: readonly CiStatus[] = ["archived", "to_be_removed", "lost_or_stolen", "removed"];

export type RequestStatus =
  | "assigned"
  | "accepted"
  | "in_progress"
  | "waiting_for"
  | "waiting_for_customer"
  | "reservation_pending"
  | "workflow_pending"
  | "project_pending"
  | "on_backlog"
  | "completed"
  | "declined";
export type RequestCategory =
  "incident" | "rfc" | "rfi" | "complaint" | "compliment" | "order" | "fulfillment" | "reservation" | "case" | "other";
export type RequestImpact = "low" | "medium" | "high" | "top";
export type RequestCompletionReason =
  | "solved"
  | "workaround"
  | "gone"
  | "duplicate"
  | "withdrawn"
  | "no_reply"
  | "rejected"
  | "conflict"
  | "declined"
  | "unsolvable";
export type UiExtensionCategory = "product" | "app_offering" | "product_category" | "request_template";
export type WebhookPolicyJwtAlg = "rs256" | "rs384" | "rs512" | "es256" | "es384" | "es512";

// ---------------------------------------------------------------- customer account

export interface Ci {
  id: string;
  name?: string;
  label?: string;
  serialNr?: string;
  systemID?: string;
  source?: string;
  sourceID?: string;
  status?: CiStatus;
  lastSeenAt?: string;
  inUseSince?: string;
  ramAmount?: number;
  remarks?: string;
  updatedAt?: string;
  product?: {
    id: string;
    name?: string;
    brand?: string;
    model?: string;
    uiExtensionId?: string;
    categoryId?: string;
    categoryReference?: string;
  };
  supportTeamId?: string;
  userIds: string[];
  serviceInstanceIds: string[];
  customFields: CustomFieldValue[];
}

export interface CiFields {
  name?: string;
  label?: string;
  serialNr?: string;
  systemID?: string;
  source?: string;
  sourceID?: string;
  status?: CiStatus;
  productId?: string;
  supportTeamId?: string;
  /** On update this replaces the CI's users. */
  userIds?: string[];
  serviceInstanceIds?: string[];
  customFields?: CustomFieldValue[];
  remarks?: string;
  lastSeenAt?: string;
  inUseSince?: string;
  warrantyExpiryDate?: string;
  endOfSupportDate?: string;
  ramAmount?: number;
  nrOfCores?: number;
  nrOfProcessors?: number;
  assetID?: string;
}
export type CiCreate = CiFields & { productId: string; status: CiStatus };

export interface Product {
  id: string;
  name?: string;
  brand?: string;
  model?: string;
  productID?: string;
  disabled: boolean;
  source?: string;
  sourceID?: string;
  categoryId?: string;
  categoryReference?: string;
  supportTeamId?: string;
  uiExtensionId?: string;
}

export interface ProductFields {
  name?: string;
  brand?: string;
  /** The product category's reference. */
  category?: string;
  model?: string;
  productID?: string;
  supportTeamId?: string;
  serviceId?: string;
  uiExtensionId?: string;
  remarks?: string;
  source?: string;
  sourceID?: string;
  disabled?: boolean;
  customFields?: CustomFieldValue[];
}
export type ProductCreate = ProductFields & { name: string; brand: string; category: string };

export interface ProductCategory {
  id: string;
  name?: string;
  group?: string;
  reference?: string;
  ruleSet?: string;
  disabled: boolean;
}

export interface ProductCategoryCreate {
  name: string;
  group?: string;
  /** physical_asset unless said (4me-platform.md §8.2); an operating system's category holds software. */
  ruleSet?: "physical_asset" | "software";
  source?: string;
  sourceID?: string;
}

export type DiscoveredStrategy = "CREATE" | "UPDATE" | "DEFAULT";

export interface DiscoveredCi extends Omit<CiFields, "productId" | "supportTeamId" | "serviceInstanceIds" | "source"> {
  sourceID: string;
  name: string;
  operatingSystemId?: string;
  /** Related child CIs (e.g. the operating system's software CI). */
  childCiIds?: string[];
  /** Service name. */
  service?: string;
  location?: string;
  strategy?: DiscoveredStrategy;
}

export interface DiscoveredProduct {
  sourceID: string;
  name: string;
  brand: string;
  model: string;
  productID?: string;
  service?: string;
  uiExtensionId?: string;
  strategy?: DiscoveredStrategy;
  configurationItems: DiscoveredCi[];
}

export interface DiscoveredCategory {
  /** Categories match on reference. */
  reference: string;
  name: string;
  sourceID?: string;
  strategy?: DiscoveredStrategy;
  products: DiscoveredProduct[];
}

export interface DiscoveredUpload {
  /** ≤30 characters: the discovery tool's name, e.g. "Intune". */
  source: string;
  alternativeSources?: string[];
  /** Team NAME given to new products and CIs. */
  supportTeam?: string;
  ciUserIdsStrategy?: "APPEND" | "REPLACE";
  categories: DiscoveredCategory[];
}

export interface DiscoveredResult {
  /** One per CI 4me processed. */
  items: { id: string; sourceID?: string; serialNr?: string; status?: CiStatus; productId?: string }[];
  /** Per-item validation errors; `path` locates the item in the upload. */
  errors: { path?: string[]; message: string }[];
  errorCount: number;
}

export interface Person {
  id: string;
  primaryEmail?: string;
  authenticationID?: string;
}

export interface Request {
  id: string;
  requestId?: string;
  subject?: string;
  status?: RequestStatus;
  category?: RequestCategory;
  impact?: RequestImpact;
  source?: string;
  sourceID?: string;
  createdAt?: string;
  completedAt?: string;
  requestedForId?: string;
  serviceInstanceId?: string;
  teamId?: string;
  memberId?: string;
  ciIds: string[];
}

export interface RequestCreate {
  subject: string;
  category: RequestCategory;
  impact?: RequestImpact;
  source: string;
  sourceID: string;
  note?: string;
  internalNote?: string;
  requestedForId?: string;
  configurationItemIds?: string[];
  serviceInstanceId?: string;
  teamId?: string;
  templateId?: string;
  urgent?: boolean;
  customFields?: CustomFieldValue[];
}

export interface ServiceInstance {
  id: string;
  name?: string;
  status?: string;
  serviceId?: string;
  serviceName?: string;
  supportTeamId?: string;
  firstLineTeamId?: string;
}

export interface Team {
  id: string;
  name?: string;
  disabled: boolean;
}

/** A request template found by subject; `name` is its subject. */
export interface RequestTemplate {
  id: string;
  name?: string;
  disabled: boolean;
}

/** A record found by node id for a reference in the settings; `name` is a template's subject. */
export interface ReferencedRecord {
  type: "ServiceInstance" | "Team" | "RequestTemplate";
  id: string;
  name?: string;
  disabled: boolean;
}

/** Whether a change was written. */
export type UpsertAction = "created" | "updated" | "unchanged";
