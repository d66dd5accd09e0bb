// 4me node ids: opaque base64url strings of "<domain>/<Type>/<number>", e.g. NG1lLmNvbS9DaS80Mg = 4me.com/Ci/42.
// Clients must treat them as opaque; the simulator decodes them only to find the table a record lives in.

/** Record types as 4me spells them inside node ids (a configuration item is a "Ci"). */
export const NODE_TYPES = [
  "Person",
  "Team",
  "Service",
  "ServiceInstance",
  "ProductCategory",
  "Product",
  "Ci",
  "Request",
  "Note",
  "UiExtension",
  "UiExtensionVersion",
  "AppOffering",
  "AppInstance",
  "Webhook",
  "WebhookPolicy",
  "AsyncQuery",
  "OauthApplication",
  "AppOfferingAutomationRule",
  "AppOfferingScope",
  "RequestTemplate",
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** The GraphQL object type of each node type, where the two names differ. */
export const GRAPHQL_TYPE: Record<NodeType, string> = {
  Person: "Person",
  Team: "Team",
  Service: "Service",
  ServiceInstance: "ServiceInstance",
  ProductCategory: "ProductCategory",
  Product: "Product",
  Ci: "ConfigurationItem",
  Request: "Request",
  Note: "Note",
  UiExtension: "UiExtension",
  UiExtensionVersion: "UiExtensionVersion",
  AppOffering: "AppOffering",
  AppInstance: "AppInstance",
  Webhook: "Webhook",
  WebhookPolicy: "WebhookPolicy",
  AsyncQuery: "AsyncQuery",
  OauthApplication: "OauthApplication",
  AppOfferingAutomationRule: "AppOfferingAutomationRule",
  AppOfferingScope: "AppOfferingScope",
  RequestTemplate: "RequestTemplate",
};

export function encodeNodeId(domain: string, type: NodeType, n: number): string {
  return Buffer.from(`${domain}/${type}/${n}`, "utf8").toString("base64url");
}

export interface DecodedNodeId {
  domain: string;
  type: NodeType;
  n: number;
}

/** Decodes a node id, or undefined when it is not one (any string may arrive from a client). */
export function decodeNodeId(id: string): DecodedNodeId | undefined {
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]+={0,2}$/.test(id)) return undefined;
  const text = Buffer.from(id, "base64url").toString("utf8");
  const m = /^([^/]+)\/([A-Za-z]+)\/(\d+)$/.exec(text);
  if (!m || !(NODE_TYPES as readonly string[]).includes(m[2])) return undefined;
  return { domain: m[1], type: m[2] as NodeType, n: Number(m[3]) };
}
