// Lists the detected apps of every readable tenant of an account and writes their summary (name, version, device
// count) to the form's hidden software_catalogue field, so the "Tracked software" counts show before the patterns
// are saved. Run beside the fleet breakdown after a tenant is connected. Best effort: a tenant that cannot be read
// is left out and logged; the tenant check and the breakdown never fail because of it.
import { silentLogger } from "../logger.js";
import { intuneDepsOf, writeBack, type ConnectionDeps } from "./connection.js";
import { createIntuneClient } from "./intune-client.js";
import { CatalogueAccumulator, catalogueField, type SoftwareCatalogue } from "./software-catalogue.js";
import { readableTenantsOf } from "./readable-tenants.js";

export async function refreshSoftwareCatalogue(
  account: string,
  deps: ConnectionDeps,
): Promise<SoftwareCatalogue | undefined> {
  const readable = await readableTenantsOf(account, deps);
  if (!readable) return undefined;
  const { instance, tenants } = readable;
  const log = (deps.logger ?? silentLogger).child({ account });
  const acc = new CatalogueAccumulator();
  let read = 0;
  for (const t of tenants) {
    const client = createIntuneClient({ tenantId: t.tenantId!, cloud: t.cloud }, intuneDepsOf(deps));
    try {
      for await (const page of client.listDetectedApps()) acc.add(page);
      read++;
    } catch (err) {
      log.warn({ tenantId: t.tenantId, err: (err as Error).message }, "detected apps not listed for this tenant");
    }
  }
  // No tenant read: keep what the form shows rather than replace it with an empty catalogue.
  if (read === 0) return undefined;
  const catalogue = acc.result();
  await writeBack(deps, instance, [catalogueField(catalogue)]);
  return catalogue;
}
