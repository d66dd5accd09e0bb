// generateFleet: a deterministic simulated world from a seed and a size. Device i of a tenant is a pure function
// of (seed, tenant, i), so a lazy tenant can serve 100k devices without holding them.
import type { Cloud } from "../../intune/clouds.js";
import { KIND_WEIGHTS } from "./catalog.js";
import { policyPlatformOf, policyStatesFor, randomFailures, type DeviceUserRef } from "./compliance.js";
import { AS_OF, DAY, NEVER, NO_GRACE, iso } from "./dates.js";
import { buildDevice, deviceId, indexOfDeviceId } from "./device.js";
import { buildFourMeSeed } from "./fourme-seed.js";
import { contextOf, hardCaseAt, tenantContext } from "./context.js";
export { contextOf, hardCaseAt, tenantContext } from "./context.js";
import { BLOCK, HARD_CASES, staleTwin, type Drawn } from "./hard-cases.js";
import { userAt, userPoolSize, type SimUser, type TenantContext } from "./people.js";
import { guid, int, rngFor, weighted, type Rng } from "./prng.js";
import type { Fleet, SimPolicyState, SimTenant } from "./types.js";

export interface TenantSpec {
  domain: string;
  cloud?: Cloud;
  tenantId?: string;
  /** Devices in this tenant; defaults to the fleet's size. */
  size?: number;
}

export interface GenerateOptions {
  seed: number;
  /** Devices per tenant. */
  size: number;
  /** A number of tenants (contoso.com, fabrikam.com, …, all global) or their specs. Default: contoso.com. */
  tenants?: number | TenantSpec[];
  /** Compute devices on demand (tenant.lazy) instead of filling tenant.devices: for 100k-device benchmarks. */
  lazy?: boolean;
}

const DOMAINS = ["contoso.com", "fabrikam.com", "northwindtraders.com", "adatum.com", "woodgrovebank.com"];

function normal(ctx: TenantContext, rng: Rng, index: number, user: SimUser): Drawn {
  const kind = weighted(rng, KIND_WEIGHTS);
  const device = buildDevice(ctx, rng, index, { kind, user });
  const r = rng();
  const failing = randomFailures(rng, policyPlatformOf(device));
  if (r < 0.08) return { device, state: "noncompliant", failing };
  if (r < 0.1) return { device, state: "inGracePeriod", failing };
  if (r < 0.105) return { device, state: "error", failing: failing.slice(0, 1), failState: "error" };
  if (r < 0.108) return { device, state: "conflict", failing: failing.slice(0, 1), failState: "conflict" };
  if (r < 0.118) return { device, state: "unknown", failing: [] };
  return { device, state: "compliant", failing: [] };
}

export function userRefOf(d: Record<string, unknown>): DeviceUserRef {
  const s = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  return {
    userId: s("userId"),
    userDisplayName: s("userDisplayName"),
    userPrincipalName: s("userPrincipalName"),
    emailAddress: s("emailAddress"),
  };
}

/** Sets complianceState and its grace date; returns the policy states when some setting fails. */
export function settle(ctx: TenantContext, rng: Rng, drawn: Drawn, asOf = AS_OF): SimPolicyState[] | null {
  const d = drawn.device;
  d["complianceState"] = drawn.state;
  const lastSync = d["lastSyncDateTime"] === NEVER ? asOf - 3 * DAY : Date.parse(String(d["lastSyncDateTime"]));
  d["complianceGracePeriodExpirationDateTime"] =
    drawn.state === "noncompliant"
      ? iso(Math.min(lastSync, asOf) - int(rng, 1, 20) * DAY)
      : drawn.state === "inGracePeriod"
        ? iso(asOf + int(rng, 1, 7) * DAY + int(rng, 0, 86_399) * 1000)
        : NO_GRACE;
  if (drawn.failing.length === 0) return null;
  return policyStatesFor(ctx.seed, ctx.tenantIndex, policyPlatformOf(d), userRefOf(d), drawn.failing, drawn.failState);
}

function draw(ctx: TenantContext, index: number): { drawn: Drawn; rng: Rng } {
  const rng = rngFor(ctx.seed, ctx.tenantIndex, "device", index);
  const user = userAt(ctx, int(rng, 0, userPoolSize(ctx.size) - 1));
  const name = hardCaseAt(ctx, index);
  if (name === "reEnrolDuplicate") {
    const original = draw(ctx, index > 0 ? index - 1 : index + BLOCK - 1).drawn.device;
    return { drawn: staleTwin(original, rng, deviceId(ctx, rng, index)), rng };
  }
  return { drawn: name ? HARD_CASES[name]!(ctx, rng, index, user) : normal(ctx, rng, index, user), rng };
}

/** Device i of a tenant with its failing policy states (null when nothing fails). Pure and deterministic. */
export function deviceAt(
  ctx: TenantContext,
  index: number,
): { device: Record<string, unknown>; policies: SimPolicyState[] | null } {
  const { drawn, rng } = draw(ctx, index);
  const policies = settle(ctx, rng, drawn);
  return { device: drawn.device, policies };
}

/** What …/deviceCompliancePolicyStates returns for a device: stored failures, else all-compliant or none. */
export function policyStatesOf(tenant: SimTenant, device: Record<string, unknown>): SimPolicyState[] {
  const stored = tenant.compliance[String(device["id"])];
  if (stored) return stored;
  const state = device["complianceState"];
  if (state !== "compliant" && state !== "inGracePeriod" && state !== "noncompliant") return [];
  const ctx = contextOf(tenant);
  return policyStatesFor(ctx.seed, ctx.tenantIndex, policyPlatformOf(device), userRefOf(device));
}

function specsOf(opts: GenerateOptions): TenantSpec[] {
  if (Array.isArray(opts.tenants)) return opts.tenants;
  const n = opts.tenants ?? 1;
  return Array.from({ length: n }, (_, i) => ({ domain: DOMAINS[i] ?? `tenant${i + 1}.example.com` }));
}

export function generateFleet(opts: GenerateOptions): Fleet {
  if (!Number.isInteger(opts.seed)) throw new Error(`generateFleet: seed must be an integer, got ${opts.seed}`);
  if (!Number.isInteger(opts.size) || opts.size < 0)
    throw new Error(`generateFleet: size must be a whole number ≥ 0, got ${opts.size}`);
  const tenants = specsOf(opts).map((spec, tenantIndex): SimTenant => {
    const size = spec.size ?? opts.size;
    const tenantId = spec.tenantId ?? guid(rngFor(opts.seed, "tenant", spec.domain));
    const ctx = tenantContext(opts.seed, tenantIndex, spec.domain, size, tenantId);
    const tenant: SimTenant = {
      domain: spec.domain,
      tenantId,
      cloud: spec.cloud ?? "global",
      devices: [],
      compliance: {},
      gen: { seed: opts.seed, tenantIndex, prefix: ctx.prefix, size, nextIndex: size },
    };
    if (opts.lazy) {
      tenant.lazy = {
        size,
        deviceAt: (i) => deviceAt(ctx, i).device,
        indexOf: (id) => {
          const i = indexOfDeviceId(ctx, id);
          return i >= 0 && i < size && deviceAt(ctx, i).device["id"] === id ? i : -1;
        },
        complianceAt: (i) => {
          const { device, policies } = deviceAt(ctx, i);
          return policies ?? policyStatesOf({ ...tenant, compliance: {} }, device);
        },
      };
    } else {
      for (let i = 0; i < size; i++) {
        const { device, policies } = deviceAt(ctx, i);
        tenant.devices.push(device);
        if (policies) tenant.compliance[String(device["id"])] = policies;
      }
    }
    return tenant;
  });
  return { seed: opts.seed, tenants, fourme: buildFourMeSeed(tenants) };
}

/** The devices of a tenant, lazy or not, one at a time. */
export function* devicesOf(tenant: SimTenant): Generator<Record<string, unknown>> {
  if (tenant.lazy) for (let i = 0; i < tenant.lazy.size; i++) yield tenant.lazy.deviceAt(i);
  else yield* tenant.devices;
}
