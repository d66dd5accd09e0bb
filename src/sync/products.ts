// Products and product categories derived from a device. Pure.
// One product per brand and model (issue 6). The category follows the device's form factor: the beta chassisType
// when Intune reports it, else the deviceType, else the model name, else the platform.
import type { IntuneDevice } from "../intune/types.js";
import { platformOf } from "./device-class.js";

export const DEVICE_CATEGORIES = ["laptop", "desktop", "mobile_phone", "tablet", "other"] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

export interface ProductKey {
  /** Manufacturer, normalised ("Dell Inc." → "Dell"); "Unknown" when Intune has none or a placeholder. */
  brand: string;
  /** Manufacturer as Intune reports it (tidied), "" when none or a placeholder: to find products made by others. */
  manufacturer: string;
  /** Model as the device reports it (whitespace tidied); "Unknown" when Intune has none. */
  model: string;
  category: DeviceCategory;
}

export interface CategorySpec {
  /** 4me product category reference: 4me derives it from the name (see `categoryReference`). */
  reference: string;
  name: string;
}

export interface ProductSpec {
  brand: string;
  model: string;
  name: string;
  /** Other spellings of the brand to look for when reusing an existing product (the raw manufacturer). */
  brandAliases: string[];
  /** The product's key in the bulk upload (`DiscoveredProductInput.sourceID`), ≤128 characters. */
  sourceID: string;
  categoryReference: string;
  categoryName: string;
}

export const UNKNOWN_BRAND = "Unknown";
export const UNKNOWN_MODEL = "Unknown";

/**
 * 4me sets a category's reference from its group and name ("group/name", lower-case, spaces as underscores) when it
 * is created (4me-platform.md §8.2). We create ours without a group, so the reference is the name alone: "laptop",
 * the reference the 4me bulk-upload examples use (4me-operations-examples.graphql).
 */
export function categoryReference(name: string, group?: string): string {
  return (group ? `${group}/${name}` : name).toLowerCase().replace(/ /g, "_");
}

const category = (name: string): CategorySpec => ({ name, reference: categoryReference(name) });

export const CATEGORIES: Readonly<Record<DeviceCategory, CategorySpec>> = {
  laptop: category("Laptop"),
  desktop: category("Desktop"),
  mobile_phone: category("Mobile phone"),
  tablet: category("Tablet"),
  other: category("Other device"),
};

/** Longest brand, model and product name we send. 4me documents 160 for CI names; we hold products to it too. */
export const MAX_PRODUCT_TEXT = 160;
const MAX_SOURCE_ID = 128;

// Legal-entity suffixes that make one vendor look like several ("Dell Inc." vs "Dell").
const BRAND_SUFFIX =
  /[\s,]+(inc\.?|incorporated|corporation|corp\.?|co\.?,? ?ltd\.?|ltd\.?|limited|gmbh|llc|l\.l\.c\.|s\.a\.|ag|b\.v\.|technologies|international)$/i;

const BRAND_ALIASES: Record<string, string> = {
  "hewlett-packard": "HP",
  "hewlett packard": "HP",
  hp: "HP",
  "asustek computer": "ASUS",
  asustek: "ASUS",
  asus: "ASUS",
  lenovo: "Lenovo",
  samsung: "Samsung",
  "samsung electronics": "Samsung",
  "microsoft corporation": "Microsoft",
  apple: "Apple",
  google: "Google",
  dell: "Dell",
  acer: "Acer",
  zebra: "Zebra",
  "zebra technologies": "Zebra",
  vmware: "VMware",
  lge: "LG",
  "lg electronics": "LG",
  "fujitsu client computing": "Fujitsu",
};

// SMBIOS filler that white-box machines report as manufacturer or model: not a brand, not a model.
const PLACEHOLDER_TEXT = new Set(
  [
    "To be filled by O.E.M.",
    "Default string",
    "System manufacturer",
    "System Product Name",
    "System Model",
    "System Version",
    "OEM",
    "Not Specified",
    "Not Applicable",
    "None",
    "N/A",
    "Unknown",
    "Undefined",
  ].map(squash),
);

function squash(s: string): string {
  return s.toUpperCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** Manufacturer or model text that names nothing (empty, blank, firmware filler). */
export function isPlaceholderText(s: string | null | undefined): boolean {
  const q = squash(tidy(s));
  return q === "" || PLACEHOLDER_TEXT.has(q);
}

export function normaliseBrand(manufacturer: string | null | undefined): string {
  if (isPlaceholderText(manufacturer)) return UNKNOWN_BRAND;
  let b = tidy(manufacturer);
  for (let i = 0; i < 3 && BRAND_SUFFIX.test(b); i++) b = b.replace(BRAND_SUFFIX, "").trim();
  const alias = BRAND_ALIASES[b.toLowerCase()];
  if (alias) return alias;
  // All-lower or all-upper names ("samsung", "LENOVO") read better capitalised; mixed case is the vendor's own.
  if (b.length > 3 && (b === b.toLowerCase() || b === b.toUpperCase()) && /^[\p{L} ]+$/u.test(b)) {
    b = b.toLowerCase().replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());
  }
  return cut(b, MAX_PRODUCT_TEXT) || UNKNOWN_BRAND;
}

export function normaliseModel(model: string | null | undefined): string {
  if (isPlaceholderText(model)) return UNKNOWN_MODEL;
  return cut(tidy(model), MAX_PRODUCT_TEXT) || UNKNOWN_MODEL;
}

type CategorySource = Pick<IntuneDevice, "chassisType" | "deviceType" | "model" | "operatingSystem">;

const LAPTOP_MODEL =
  /latitude|thinkpad|elitebook|probook|zbook|xps|inspiron|vostro|macbook|surface (pro|laptop|book|go)|travelmate|spectre|envy|pavilion|ideapad|yoga|zenbook|vivobook|expertbook|chromebook|lifebook|notebook|laptop|dynabook|galaxy book/i;
const DESKTOP_MODEL =
  /optiplex|thinkcentre|thinkstation|elitedesk|prodesk|elite ?one|imac|mac ?mini|mac ?pro|mac ?studio|desktop|tower|workstation|all-in-one|veriton|esprimo/i;
const TABLET_MODEL = /ipad|tablet|\btab\b|SM-[TX]\d/i;
const PHONE_MODEL = /iphone|phone|pixel|galaxy [sazmn]\d|SM-[SAGNMF]\d/i;
const VIRTUAL_MODEL = /virtual machine|cloud pc|vmware|virtualbox|kvm|hvm domu|parallels/i;

/** The device's form factor for its product category. Unclassifiable devices go to "other", not a guess. */
export function deriveCategory(d: CategorySource): DeviceCategory {
  const chassis = (d.chassisType ?? "").toLowerCase();
  const type = (d.deviceType ?? "").toLowerCase();
  const model = d.model ?? "";

  // Virtual desktops are not physical hardware, whatever chassis they report (Cloud PCs say "desktop").
  if (type === "cloudpc" || VIRTUAL_MODEL.test(model)) return "other";
  if (type === "hololens" || type === "surfacehub") return "other";

  if (chassis === "laptop") return "laptop";
  if (chassis === "desktop" || chassis === "worksworkstation") return "desktop";
  if (chassis === "phone") return "mobile_phone";
  if (chassis === "tablet") return "tablet";
  if (chassis === "enterpriseserver") return "other";

  if (type === "iphone") return "mobile_phone";
  if (type === "ipad") return "tablet";
  if (type === "ipod") return "other";

  if (TABLET_MODEL.test(model)) return "tablet";
  if (LAPTOP_MODEL.test(model)) return "laptop";
  if (DESKTOP_MODEL.test(model)) return "desktop";
  if (PHONE_MODEL.test(model)) return "mobile_phone";

  const platform = platformOf(d);
  // Android and iOS devices without a tablet hint are phones far more often than anything else.
  if (platform === "android" || platform === "ios") return "mobile_phone";
  return "other";
}

export function productKeyOf(d: CategorySource & Pick<IntuneDevice, "manufacturer">): ProductKey {
  return {
    brand: normaliseBrand(d.manufacturer),
    manufacturer: isPlaceholderText(d.manufacturer) ? "" : cut(tidy(d.manufacturer), MAX_PRODUCT_TEXT),
    model: normaliseModel(d.model),
    category: deriveCategory(d),
  };
}

/** The product (and its category) a device's CI belongs to. */
export function productFor(key: ProductKey): ProductSpec {
  const cat = CATEGORIES[key.category];
  const noBrand = key.brand === UNKNOWN_BRAND;
  const noModel = key.model === UNKNOWN_MODEL;
  const kind = cat.name.toLowerCase();
  // "Apple" + "Apple TV" reads badly; keep the model alone when it already starts with the brand.
  const startsWithBrand = key.model.toLowerCase().startsWith(key.brand.toLowerCase() + " ");
  const name =
    noBrand && noModel
      ? `Unknown ${kind}`
      : noModel
        ? `${key.brand} ${kind} (model unknown)`
        : noBrand
          ? `${key.model} (brand unknown)`
          : startsWithBrand
            ? key.model
            : `${key.brand} ${key.model}`;
  // An unknown model says nothing about the device, so unknown products are kept apart per category.
  const idParts = key.model === UNKNOWN_MODEL ? [key.brand, key.model, key.category] : [key.brand, key.model];
  return {
    brand: key.brand,
    model: key.model,
    name: cut(name, MAX_PRODUCT_TEXT),
    brandAliases: key.manufacturer && key.manufacturer !== key.brand ? [key.manufacturer] : [],
    sourceID: productSourceId(idParts),
    categoryReference: cat.reference,
    categoryName: cat.name,
  };
}

/** Lower-case, runs of non-letters/digits as "_", ≤128 characters (the Lansweeper convention, 4me-platform.md §8.6). */
export function productSourceId(parts: string[]): string {
  const s = parts
    .join(" ")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
  return cut(s, MAX_SOURCE_ID).replace(/_+$/, "") || "unknown";
}

function tidy(s: string | null | undefined): string {
  return (s ?? "")
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  let out = "";
  for (const c of chars) {
    if (out.length + c.length > max) break;
    out += c;
  }
  return out.trim();
}
