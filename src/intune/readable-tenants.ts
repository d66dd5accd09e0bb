// The tenants of an account the connector may read now: connected in the form and bound to this account (not moved
// to another 4me account). Shared by the refreshes that read every tenant (breakdown, detected-app catalogue).
import type { InstanceRecord, TenantRecord } from "../store/types.js";
import type { ConnectionDeps } from "./connection.js";
import { splitByOwnership } from "./tenant-ownership.js";

export async function readableTenantsOf(
  account: string,
  deps: Pick<ConnectionDeps, "store">,
): Promise<{ instance: InstanceRecord; tenants: TenantRecord[] } | undefined> {
  const instance = await deps.store.getInstance(account);
  if (!instance) return undefined;
  const inForm = await deps.store.listTenants(account);
  const { readable } = await splitByOwnership(deps.store, account, instance.appInstanceId, inForm);
  return { instance, tenants: readable };
}
