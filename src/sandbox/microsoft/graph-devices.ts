// The tenant's devices as Graph shows them: one view over lazy and materialised tenants, and the projection of a
// stored device to v1.0 or beta, a list row or a GET by id, with or without $select.
import { policyStatesOf } from "../fleet/generate.js";
import {
  BETA_ONLY_CM_FEATURES,
  BETA_ONLY_ENROLLMENT_TYPES,
  BETA_PROPS,
  GET_BY_ID_ONLY,
  V1_PROPS,
  hardwareFull,
  hardwareStub,
} from "../fleet/graph-shape.js";
import { mix } from "../fleet/prng.js";
import type { SimPolicyState, SimTenant } from "../fleet/types.js";
import type { Version } from "./graph-query.js";

export interface DeviceView {
  size(): number;
  at(i: number): Record<string, unknown> | undefined;
  indexOf(id: string): number;
  policyStates(device: Record<string, unknown>, index: number): SimPolicyState[];
}

const indexes = new WeakMap<SimTenant, Map<string, number>>();

export function viewOf(tenant: SimTenant): DeviceView {
  const lazy = tenant.lazy;
  if (lazy) {
    return {
      size: () => lazy.size,
      at: (i) => (i < lazy.size ? lazy.deviceAt(i) : undefined),
      indexOf: (id) => lazy.indexOf(id),
      policyStates: (_d, i) => lazy.complianceAt(i),
    };
  }
  return {
    size: () => tenant.devices.length,
    at: (i) => tenant.devices[i],
    indexOf: (id) => {
      // The fleet may have changed since the index was built: trust it only if it still points at the id.
      let map = indexes.get(tenant);
      let i = map?.get(id);
      if (i === undefined || tenant.devices[i]?.["id"] !== id) {
        map = new Map(tenant.devices.map((d, k) => [String(d["id"]), k]));
        indexes.set(tenant, map);
        i = map.get(id);
      }
      return i ?? -1;
    },
    policyStates: (d) => policyStatesOf(tenant, d),
  };
}

const hexOf = (seed: string, n: number) => {
  let s = "";
  for (let k = 0; s.length < n; k++) s += mix(seed, k).toString(16).padStart(8, "0");
  return s.slice(0, n).toUpperCase();
};

/** Values Graph fills only for GET …/managedDevices/{id}?$select=<prop>. */
function byIdValue(d: Record<string, unknown>, prop: string): unknown {
  const id = String(d["id"]);
  const chassis = d["chassisType"];
  switch (prop) {
    case "physicalMemoryInBytes":
      return (chassis === "desktop" ? 32 : chassis === "laptop" ? 16 : chassis === "tablet" ? 8 : 6) * 1024 ** 3;
    case "ethernetMacAddress":
      return d["operatingSystem"] === "Windows" && chassis === "desktop" ? hexOf(`eth${id}`, 12) : "";
    case "udid":
      return d["manufacturer"] === "Apple" ? `00008${hexOf(`udid${id}`, 3)}-${hexOf(`udid2${id}`, 16)}` : null;
    case "iccid":
      return d["imei"]
        ? `8931${String(mix("iccid", id)).padStart(10, "0")}${String(mix("iccid2", id)).slice(0, 5)}`
        : "";
    default:
      return d[prop] ?? null;
  }
}

function value(d: Record<string, unknown>, prop: string, version: Version, byId: boolean): unknown {
  if (prop === "hardwareInformation") return byId ? hardwareFull(d) : hardwareStub(d);
  if (byId && (GET_BY_ID_ONLY as readonly string[]).includes(prop)) return byIdValue(d, prop);
  const v = d[prop];
  if (version === "v1.0") {
    if (prop === "deviceEnrollmentType" && BETA_ONLY_ENROLLMENT_TYPES.has(String(v))) return "unknownFutureValue";
    if (prop === "configurationManagerClientEnabledFeatures" && v && typeof v === "object") {
      const copy = { ...(v as Record<string, unknown>) };
      for (const k of BETA_ONLY_CM_FEATURES) delete copy[k];
      return copy;
    }
  }
  return v === undefined ? null : v;
}

/**
 * A device as Graph returns it. A list row and a GET by id without $select carry the list defaults of the
 * GET-by-id-only properties; a GET by id that selects them gets real values (CSDL descriptions).
 */
export function project(
  d: Record<string, unknown>,
  version: Version,
  select: string[] | null,
  byId: boolean,
): Record<string, unknown> {
  const props = select ? ["id", ...select.filter((p) => p !== "id")] : version === "v1.0" ? V1_PROPS : BETA_PROPS;
  const out: Record<string, unknown> = {};
  for (const p of props) out[p] = value(d, p, version, byId && select !== null);
  return out;
}

/** A policy state as …/deviceCompliancePolicyStates lists it: settingStates empty; v1.0 has no user fields. */
export function projectPolicyState(p: SimPolicyState, version: Version): Record<string, unknown> {
  const base = {
    id: p.id,
    settingStates: [],
    displayName: p.displayName,
    version: p.version,
    platformType: p.platformType,
    state: p.state,
    settingCount: p.settingCount,
  };
  return version === "beta" ? { ...base, userId: p.userId, userPrincipalName: p.userPrincipalName } : base;
}
