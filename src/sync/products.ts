// Products and product categories derived from a device. Pure.
// One product per make and model (issues 6 and 15): brand and model go through the one normalisation in
// make-model.ts; the category follows the device (device-category.ts).
import { CATEGORIES, deriveCategory, type DeviceCategory } from "./device-category.js";
import {
  cut,
  isPlaceholderText,
  makeModelName,
  MAX_PRODUCT_TEXT,
  normaliseBrand,
  normaliseModel,
  slug,
  tidy,
  UNKNOWN_BRAND,
  UNKNOWN_MODEL,
} from "./make-model.js";

export {
  CATEGORIES,
  categoryReference,
  CONNECTOR_CATEGORY_REFERENCES,
  DEVICE_CATEGORIES,
  deriveCategory,
  type CategorySpec,
  type DeviceCategory,
} from "./device-category.js";
export {
  isPlaceholderText,
  MAX_PRODUCT_TEXT,
  normaliseBrand,
  normaliseModel,
  UNKNOWN_BRAND,
  UNKNOWN_MODEL,
} from "./make-model.js";

export interface ProductKey {
  /** Manufacturer, normalised ("Dell Inc." → "Dell"); "Unknown" when Intune has none or a placeholder. */
  brand: string;
  /** Manufacturer as Intune reports it (tidied), "" when none or a placeholder: how its products may be spelt. */
  manufacturer: string;
  /** Model without the brand it repeats or filler ("HP ProBook 450" of HP → "ProBook 450"); "Unknown" when none. */
  model: string;
  category: DeviceCategory;
}

export interface ProductSpec {
  brand: string;
  model: string;
  name: string;
  /** Model spellings an existing product of this make and model may carry: to look it up in 4me. */
  modelSpellings: string[];
  /** The product's key in the bulk upload (`DiscoveredProductInput.sourceID`), ≤128 characters. */
  sourceID: string;
  categoryReference: string;
  categoryName: string;
}

const MAX_SOURCE_ID = 128;

export function productKeyOf(d: Parameters<typeof deriveCategory>[0]): ProductKey {
  return {
    brand: normaliseBrand(d.manufacturer),
    manufacturer: isPlaceholderText(d.manufacturer) ? "" : cut(tidy(d.manufacturer), MAX_PRODUCT_TEXT),
    model: normaliseModel(d.model, d.manufacturer),
    category: deriveCategory(d),
  };
}

/** The product (and its category) a device's CI belongs to. */
export function productFor(key: ProductKey): ProductSpec {
  const cat = CATEGORIES[key.category];
  const noBrand = key.brand === UNKNOWN_BRAND;
  const noModel = key.model === UNKNOWN_MODEL;
  const kind = cat.name.toLowerCase();
  const name =
    noBrand && noModel
      ? `Unknown ${kind}`
      : noModel
        ? `${key.brand} ${kind} (model unknown)`
        : noBrand
          ? `${key.model} (brand unknown)`
          : makeModelName(key);
  // An unknown model says nothing about the device, so unknown products are kept apart per category.
  const idParts = noModel ? [key.brand, key.model, key.category] : [key.brand, key.model];
  const spellings =
    noModel || noBrand ? [] : [key.model, `${key.brand} ${key.model}`, `${key.manufacturer} ${key.model}`];
  return {
    brand: key.brand,
    model: key.model,
    name: cut(name, MAX_PRODUCT_TEXT),
    modelSpellings: [...new Set(spellings.filter((s) => !s.startsWith(" ")).map((s) => cut(s, MAX_PRODUCT_TEXT)))],
    sourceID: productSourceId(idParts),
    categoryReference: cat.reference,
    categoryName: cat.name,
  };
}

/** Lower-case, runs of non-letters/digits as "_", ≤128 characters (the Lansweeper convention, 4me-platform.md §8.6). */
export function productSourceId(parts: string[]): string {
  return cut(slug(parts.join(" ")), MAX_SOURCE_ID).replace(/_+$/, "") || "unknown";
}
