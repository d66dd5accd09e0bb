// The 4me account seeded to match the Intune tenants: people for most users, products for some models, and CIs
// that share serial numbers with Intune devices, so that matching by serial number is exercised.
import { CATEGORY, MODELS, type Kind } from "./catalog.js";
import { contextOf, hardCaseAt } from "./context.js";
import { userAt, userPoolSize } from "./people.js";
import { mix } from "./prng.js";
import type { FourMeSeed, FourMeSeedCi, SimTenant } from "./types.js";

/** Serial numbers that BIOSes and VMs report when nobody filled one in; never a real identity. */
export const PLACEHOLDER_SERIALS: ReadonlySet<string> = new Set([
  "",
  "0",
  "to be filled by o.e.m.",
  "default string",
  "system serial number",
]);

export function isPlaceholderSerial(serial: unknown): boolean {
  return (
    typeof serial !== "string" || PLACEHOLDER_SERIALS.has(serial.trim().toLowerCase()) || /^[0-]+$/.test(serial.trim())
  );
}

/** How a person typing a CI by hand would write the brand Intune reports. */
const BRAND_BY_HAND: Record<string, string> = {
  "Dell Inc.": "Dell",
  HP: "Hewlett-Packard",
  LENOVO: "Lenovo",
  "Microsoft Corporation": "Microsoft",
  Apple: "Apple Inc.",
  samsung: "Samsung",
  Google: "Google LLC",
};

/** The archived twin's brand: spelled by hand, but never the same brand as the active CI (4me compares brands
 * case-insensitively, and brand + serial number is unique per account). */
function handBrand(brand: string): string {
  const byHand = BRAND_BY_HAND[brand];
  return byHand && byHand.toLowerCase() !== brand.toLowerCase() ? byHand : `${brand} (old)`;
}

function cisOf(tenant: SimTenant, add: (ci: FourMeSeedCi) => void): void {
  const ctx = contextOf(tenant);
  const size = tenant.lazy ? tenant.lazy.size : tenant.devices.length;
  let placeholderCi = false;
  for (let i = 0; i < size; i++) {
    const hard = hardCaseAt(ctx, i);
    const chosen = mix(ctx.seed, ctx.tenantIndex, "ci", i) % 100 < 15;
    // Decide before building the device: a lazy tenant then builds only the ~15% it needs.
    if (!chosen && hard !== "serialDefault" && hard !== "twoFourMeCis" && hard !== "reEnrolOriginal") continue;
    const d = tenant.lazy ? tenant.lazy.deviceAt(i) : tenant.devices[i]!;
    const serial = String(d["serialNumber"] ?? "");
    const brand = String(d["manufacturer"] ?? "");
    const model = String(d["model"] ?? "");
    const name = String(d["deviceName"] ?? "").slice(0, 160);
    if (hard === "serialDefault" && !placeholderCi) {
      // An old hand-made CI with the BIOS placeholder as serial: a device must not be matched to it.
      placeholderCi = true;
      add({ name: `${ctx.prefix}-OLD-WS-0042`, serialNr: serial, brand, model, status: "in_production" });
    }
    if (isPlaceholderSerial(serial)) continue;
    if (hard === "twoFourMeCis") {
      add({ name, serialNr: serial, brand, model, status: "in_production" });
      add({
        name: `${name} (old)`,
        serialNr: serial,
        brand: handBrand(brand),
        model,
        status: "archived",
      });
    } else if (hard === "reEnrolOriginal" || chosen) {
      add({ name, serialNr: serial, brand, model, status: "in_production" });
    }
  }
}

export function buildFourMeSeed(tenants: SimTenant[]): FourMeSeed {
  const seed: FourMeSeed = {
    people: [],
    teams: [{ name: "Service Desk" }, { name: "Workplace Management" }],
    serviceInstances: tenants.map((t) => ({ name: `Managed Workplace – ${t.domain}` })),
    products: [],
    cis: [],
  };
  const seen = new Set<string>();
  for (const tenant of tenants) {
    const ctx = contextOf(tenant);
    for (let u = 0; u < userPoolSize(ctx.size); u++) {
      const user = userAt(ctx, u);
      if (user.noPerson) continue;
      seed.people.push({
        name: user.displayName,
        primaryEmail: user.email,
        authenticationID: user.email,
        ...(user.disabled ? { disabled: true } : {}),
      });
    }
    // 4me has a unique brand + serial number per account: skip a second CI with both the same.
    cisOf(tenant, (ci) => {
      const key = `${ci.brand.toLowerCase()}\u0000${ci.serialNr.toLowerCase()}`;
      if (seen.has(key)) return;
      seen.add(key);
      seed.cis.push(ci);
    });
  }
  const fleetSeed = tenants[0]?.gen?.seed ?? 0;
  for (const kind of Object.keys(MODELS) as Kind[]) {
    for (const m of MODELS[kind]) {
      if (mix(fleetSeed, "product", m.model) % 2 !== 0) continue;
      if (seed.products.some((p) => p.model === m.model && p.brand === m.manufacturer)) continue;
      const category = CATEGORY[kind];
      seed.products.push({
        brand: m.manufacturer,
        model: m.model,
        name: m.productName,
        categoryReference: category.reference,
        categoryName: category.name,
      });
    }
  }
  return seed;
}
