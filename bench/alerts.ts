// Compliance-alerts benchmark against the sandbox (issue 7), rate limits off: the 4me requests (GraphQL calls in the
// customer account) the first sync with alerts on uses for 1,000 noncompliant devices, and the 4me writes of a second
// sync when nothing changed (goal: no request or note written).
// Reproduce: npx tsx bench/alerts.ts [devices=10000] [noncompliant=1000]
//
// The fleet is imported with alerts off and every device compliant; then `noncompliant` imported devices fail
// (random failing settings) and a sync with alerts still off writes that to their CIs. An unchanged re-sync gives the
// baseline; the alerts' own cost is the first sync with alerts on minus that baseline (the same CIs, nothing else
// changed). Only the customer account's requests are counted (the run summary goes to the provider account).
import os from "node:os";
import { Field } from "../src/app-instance/fields.js";
import { generateFleet } from "../src/sandbox/fleet/generate.js";
import type { RequestStats } from "../src/sandbox/fourme/index.js";
import { IMPORT_ALL, startSandbox } from "../src/sandbox/harness.js";

const devices = Number(process.argv[2] ?? 10_000);
const noncompliant = Number(process.argv[3] ?? 1_000);
if (!Number.isInteger(devices) || !Number.isInteger(noncompliant) || noncompliant > devices || noncompliant < 1) {
  throw new Error("usage: npx tsx bench/alerts.ts [devices] [noncompliant ≤ devices]");
}
const SERVICE_INSTANCE = "Endpoint Management (alerts)";
const REQUEST_WRITES = ["requestCreate", "requestUpdate", "noteCreate"];

const fleet = generateFleet({ seed: 7, size: devices });
fleet.fourme.serviceInstances = [...(fleet.fourme.serviceInstances ?? []), { name: SERVICE_INSTANCE }];
const sandbox = await startSandbox({ fleet, instantWaits: true });
try {
  const tenant = fleet.tenants[0]!.domain;
  const controls = sandbox.microsoft.controls;
  for (const d of controls.tenant(tenant).devices) controls.setCompliance(tenant, String(d["id"]), "compliant");
  await sandbox.setup({
    tenants: [{ domain: tenant }],
    fields: [...IMPORT_ALL, { id: Field.supportTeam, value: "Service Desk" }],
  });
  const imported = (await sandbox.connector.store.getLedger(sandbox.account)).filter((e) => e.ciId && !e.retired);
  if (imported.length < noncompliant) throw new Error(`only ${imported.length} devices were imported`);
  for (const e of imported.slice(0, noncompliant)) controls.setCompliance(tenant, e.deviceId, "noncompliant");
  await sandbox.sync("bench-compliance-on-cis");

  /** One sync (or `act`, which runs one), measured in the customer account. */
  const measure = async (act: () => Promise<unknown>) => {
    const runsBefore = (await sandbox.runs(100)).length;
    sandbox.fourme.resetStats();
    sandbox.microsoft.controls.resetStats();
    const t = Date.now();
    await act();
    if ((await sandbox.runs(100)).length === runsBefore) await sandbox.sync("bench");
    const ms = Date.now() - t;
    const stats = sandbox.fourme.stats();
    const graph = sandbox.microsoft.controls.stats().total;
    return { ms, stats, graph, customer: stats.byAccount[sandbox.account] ?? 0, run: (await sandbox.runs(1))[0] };
  };
  const writesOf = (s: RequestStats) => REQUEST_WRITES.reduce((n, m) => n + (s.byMutation[m] ?? 0), 0);

  const baseline = await measure(() => sandbox.sync("bench-baseline"));
  const instance = sandbox.fourme.inspect.serviceInstances(sandbox.account).find((s) => s.name === SERVICE_INSTANCE);
  // Switching alerts on in the form queues a sync, as in production: that is the first sync with alerts on.
  const first = await measure(() =>
    sandbox.saveForm([
      { id: Field.alertsEnabled, value: true },
      { id: Field.alertsServiceInstance, value: instance!.id },
      // Every violation in one run, to measure what a request costs (the default of 100 would spread them).
      { id: Field.alertsMaxNewPerRun, value: noncompliant },
    ]),
  );
  const second = await measure(() => sandbox.sync("bench-unchanged"));
  const requests = sandbox.fourme.inspect.requests(sandbox.account);

  const alertsCost = first.customer - baseline.customer;
  console.log(`devices: ${devices}, imported: ${imported.length}, noncompliant (imported): ${noncompliant}`);
  console.log(
    `baseline unchanged sync, alerts off: ${baseline.ms} ms, 4me requests ${baseline.customer} (mutations ${baseline.stats.mutations})`,
  );
  console.log(
    `first sync with alerts on: ${first.ms} ms, 4me requests ${first.customer}; alerts' own share ${alertsCost} ` +
      `= ${((alertsCost / noncompliant) * 1000).toFixed(0)} per 1,000 noncompliant devices; ` +
      `requests created ${first.run?.counts["alerts_created"] ?? 0}, failed ${first.run?.counts["alerts_failed"] ?? 0}`,
  );
  console.log("  by operation:", JSON.stringify(first.stats.byOperation));
  console.log(
    `second sync, nothing changed: ${second.ms} ms, 4me requests ${second.customer}, request/note writes ${writesOf(second.stats)} ` +
      `(goal 0), all mutations ${JSON.stringify(second.stats.byMutation)}`,
  );
  console.log("  by operation:", JSON.stringify(second.stats.byOperation));
  console.log(
    `Graph HTTP requests: baseline ${baseline.graph}, first with alerts ${first.graph}, second ${second.graph}. ` +
      "Wall time with alerts on is mostly the connector's own Intune budget for compliance detail " +
      "(1,000 sub-requests per 20 s per tenant, in real time): each sync reads every troubled device's states.",
  );
  console.log(
    `4me requests in the account: ${requests.length}, unchanged alerts ${second.run?.counts["alerts_unchanged"] ?? 0}`,
  );
  console.log(
    `machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  console.log(`reproduce: npx tsx bench/alerts.ts ${devices} ${noncompliant}`);
  if (writesOf(second.stats) !== 0 || requests.length !== (first.run?.counts["alerts_created"] ?? -1)) {
    process.exitCode = 1;
  }
} finally {
  await sandbox.close();
}
