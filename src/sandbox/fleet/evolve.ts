// How a fleet changes between syncs: devices come and go, change owner, fall out of compliance and back, and
// check in. evolveFleet is deterministic in (fleet state, step); the helpers make single changes for tests.
import { policyPlatformOf, randomFailures } from "./compliance.js";
import { contextOf } from "./context.js";
import { AS_OF, DAY, NEVER, asOfStep, enrolmentStamp, iso } from "./dates.js";
import { deviceAt, settle } from "./generate.js";
import { userAt, userPoolSize } from "./people.js";
import { int, rngFor, type Rng } from "./prng.js";
import type { Fleet, SimTenant } from "./types.js";

export interface EvolveSummary {
  step: number;
  /** The simulated "now" after this step (the generated fleet is as of 2025-06-02T08:00:00Z, step 0). */
  asOf: string;
  added: string[];
  removed: string[];
  ownerChanged: string[];
  becameNoncompliant: string[];
  becameCompliant: string[];
  /** Devices whose lastSyncDateTime moved to this step's day. */
  synced: number;
}

export interface OwnerInput {
  id: string;
  displayName: string;
  upn: string;
  email?: string;
}

const BAD = new Set(["noncompliant", "inGracePeriod", "error", "conflict"]);

function materialized(tenant: SimTenant): SimTenant {
  if (tenant.lazy)
    throw new Error(`tenant ${tenant.domain} is lazy (read-only); generate it without lazy to change it`);
  return tenant;
}

function find(tenant: SimTenant, deviceId: string): Record<string, unknown> {
  const d = materialized(tenant).devices.find((x) => x["id"] === deviceId);
  if (!d) throw new Error(`no device ${deviceId} in tenant ${tenant.domain}`);
  return d;
}

export function removeDevice(tenant: SimTenant, deviceId: string): Record<string, unknown> {
  const d = find(tenant, deviceId);
  tenant.devices.splice(tenant.devices.indexOf(d), 1);
  delete tenant.compliance[deviceId];
  return d;
}

/** Enrols a new device (drawn like any other, at the tenant's next index), checked in at `asOf`. */
export function addDevice(
  tenant: SimTenant,
  overrides: Record<string, unknown> = {},
  asOf = AS_OF,
): Record<string, unknown> {
  materialized(tenant);
  const ctx = contextOf(tenant);
  tenant.gen ??= {
    seed: ctx.seed,
    tenantIndex: ctx.tenantIndex,
    prefix: ctx.prefix,
    size: ctx.size,
    nextIndex: 1_000_000,
  };
  const index = tenant.gen.nextIndex++;
  const { device, policies } = deviceAt(ctx, index);
  const enrolled = asOf - ((index * 7919) % 72_000) * 1000;
  const upn = String(device["userPrincipalName"] ?? "");
  const stamp = String(device["managedDeviceName"]).split("_")[1];
  Object.assign(device, {
    enrolledDateTime: iso(enrolled),
    lastSyncDateTime: iso(Math.min(asOf, enrolled + 600_000)),
    managedDeviceName:
      device["deviceName"] === "User deleted for this device"
        ? device["managedDeviceName"]
        : `${upn.split("@")[0]}_${stamp}_${enrolmentStamp(enrolled)}`,
    ...overrides,
  });
  tenant.devices.push(device);
  if (policies) tenant.compliance[String(device["id"])] = policies;
  return device;
}

/** Changes the primary user (null: userless). enrolledByUserPrincipalName keeps the enrolling user, as in Intune. */
export function setOwner(tenant: SimTenant, deviceId: string, owner: OwnerInput | null): Record<string, unknown> {
  const d = find(tenant, deviceId);
  const email = owner ? (owner.email ?? owner.upn.toLowerCase()) : "";
  Object.assign(d, {
    userId: owner?.id ?? "",
    userDisplayName: owner?.displayName ?? "",
    userPrincipalName: owner?.upn ?? "",
    emailAddress: email,
  });
  if (Array.isArray(d["usersLoggedOn"]) && d["operatingSystem"] === "Windows") {
    d["usersLoggedOn"] = owner ? [{ userId: owner.id, lastLogOnDateTime: d["lastSyncDateTime"] }] : [];
  }
  for (const p of tenant.compliance[deviceId] ?? []) {
    Object.assign(p, { userId: owner?.id ?? null, userPrincipalName: owner?.upn ?? null });
    for (const s of p.settingStates) {
      Object.assign(s, {
        userId: owner?.id ?? null,
        userName: owner?.displayName ?? "System Account",
        userEmail: owner ? email : null,
        userPrincipalName: owner?.upn ?? "System Account",
      });
    }
  }
  return d;
}

/**
 * Sets a device's compliance. For a failing state, `failing` names the settings that fail (default: one or two
 * of the platform's settings, chosen from the device id); "compliant" clears them.
 */
export function setCompliance(
  tenant: SimTenant,
  deviceId: string,
  state: "compliant" | "noncompliant" | "inGracePeriod" | "error" | "conflict" | "unknown" | "configManager",
  failing?: readonly string[],
  asOf = AS_OF,
): Record<string, unknown> {
  const d = find(tenant, deviceId);
  const ctx = contextOf(tenant);
  const rng = rngFor(ctx.seed, "compliance", deviceId, state);
  const fails = BAD.has(state) ? (failing ?? randomFailures(rng, policyPlatformOf(d))) : [];
  const failState = state === "error" ? "error" : state === "conflict" ? "conflict" : "nonCompliant";
  const policies = settle(ctx, rng, { device: d, state, failing: fails, failState }, asOf);
  if (policies) tenant.compliance[deviceId] = policies;
  else delete tenant.compliance[deviceId];
  return d;
}

export function syncDevice(tenant: SimTenant, deviceId: string, when: number): Record<string, unknown> {
  const d = find(tenant, deviceId);
  d["lastSyncDateTime"] = iso(when);
  return d;
}

function sample(rng: Rng, ids: string[], k: number): string[] {
  const pool = [...ids];
  const out: string[] = [];
  while (out.length < k && pool.length > 0) out.push(pool.splice(int(rng, 0, pool.length - 1), 1)[0]!);
  return out;
}

/** One step of change in every tenant. Rates per step: +1% devices, −0.5%, 0.5% new owners, 1% fall out of compliance, 30% recover. */
export function evolveFleet(fleet: Fleet, step: number): EvolveSummary {
  if (!Number.isInteger(step) || step < 1) throw new Error(`evolveFleet: step must be an integer ≥ 1, got ${step}`);
  const now = asOfStep(step);
  const out: EvolveSummary = {
    step,
    asOf: iso(now),
    added: [],
    removed: [],
    ownerChanged: [],
    becameNoncompliant: [],
    becameCompliant: [],
    synced: 0,
  };
  fleet.tenants.forEach((tenant, t) => {
    materialized(tenant);
    const rng = rngFor(fleet.seed, "evolve", t, step);
    const ctx = contextOf(tenant);
    const n = tenant.devices.length;
    const rate = (r: number) => (n === 0 ? 0 : Math.max(1, Math.round(n * r)));
    for (const id of sample(
      rng,
      tenant.devices.map((d) => String(d["id"])),
      rate(0.005),
    )) {
      removeDevice(tenant, id);
      out.removed.push(id);
    }
    const withUser = tenant.devices.filter((d) => d["userId"]).map((d) => String(d["id"]));
    for (const id of sample(rng, withUser, rate(0.005))) {
      const u = userAt(ctx, int(rng, 0, userPoolSize(ctx.size) - 1));
      setOwner(tenant, id, { id: u.id, displayName: u.displayName, upn: u.upn, email: u.email });
      out.ownerChanged.push(id);
    }
    const bad = tenant.devices.filter((d) => BAD.has(String(d["complianceState"]))).map((d) => String(d["id"]));
    for (const id of sample(rng, bad, Math.ceil(bad.length * 0.3))) {
      setCompliance(tenant, id, "compliant", [], now);
      out.becameCompliant.push(id);
    }
    const good = tenant.devices.filter((d) => d["complianceState"] === "compliant").map((d) => String(d["id"]));
    for (const id of sample(rng, good, rate(0.01))) {
      if (out.becameCompliant.includes(id)) continue;
      setCompliance(tenant, id, rng() < 0.8 ? "noncompliant" : "inGracePeriod", undefined, now);
      out.becameNoncompliant.push(id);
    }
    for (const d of tenant.devices) {
      const last = d["lastSyncDateTime"] === NEVER ? NaN : Date.parse(String(d["lastSyncDateTime"]));
      // Devices that were checking in keep doing so; stale and never-synced ones stay as they are.
      if (last >= now - 8 * DAY && rng() < 0.9) {
        d["lastSyncDateTime"] = iso(now - int(rng, 0, 6 * 3600) * 1000);
        out.synced++;
      }
    }
    for (let k = rate(0.01); k > 0; k--) out.added.push(String(addDevice(tenant, {}, now)["id"]));
  });
  return out;
}
