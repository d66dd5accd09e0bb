// A run's compact record of one device: what stays in memory between reading Intune and writing 4me.
import type { MappedCi } from "./map-device.js";

/**
 * What a run holds per device between reading Intune and writing 4me: the fields the plan, the run-wide lookups
 * before the writes and the alerts pass need. The full CI (its custom fields above all) stays out of memory in a
 * CiStore and is loaded per batch of 100, so a 100,000-device run does not hold 100,000 full CIs.
 */
export interface FleetDevice extends Pick<
  MappedCi,
  "tenantId" | "deviceId" | "deviceClass" | "name" | "serialNr" | "lastSeenAt" | "sourceID" | "product" | "primaryUser"
> {
  /** fingerprintCi of the full CI. */
  fingerprint: string;
  /** The CI's "intune_compliance" label ("Compliant", …), for the alerts pass. */
  compliance?: string;
  /** Where the full CI is in the run's CiStore; -1 when it was not kept (an unchanged device: never written). */
  row: number;
  /** The Graph beta fields the CI was mapped with (beta-snapshot.ts), recorded in the ledger when it is written. */
  beta?: string;
}
