// The simulated world shared by the sandbox: Intune tenants (raw Graph JSON, as Graph would send it) and the
// 4me account seeded to match them. The Graph simulator serves `tenants`; the 4me simulator seeds `fourme`.
import type { Cloud } from "../../intune/clouds.js";

export interface Fleet {
  seed: number;
  tenants: SimTenant[];
  fourme: FourMeSeed;
}

export interface SimTenant {
  domain: string;
  /** Entra tenant id (GUID); the OpenID configuration's issuer carries it. */
  tenantId: string;
  cloud: Cloud;
  /**
   * Raw Graph managedDevice JSON with v1.0 and beta properties, except beta `hardwareInformation`, which the
   * simulator derives when it serves a device. The simulator strips beta-only properties for /v1.0.
   */
  devices: Record<string, unknown>[];
  /** deviceId → its compliance policy states (each with its setting states). */
  compliance: Record<string, SimPolicyState[]>;
  /**
   * Set only on fleets generated with `lazy: true` (huge fleets for benchmarks): then `devices` and
   * `compliance` are empty and the simulator computes device i on demand, so 100k devices are never all held.
   */
  lazy?: LazyDevices;
  /**
   * Apps uninstalled from a device since the fleet was generated (a test's control, sandbox/microsoft/graph-apps.ts
   * uninstallApp): device id → display names Intune no longer detects on it.
   */
  uninstalled?: Map<string, Set<string>>;
  /** How the generator made this tenant; evolve uses it to add devices with fresh ids. Absent on hand-made tenants. */
  gen?: TenantGen;
}

export interface TenantGen {
  seed: number;
  tenantIndex: number;
  prefix: string;
  size: number;
  /** The index the next added device gets (device ids encode their index). */
  nextIndex: number;
}

export interface LazyDevices {
  size: number;
  deviceAt(index: number): Record<string, unknown>;
  /** The index of a device id, or -1; ids of lazy devices encode their index. */
  indexOf(deviceId: string): number;
  complianceAt(index: number): SimPolicyState[];
}

/** complianceStatus enum of deviceCompliancePolicyState.state and setting states (camel-case `nonCompliant`). */
export type SimComplianceStatus =
  "unknown" | "notApplicable" | "compliant" | "remediated" | "nonCompliant" | "error" | "conflict" | "notAssigned";

/** deviceCompliancePolicyState (beta) as in graph-examples/deviceCompliancePolicyStates-beta.json. */
export interface SimPolicyState {
  id: string;
  displayName: string;
  version: number;
  platformType: string;
  state: SimComplianceStatus;
  settingCount: number;
  userId: string | null;
  userPrincipalName: string | null;
  /** Served only by …/settingStates; the policy-state list returns `settingStates: []` like Graph does. */
  settingStates: SimSettingState[];
}

/** deviceCompliancePolicySettingState (beta) as in graph-examples/deviceCompliancePolicyState-settingStates-beta.json. */
export interface SimSettingState {
  setting: string;
  settingName: string | null;
  instanceDisplayName: string | null;
  state: SimComplianceStatus;
  errorCode: number;
  errorDescription: string | null;
  userId: string | null;
  userName: string | null;
  userEmail: string | null;
  userPrincipalName: string | null;
  sources: { id: string; displayName: string; sourceType: "deviceConfiguration" | "deviceIntent" }[];
  currentValue: string | null;
  settingInstanceId: string | null;
}

export interface FourMeSeedPerson {
  name: string;
  primaryEmail: string;
  authenticationID?: string;
  disabled?: boolean;
}

export interface FourMeSeedProduct {
  brand: string;
  model: string;
  name: string;
  categoryReference: string;
  categoryName: string;
}

export interface FourMeSeedCi {
  name: string;
  serialNr: string;
  brand: string;
  model: string;
  /** A 4me CiStatus value, e.g. `in_production` or `archived`. */
  status: string;
}

export interface FourMeSeed {
  people: FourMeSeedPerson[];
  teams?: { name: string }[];
  serviceInstances?: { name: string }[];
  /** Request templates the customer has (none unless given). */
  requestTemplates?: { subject: string; disabled?: boolean }[];
  products: FourMeSeedProduct[];
  cis: FourMeSeedCi[];
}
