// The product category a device belongs in (issue 15). Pure. By the beta chassisType where Intune gives it, by
// what the make and model are known to be otherwise (an iMac is a desktop whatever else it says), by the platform
// last. One spelling per category: the names below are the only ones we create.
import type { IntuneDevice } from "../intune/types.js";
import { platformOf } from "./device-class.js";
import { normaliseBrand } from "./make-model.js";

export const DEVICE_CATEGORIES = ["laptop", "desktop", "mobile_phone", "tablet", "virtual_machine", "other"] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

export interface CategorySpec {
  /** 4me product category reference: 4me derives it from the name (see `categoryReference`). */
  reference: string;
  name: string;
}

/**
 * 4me sets a category's reference from its group and name ("group/name", lower-case, spaces as underscores) when it
 * is created (4me-platform.md §8.2). We create ours without a group, so the reference is the name alone: "laptop",
 * the reference the 4me bulk-upload examples use (4me-operations-examples.graphql).
 */
export function categoryReference(name: string, group?: string): string {
  return (group ? `${group}/${name}` : name).toLowerCase().replace(/ /g, "_");
}

const category = (name: string): CategorySpec => ({ name, reference: categoryReference(name) });

/** "Other type of hardware" is 4me's own catch-all reference (4me-platform.md §8.2, other_type_of_hardware). */
export const CATEGORIES: Readonly<Record<DeviceCategory, CategorySpec>> = {
  laptop: category("Laptop"),
  desktop: category("Desktop"),
  mobile_phone: category("Mobile phone"),
  tablet: category("Tablet"),
  virtual_machine: category("Virtual machine"),
  other: category("Other type of hardware"),
};

/**
 * Categories whose products the connector may move when a device's category changes: ours, and the one earlier
 * versions created ("Other device"). A product in a category of the customer's own making stays where it is.
 */
export const CONNECTOR_CATEGORY_REFERENCES: ReadonlySet<string> = new Set([
  ...Object.values(CATEGORIES).map((c) => c.reference),
  "other_device",
]);

type CategorySource = Pick<IntuneDevice, "chassisType" | "deviceType" | "model" | "operatingSystem" | "manufacturer">;

// Model knowledge, first match wins: virtual before physical, tablets before laptops ("Surface Pro" is sold as a
// tablet but Intune reports it as a laptop chassis; the model rules only apply without a chassis).
const MODEL_RULES: readonly (readonly [RegExp, DeviceCategory])[] = [
  [
    /virtual machine|virtual platform|cloud pc|virtualbox|kvm|hvm domu|\bhvm\b|compute engine|standard pc \(/i,
    "virtual_machine",
  ],
  [/ipad|tablet|\btab\b|SM-[TX]\d|galaxy tab/i, "tablet"],
  [/iphone|pixel(?! ?book| ?slate| ?tablet)|galaxy [sazmn]\d|SM-[SAGNMF]\d|moto |phone/i, "mobile_phone"],
  [/imac|mac ?mini|mac ?studio|mac ?pro\b(?!.*book)/i, "desktop"],
  [
    /macbook|latitude|thinkpad|thinkbook|elitebook|probook|zbook|xps|inspiron|vostro|precision \d{4}|surface (pro|laptop|book|go)|travelmate|spectre|envy|pavilion|ideapad|yoga|zenbook|vivobook|expertbook|chromebook|lifebook|notebook|laptop|dynabook|galaxy book|toughbook/i,
    "laptop",
  ],
  [
    /optiplex|thinkcentre|thinkstation|elitedesk|prodesk|elite ?one|desktop|tower|workstation|all-in-one|veriton|esprimo|\bnuc\b/i,
    "desktop",
  ],
];

/** Makers whose every device is a virtual machine (the hypervisor's vendor in the firmware). */
const VIRTUAL_BRANDS = new Set(["VMware", "Parallels", "QEMU", "Xen", "Amazon", "Nutanix", "Red Hat"]);

/** What the model says the device is, or undefined when the model is not known. */
export function categoryOfModel(manufacturer: string | null | undefined, model: string | null | undefined) {
  const brand = normaliseBrand(manufacturer);
  const m = model ?? "";
  if (VIRTUAL_BRANDS.has(brand) || (brand === "Oracle" && /virtualbox/i.test(m))) return "virtual_machine";
  return MODEL_RULES.find(([re]) => re.test(m))?.[1];
}

/** The device's form factor for its product category. Unclassifiable devices go to "other", not a guess. */
export function deriveCategory(d: CategorySource): DeviceCategory {
  const chassis = (d.chassisType ?? "").toLowerCase();
  const type = (d.deviceType ?? "").toLowerCase();
  const byModel = categoryOfModel(d.manufacturer, d.model);

  // Virtual machines are not hardware, whatever chassis they report (Cloud PCs and Hyper-V guests say "desktop").
  if (type === "cloudpc" || byModel === "virtual_machine") return "virtual_machine";
  if (type === "hololens" || type === "surfacehub") return "other";
  // Apple's desktops and laptops are known by name; a chassis that disagrees is the odd one out.
  if (byModel && /imac|mac ?mini|mac ?studio|mac ?pro|macbook/i.test(d.model ?? "")) return byModel;

  if (chassis === "laptop") return "laptop";
  if (chassis === "desktop" || chassis === "worksworkstation") return "desktop";
  if (chassis === "phone") return "mobile_phone";
  if (chassis === "tablet") return "tablet";
  if (chassis === "enterpriseserver") return "other";

  if (type === "iphone") return "mobile_phone";
  if (type === "ipad") return "tablet";
  if (type === "ipod") return "other";
  if (byModel) return byModel;

  const platform = platformOf(d);
  // Android and iOS devices without a tablet hint are phones far more often than anything else.
  if (platform === "android" || platform === "ios") return "mobile_phone";
  return "other";
}
