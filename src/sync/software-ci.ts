// Which of our CIs are software (operating systems, tracked applications) rather than devices: by the sourceID prefix
// os-family.ts and plan-software.ts give them. Device counts (the ledger, users, the demo summary) leave them out.
export const OS_CI_PREFIX = "os:";
export const APP_CI_PREFIX = "app:";

export function isSoftwareCi(ci: { sourceID?: string | null }): boolean {
  const id = ci.sourceID ?? "";
  return id.startsWith(OS_CI_PREFIX) || id.startsWith(APP_CI_PREFIX);
}
