// The per-tenant context every generated value is drawn from, and where the hard cases sit.
import { BLOCK, HARD_CASE_NAMES } from "./hard-cases.js";
import type { TenantContext } from "./people.js";
import { mix } from "./prng.js";
import type { SimTenant } from "./types.js";

export function tenantContext(
  seed: number,
  tenantIndex: number,
  domain: string,
  size: number,
  tenantId = "",
): TenantContext {
  const prefix =
    domain
      .replace(/[^a-z]/gi, "")
      .slice(0, 3)
      .toUpperCase() || "DEV";
  return { seed, tenantIndex, domain, size, prefix, tenantId };
}

export function contextOf(tenant: SimTenant): TenantContext {
  const g = tenant.gen ?? { seed: 0, tenantIndex: 0, size: tenant.devices.length, prefix: "" };
  const ctx = tenantContext(g.seed, g.tenantIndex, tenant.domain, g.size, tenant.tenantId);
  return g.prefix ? { ...ctx, prefix: g.prefix } : ctx;
}

/** Which hard case device i is, if any. The block is rotated by the seed so cases move between seeds. */
export function hardCaseAt(ctx: TenantContext, index: number): string | undefined {
  const slot = (index + (mix(ctx.seed, ctx.tenantIndex, "slots") % BLOCK)) % BLOCK;
  return HARD_CASE_NAMES[slot];
}
