// Recomputes an account's fleet breakdown by reading every connected tenant page by page (after a tenant is
// connected; the sync computes its own from the pages it reads anyway), stores it and writes it to the form.
import { AuthorizationError } from "../errors.js";
import { silentLogger } from "../logger.js";
import { BreakdownAccumulator, breakdownField, breakdownJson, type FleetBreakdown } from "./breakdown.js";
import { intuneDepsOf, recordAuthorizationFailure, writeBack, type ConnectionDeps } from "./connection.js";
import { createIntuneClient } from "./intune-client.js";
import { readableTenantsOf } from "./readable-tenants.js";

export async function refreshBreakdown(account: string, deps: ConnectionDeps): Promise<FleetBreakdown | undefined> {
  const readable = await readableTenantsOf(account, deps);
  if (!readable) return undefined;
  const { instance, tenants } = readable;
  const log = (deps.logger ?? silentLogger).child({ account });
  const acc = new BreakdownAccumulator();
  for (const t of tenants) {
    const client = createIntuneClient({ tenantId: t.tenantId!, cloud: t.cloud }, intuneDepsOf(deps));
    try {
      // Platform, ownership and user state come from v1.0 fields; the beta read would add nothing here.
      for await (const page of client.readDevices({ beta: false })) acc.add(page.devices);
    } catch (err) {
      if (err instanceof AuthorizationError) {
        await recordAuthorizationFailure(account, t.tenantId!, err, deps);
        log.warn({ tenantId: t.tenantId }, "breakdown skipped a tenant that refused access");
        continue;
      }
      throw err;
    }
  }
  const breakdown = acc.result();
  await deps.store.upsertInstance({
    account,
    offeringReference: instance.offeringReference,
    breakdown: breakdownJson(breakdown),
  });
  await writeBack(deps, instance, [breakdownField(breakdown)]);
  return breakdown;
}
