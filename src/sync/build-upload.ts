// Turns one batch of planned writes into a discoveredConfigurationItems upload: categories → products → CIs
// (4me-platform.md §8.6). Pure: people and product decisions are looked up before and passed in.
import type { DiscoveredCategory, DiscoveredCi, DiscoveredProduct, DiscoveredUpload } from "../fourme/types.js";
import type { MappedCi } from "./map-device.js";
import type { WriteItem } from "./plan.js";
import { productFor } from "./products.js";

export interface UploadContext {
  /** Person id by lower-cased e-mail or UPN. */
  people: ReadonlyMap<string, string>;
  /** Our CI UI extension, set on the products we create so their CIs show the Intune sections. */
  uiExtensionId?: string;
  /** An existing 4me product (by its productID attribute) to reuse for a product sourceID. */
  productIdBySourceId?: ReadonlyMap<string, string>;
  /** Team name for new products and CIs (settings.supportTeam). */
  supportTeam?: string;
  /** CIs (by sourceID) sent without our custom fields: their product has another UI extension, which defines none. */
  withoutCustomFields?: ReadonlySet<string>;
  /** OS CI id by OS sourceID (os-cis.ts): a CI whose family is here points at it through operatingSystemId. */
  osCiIds?: ReadonlyMap<string, string>;
}

export interface PreparedUpload {
  upload: Omit<DiscoveredUpload, "source">;
  /** The person each CI was linked to, by CI sourceID (absent when none was found). */
  personBySourceId: Map<string, string>;
  /** CI sourceIDs whose primary user has no 4me person. */
  usersNotFound: string[];
}

export function personOf(
  item: { ci: Pick<MappedCi, "primaryUser"> },
  people: ReadonlyMap<string, string>,
): string | undefined {
  const u = item.ci.primaryUser;
  if (!u) return undefined;
  return (u.email && people.get(u.email)) || (u.upn && people.get(u.upn)) || undefined;
}

export function prepareUpload(items: readonly WriteItem[], ctx: UploadContext): PreparedUpload {
  const categories = new Map<string, DiscoveredCategory>();
  const products = new Map<string, DiscoveredProduct>();
  const personBySourceId = new Map<string, string>();
  const usersNotFound: string[] = [];

  for (const item of items) {
    const ci = item.ci;
    const spec = productFor(ci.product);
    let category = categories.get(spec.categoryReference);
    if (!category) {
      // DEFAULT: create what is missing, and never move an existing record to another parent. A product somebody
      // files elsewhere stays in its category; a CI matched by serial, or moved to another product by hand, keeps
      // its product (DiscoveredItemStrategy in the 4me schema).
      category = { reference: spec.categoryReference, name: spec.categoryName, strategy: "DEFAULT", products: [] };
      categories.set(spec.categoryReference, category);
    }
    let product = products.get(spec.sourceID);
    if (!product) {
      const productID = ctx.productIdBySourceId?.get(spec.sourceID);
      product = {
        sourceID: spec.sourceID,
        name: spec.name,
        brand: spec.brand,
        model: spec.model,
        strategy: "DEFAULT",
        configurationItems: [],
        ...(productID ? { productID } : {}),
        ...(ctx.uiExtensionId ? { uiExtensionId: ctx.uiExtensionId } : {}),
      };
      products.set(spec.sourceID, product);
      category.products.push(product);
    }
    const personId = personOf(item, ctx.people);
    if (personId) personBySourceId.set(ci.sourceID, personId);
    else if (ci.primaryUser) usersNotFound.push(ci.sourceID);
    const osId = ci.os ? ctx.osCiIds?.get(ci.os.sourceID) : undefined;
    product.configurationItems.push(toDiscoveredCi(item, personId, !ctx.withoutCustomFields?.has(ci.sourceID), osId));
  }
  // APPEND never removes a user somebody else added; replacing our own earlier user is a separate, rare update.
  return {
    upload: {
      ciUserIdsStrategy: "APPEND",
      categories: [...categories.values()],
      ...(ctx.supportTeam ? { supportTeam: ctx.supportTeam } : {}),
    },
    personBySourceId,
    usersNotFound,
  };
}

function toDiscoveredCi(
  item: WriteItem,
  personId: string | undefined,
  customFields: boolean,
  operatingSystemId: string | undefined,
): DiscoveredCi {
  const ci = item.ci;
  return {
    sourceID: ci.sourceID,
    name: ci.name,
    systemID: ci.systemID,
    status: ci.status as DiscoveredCi["status"],
    strategy: "UPDATE",
    ...(customFields ? { customFields: ci.customFields.map((f) => ({ id: f.id, value: f.value })) } : {}),
    ...(ci.serialNr ? { serialNr: ci.serialNr } : {}),
    ...(ci.lastSeenAt ? { lastSeenAt: ci.lastSeenAt } : {}),
    ...(ci.inUseSince ? { inUseSince: ci.inUseSince } : {}),
    ...(ci.ramAmount !== undefined ? { ramAmount: ci.ramAmount } : {}),
    ...(personId ? { userIds: [personId] } : {}),
    ...(operatingSystemId ? { operatingSystemId } : {}),
  };
}
