// All resolver maps, merged per type.
import type { ResolverMap } from "../graphql/schema.js";
import { appResolvers } from "./apps.js";
import { ciResolvers } from "./cis.js";
import { directoryResolvers } from "./directory.js";
import { discoveredResolvers } from "./discovered.js";
import { productResolvers } from "./products.js";
import { requestResolvers } from "./requests.js";
import { uiExtensionResolvers } from "./ui-extensions.js";
import { webhookResolvers } from "./webhooks.js";

export function allResolvers(): ResolverMap {
  const merged: ResolverMap = {};
  const maps = [
    ciResolvers,
    productResolvers,
    directoryResolvers,
    requestResolvers,
    uiExtensionResolvers,
    appResolvers,
    webhookResolvers,
    discoveredResolvers,
  ];
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...fields };
  }
  return merged;
}
