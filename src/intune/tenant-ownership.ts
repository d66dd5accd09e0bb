// Whether an account may read a tenant: only when the tenant's binding (a verified administrator's sign-in, see
// sign-in-answer.ts) names that account. Naming a tenant in a form, or a status in the tenants table, is never enough:
// every reader of Intune data (sync, breakdown, alerts) asks here.
import type { InstanceStore, TenantBinding, TenantRecord } from "../store/types.js";

export type Ownership =
  { kind: "ours"; binding: TenantBinding } | { kind: "unclaimed" } | { kind: "other"; binding: TenantBinding };

export function ownershipOf(binding: TenantBinding | undefined, account: string, appInstanceId?: string): Ownership {
  if (!binding) return { kind: "unclaimed" };
  if (binding.account !== account) return { kind: "other", binding };
  // A binding made for an earlier installation of this account (its delete webhook lost) proves nothing for this one;
  // one carried over by the upgrade names no app instance and stands for the account's.
  if (binding.appInstanceId && appInstanceId && binding.appInstanceId !== appInstanceId) return { kind: "unclaimed" };
  return { kind: "ours", binding };
}

export const claimedReason = (domain: string) =>
  `connected to another 4me account: an administrator of ${domain} must sign in here to move it`;
export const movedReason = (domain: string) =>
  `moved to another 4me account by an administrator of ${domain}; its devices are treated as a removed tenant. An administrator of ${domain} can sign in here to move it back`;
export const confirmReason = (domain: string) =>
  `an administrator of ${domain} must sign in to confirm that this 4me account may read it`;

export function isMovedReason(reason: string | undefined): boolean {
  return !!reason?.startsWith("moved to another 4me account");
}

export interface TenantAccessSplit {
  /** Connected, resolved and bound to this account: the tenants a run may read. */
  readable: TenantRecord[];
  /** Tenant ids bound to another account: their imported devices count as a removed tenant's. */
  heldElsewhere: Set<string>;
}

/** Sorts an account's tenants by what the bindings allow. One binding read per distinct tenant id (a few). */
export async function splitByOwnership(
  store: Pick<InstanceStore, "getTenantBinding">,
  account: string,
  appInstanceId: string | undefined,
  tenants: readonly TenantRecord[],
): Promise<TenantAccessSplit> {
  const readable: TenantRecord[] = [];
  const heldElsewhere = new Set<string>();
  const seen = new Map<string, Ownership>();
  for (const t of tenants) {
    if (!t.tenantId) continue;
    const id = t.tenantId.toLowerCase();
    let own = seen.get(id);
    if (!own) seen.set(id, (own = ownershipOf(await store.getTenantBinding(id), account, appInstanceId)));
    if (own.kind === "other") heldElsewhere.add(t.tenantId);
    else if (own.kind === "ours" && t.status === "connected") readable.push(t);
  }
  return { readable, heldElsewhere };
}

/** The tenants in the form less those bound to another account, for the removed-tenant rule. */
export async function notHeldElsewhere(
  store: Pick<InstanceStore, "getTenantBinding">,
  account: string,
  tenants: readonly TenantRecord[],
): Promise<TenantRecord[]> {
  const { heldElsewhere } = await splitByOwnership(store, account, undefined, tenants);
  return tenants.filter((t) => !t.tenantId || !heldElsewhere.has(t.tenantId));
}
