// The product catalogue after importing the demo fleet (issue 15): products the connector created per 1,000
// devices, and make-and-model pairs that have more than one product (the customer's own duplicates, there before the
// import, are counted apart: they are not ours to merge). Rate limits off, waits instant.
// Reproduce: npx tsx bench/catalogue.ts [devices=500] [seed=42]
import { isSoftwareCi } from "../src/sync/software-ci.js";
import { generateFleet } from "../src/sandbox/fleet/generate.js";
import { DEMO_FORM_FIELDS } from "../src/sandbox/demo/run-demo.js";
import { startSandbox } from "../src/sandbox/harness.js";
import { makeModelKey, makeModelOf, UNKNOWN_BRAND, UNKNOWN_MODEL } from "../src/sync/make-model.js";

const devices = Number(process.argv[2] ?? 500);
const seed = Number(process.argv[3] ?? 42);
const sandbox = await startSandbox({ fleet: generateFleet({ seed, size: devices }), instantWaits: true });
try {
  const products = () => sandbox.fourme.inspect.products(sandbox.account);
  const before = new Set(products().map((p) => p.id));
  await sandbox.setup({ fields: DEMO_FORM_FIELDS });
  const after = products();
  const created = after.filter((p) => !before.has(p.id));
  const byKey = new Map<string, typeof after>();
  for (const p of after) {
    const mm = makeModelOf(p.brand, p.model);
    // Filler ("Default string") names no make and model: such products are kept apart per category on purpose.
    if (mm.brand === UNKNOWN_BRAND || mm.model === UNKNOWN_MODEL) continue;
    const key = makeModelKey(mm);
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }
  const dupes = [...byKey.values()].filter((ps) => ps.length > 1);
  const ours = dupes.filter((ps) => ps.some((p) => !before.has(p.id)));
  const imported = sandbox.fourme.inspect
    .cis(sandbox.account)
    .filter((c) => c.source === "Intune" && !isSoftwareCi(c)).length;
  console.log(`devices: ${devices} (seed ${seed}), CIs from Intune: ${imported}`);
  console.log(
    `products: ${before.size} before, ${after.length} after; created ${created.length} ` +
      `= ${((created.length / devices) * 1000).toFixed(1)} per 1,000 devices`,
  );
  console.log(
    `make/model pairs with more than one product: ${ours.length} involving a product the import created, ` +
      `${dupes.length - ours.length} the customer's own (there before)`,
  );
  for (const ps of ours)
    console.log("  duplicate:", ps.map((p) => `${p.brand} | ${p.model} (${p.source ?? "no source"})`).join(" / "));
} finally {
  await sandbox.close();
}
