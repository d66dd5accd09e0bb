// Make and model identity (issue 15). Pure. The one normalisation of a manufacturer and a model that the product
// key, the reuse of a customer's existing products and the product names all go through, so "Dell Inc." and
// "Dell", or "HP" + "HP ProBook 450 G10 Notebook PC" and "Hewlett-Packard" + "ProBook 450 G10 Notebook PC", are one
// make and model. The vendor alias table is data: add a spelling there, not a rule.

export const UNKNOWN_BRAND = "Unknown";
export const UNKNOWN_MODEL = "Unknown";
/** Longest brand, model and product name we send. 4me documents 160 for CI names; we hold products to it too. */
export const MAX_PRODUCT_TEXT = 160;

/**
 * Vendors by the brand we write, with the spellings firmware, Intune and people use for them (compared after the
 * legal suffix is dropped, case-insensitively). Virtual-machine makers are vendors too: their "model" is the
 * hypervisor's platform name.
 */
export const VENDOR_ALIASES: Readonly<Record<string, readonly string[]>> = {
  Dell: ["dell", "dell computer", "dell computer corporation", "dell technologies"],
  HP: [
    "hp",
    "hp inc",
    "hewlett-packard",
    "hewlett packard",
    "hewlett-packard company",
    "hp development company",
    "hpi",
  ],
  HPE: ["hewlett packard enterprise", "hpe"],
  Lenovo: ["lenovo", "lenovo group"],
  Microsoft: ["microsoft", "microsoft corporation", "microsoft corp"],
  Apple: ["apple", "apple computer"],
  Samsung: ["samsung", "samsung electronics", "samsung electronics co"],
  Google: ["google", "google llc"],
  Motorola: ["motorola", "motorola mobility", "motorola solutions", "moto"],
  Zebra: ["zebra", "zebra technologies"],
  Panasonic: ["panasonic", "panasonic connect", "matsushita electric industrial"],
  Fujitsu: ["fujitsu", "fujitsu client computing", "fujitsu siemens", "fujitsu siemens computers"],
  Acer: ["acer", "acer america"],
  ASUS: ["asus", "asustek", "asustek computer", "asustek computer inc"],
  LG: ["lg", "lge", "lg electronics"],
  Toshiba: ["toshiba"],
  Dynabook: ["dynabook"],
  Getac: ["getac", "getac technology"],
  Honeywell: ["honeywell"],
  Xiaomi: ["xiaomi"],
  OnePlus: ["oneplus"],
  Nokia: ["nokia", "hmd global"],
  Sony: ["sony", "sony mobile communications"],
  Huawei: ["huawei", "huawei device"],
  MSI: ["msi", "micro-star international", "micro-star"],
  Gigabyte: ["gigabyte", "gigabyte technology"],
  // Virtual machines: the hypervisor's vendor as firmware reports it.
  VMware: ["vmware", "vmware inc"],
  Parallels: ["parallels", "parallels software", "parallels software international", "parallels international"],
  QEMU: ["qemu"],
  Oracle: ["oracle", "innotek", "oracle america"],
  Xen: ["xen"],
  Amazon: ["amazon", "amazon ec2", "amazon web services"],
  "Red Hat": ["red hat"],
  Nutanix: ["nutanix"],
  Citrix: ["citrix"],
};

const ALIAS_TO_BRAND: ReadonlyMap<string, string> = new Map(
  Object.entries(VENDOR_ALIASES).flatMap(([brand, aliases]) => aliases.map((a) => [a, brand] as const)),
);

// Legal-entity suffixes that make one vendor look like several ("Dell Inc." vs "Dell").
const LEGAL_SUFFIX =
  /[\s,]+(inc\.?|incorporated|corporation|corp\.?|co\.?,? ?ltd\.?|co\.?|ltd\.?|limited|gmbh|llc|l\.l\.c\.|s\.a\.|ag|b\.v\.|technologies|international|l\.?p\.?)$/i;

/** SMBIOS filler that white-box machines report as manufacturer or model: neither a brand nor a model. */
export const FILLER_TEXT: readonly string[] = [
  "To be filled by O.E.M.",
  "To be filled by OEM",
  "Default string",
  "System manufacturer",
  "System Product Name",
  "System Model",
  "System Version",
  "Type1ProductConfigId",
  "OEM",
  "O.E.M.",
  "Not Specified",
  "Not Applicable",
  "None",
  "N/A",
  "NA",
  "Unknown",
  "Undefined",
  "Invalid",
  "x.x",
  "0",
];
const FILLER = new Set(FILLER_TEXT.map(squash));

function squash(s: string): string {
  return s.toUpperCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** NFC, control and format characters as spaces, whitespace collapsed, trimmed. */
export function tidy(s: string | null | undefined): string {
  return (typeof s === "string" ? s : "")
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Manufacturer or model text that names nothing (empty, blank, firmware filler). */
export function isPlaceholderText(s: string | null | undefined): boolean {
  const q = squash(tidy(s));
  return q === "" || FILLER.has(q);
}

function withoutLegalSuffix(s: string): string {
  let b = s;
  for (let i = 0; i < 3 && LEGAL_SUFFIX.test(b); i++) b = b.replace(LEGAL_SUFFIX, "").trim();
  return b.replace(/[\s,.]+$/, "");
}

/** The brand we write for a manufacturer: "Dell Inc." → "Dell", "LENOVO" → "Lenovo", filler → "Unknown". */
export function normaliseBrand(manufacturer: string | null | undefined): string {
  if (isPlaceholderText(manufacturer)) return UNKNOWN_BRAND;
  const raw = tidy(manufacturer);
  const known = ALIAS_TO_BRAND.get(raw.toLowerCase()) ?? ALIAS_TO_BRAND.get(withoutLegalSuffix(raw).toLowerCase());
  if (known) return known;
  let b = withoutLegalSuffix(raw) || raw;
  // All-lower or all-upper names ("acme", "ACME") read better capitalised; mixed case is the vendor's own.
  if (b.length > 3 && (b === b.toLowerCase() || b === b.toUpperCase()) && /^[\p{L} ]+$/u.test(b)) {
    b = b.toLowerCase().replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());
  }
  return cut(b, MAX_PRODUCT_TEXT) || UNKNOWN_BRAND;
}

/** Every spelling of a brand's prefix a model may start with ("HP", "Hewlett-Packard"), longest first. */
function brandPrefixes(brand: string, manufacturer: string): string[] {
  const spellings = [brand, ...(VENDOR_ALIASES[brand] ?? []), manufacturer, withoutLegalSuffix(manufacturer)];
  return [...new Set(spellings.filter((s) => s).map((s) => s.toLowerCase()))].sort((a, b) => b.length - a.length);
}

/**
 * The model without the brand it repeats and without firmware filler: "HP ProBook 450 G10 Notebook PC" of HP →
 * "ProBook 450 G10 Notebook PC"; "Google Compute Engine" of Google → "Compute Engine". A model that is only the
 * brand ("Apple") or filler is unknown. Vendor suffixes such as "Notebook PC" stay: they tell form factors apart
 * ("EliteDesk 800 G6 Desktop Mini PC" and "… Tower PC" are two products).
 */
export function normaliseModel(model: string | null | undefined, manufacturer?: string | null): string {
  if (isPlaceholderText(model)) return UNKNOWN_MODEL;
  let m = tidy(model);
  const brand = normaliseBrand(manufacturer);
  if (brand !== UNKNOWN_BRAND) {
    const lower = m.toLowerCase();
    const prefix = brandPrefixes(brand, tidy(manufacturer)).find(
      (p) => lower.startsWith(p) && /^[\s\-_,:/]/.test(m.slice(p.length)),
    );
    if (prefix) m = m.slice(prefix.length).replace(/^[\s\-_,:/]+/, "");
    if (isPlaceholderText(m) || m.toLowerCase() === brand.toLowerCase()) return UNKNOWN_MODEL;
  }
  return cut(m, MAX_PRODUCT_TEXT) || UNKNOWN_MODEL;
}

export interface MakeModel {
  brand: string;
  model: string;
}

/** A manufacturer and model as one make and model. */
export function makeModelOf(manufacturer: string | null | undefined, model: string | null | undefined): MakeModel {
  return { brand: normaliseBrand(manufacturer), model: normaliseModel(model, manufacturer) };
}

/**
 * The identity of a make and model: two spellings of one are equal here. Case, punctuation and spacing do not
 * count ("iPad Pro (11-inch)" = "IPAD PRO 11 INCH").
 */
export function makeModelKey(mm: MakeModel): string {
  return slug(`${mm.brand} ${mm.model}`);
}

/** A product's name: the brand once, then the model ("HP" + "ProBook 450 G10 Notebook PC"). */
export function makeModelName(mm: MakeModel): string {
  return cut(`${mm.brand} ${mm.model}`, MAX_PRODUCT_TEXT);
}

/** True when a name says its brand twice in a row, in any spelling ("HP HP ProBook", "Hewlett-Packard HP ProBook"). */
export function repeatsBrand(name: string, brand: string): boolean {
  const once = normaliseModel(name, brand);
  return once !== UNKNOWN_MODEL && once !== tidy(name) && normaliseModel(once, brand) !== once;
}

/** Lower-case, runs of non-letters/digits as "_", no "_" at the ends. */
export function slug(s: string): string {
  return s
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

/** At most `max` UTF-16 units, never inside a surrogate pair, trimmed. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = "";
  for (const c of Array.from(s)) {
    if (out.length + c.length > max) break;
    out += c;
  }
  return out.trim();
}
