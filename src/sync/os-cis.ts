// Operating-system CIs in 4me (issue 17): the software CI of each OS family the run's devices point at through
// operatingSystemId. 4me takes operatingSystemId as a CI id, so an OS CI must exist before the first device that
// points at it is uploaded: per batch, the families not met yet this run are looked up by sourceID (one read), and
// the missing ones are created through the same bulk upload the devices use (one call for all of them), under a
// software product per OS and a product category with the software rule set. An unchanged re-sync writes no device
// and so asks nothing. An OS CI no device uses any more is left as it is.
import type { DiscoveredUpload } from "../fourme/types.js";
import { rethrowFatal, type ApplyDeps, type ApplyResult } from "./apply-plan.js";
import { categoryReference } from "./device-category.js";
import type { MappedCi } from "./map-device.js";
import type { OsFamily } from "./os-family.js";
import { ensureSoftwareCategory } from "./software-category.js";

/**
 * Where the OS CIs' products go: the category 4me's own examples name for operating systems
 * (`software/operating_system_software`, 4me-platform.md §8.2), so an account that has it already reuses it.
 */
export const OS_CATEGORY = { group: "Software", name: "Operating System Software" } as const;
export const OS_CATEGORY_REFERENCE = categoryReference(OS_CATEGORY.name, OS_CATEGORY.group);

/** The OS CI id of each family (by its sourceID) a run has resolved; families that failed stay unresolved. */
export class OsCiResolver {
  private readonly ids = new Map<string, string>();
  private readonly failed = new Set<string>();
  private categoryReady = false;

  constructor(
    private readonly deps: Pick<ApplyDeps, "api" | "logger" | "supportTeam">,
    private readonly result: ApplyResult,
  ) {}

  /** The OS CI ids, by OS sourceID, of these CIs' families: looked up, and created when missing. */
  async resolve(cis: readonly Pick<MappedCi, "os">[]): Promise<ReadonlyMap<string, string>> {
    const wanted = new Map<string, OsFamily>();
    for (const { os } of cis) {
      if (os && !this.ids.has(os.sourceID) && !this.failed.has(os.sourceID)) wanted.set(os.sourceID, os);
    }
    if (wanted.size === 0) return this.ids;
    try {
      for (const ci of await this.deps.api.findCisBySource([...wanted.keys()])) {
        if (ci.sourceID && wanted.delete(ci.sourceID)) this.ids.set(ci.sourceID, ci.id);
      }
      if (wanted.size) await this.create([...wanted.values()]);
    } catch (err) {
      rethrowFatal(err);
      // Their devices are written without the pointer and stay changed, so the next run tries again.
      for (const k of wanted.keys()) this.failed.add(k);
      this.result.errors.push(`operating-system CIs: ${(err as Error).message}`);
    }
    return this.ids;
  }

  private async create(families: OsFamily[]) {
    await this.ensureCategory();
    const products = new Map<string, DiscoveredUpload["categories"][number]["products"][number]>();
    for (const f of families) {
      const p = products.get(f.productSourceID) ?? {
        sourceID: f.productSourceID,
        name: `${f.brand} ${f.model}`,
        brand: f.brand,
        model: f.model,
        strategy: "DEFAULT" as const,
        configurationItems: [],
      };
      p.configurationItems.push({ sourceID: f.sourceID, name: f.name, status: "in_production", strategy: "CREATE" });
      products.set(f.productSourceID, p);
    }
    const res = await this.deps.api.uploadDiscovered({
      categories: [
        {
          reference: OS_CATEGORY_REFERENCE,
          name: OS_CATEGORY.name,
          strategy: "DEFAULT",
          products: [...products.values()],
        },
      ],
      ...(this.deps.supportTeam ? { supportTeam: this.deps.supportTeam } : {}),
    });
    for (const item of res.items) if (item.sourceID) this.ids.set(item.sourceID, item.id);
    for (const f of families) if (!this.ids.has(f.sourceID)) this.failed.add(f.sourceID);
    for (const e of res.errors.slice(0, 5)) this.result.errors.push(`4me (OS CIs): ${e.message}`);
    const made = families.filter((f) => this.ids.has(f.sourceID)).length;
    if (made) this.result.counts["os_cis_created"] = (this.result.counts["os_cis_created"] ?? 0) + made;
  }

  /** The OS category is made first, once, when missing (software-category.ts). */
  private async ensureCategory() {
    if (this.categoryReady) return;
    // 4me refuses an operating system that is no software CI, and with it the whole device: never point at one.
    await ensureSoftwareCategory(
      this.deps.api,
      OS_CATEGORY,
      `devices are written without their operating system until it is fixed (or the form's "Operating-system CIs" is off)`,
    );
    this.categoryReady = true;
  }
}
