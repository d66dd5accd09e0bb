// Sync benchmark against the sandbox with rate limits off: 4me requests per 1,000 devices on the first import,
// mutations on an unchanged re-sync, wall time and peak RSS. Reproduce: npx tsx bench/sync.ts [devices]
// The simulators run in this process too, so the RSS figure includes them (an upper bound for the connector).
import os from "node:os";
import { Field } from "../src/app-instance/fields.js";
import { generateFleet } from "../src/sandbox/fleet/generate.js";
import { IMPORT_ALL, startSandbox } from "../src/sandbox/harness.js";

const devices = Number(process.argv[2] ?? 10_000);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);

const fleet = generateFleet({ seed: 7, size: devices });
const sandbox = await startSandbox({ fleet, instantWaits: true });
await sandbox.setup();
const mutations = () => Object.values(sandbox.fourme.stats().byMutation).reduce((a, b) => a + b, 0);

sandbox.fourme.resetStats();
let t = Date.now();
// Saving the form with the import activated runs the first import, as in production.
await sandbox.saveForm([...IMPORT_ALL, { id: Field.supportTeam, value: "Service Desk" }]);
const firstMs = Date.now() - t;
const firstRequests = sandbox.fourme.stats().total;
const firstRun = (await sandbox.runs(1))[0];

sandbox.fourme.resetStats();
t = Date.now();
await sandbox.sync("bench-resync");
const resyncMs = Date.now() - t;
const resyncMutations = mutations();
console.log("re-sync mutations by name:", JSON.stringify(sandbox.fourme.stats().byMutation));
const resyncRequests = sandbox.fourme.stats().total;
clearInterval(sampler);
await sandbox.close();

console.log(`devices: ${devices}  (first run status ${firstRun?.status})`);
console.log(
  `first import: ${firstMs} ms, 4me GraphQL requests ${firstRequests} = ${((firstRequests / devices) * 1000).toFixed(1)} per 1,000 devices, created ${firstRun?.counts.created ?? 0}`,
);
console.log(
  `unchanged re-sync: ${resyncMs} ms, 4me requests ${resyncRequests}, mutations ${resyncMutations} (appInstanceUpdate of the run summary in the provider account; see byMutation)`,
);
console.log(`peak RSS (connector + both simulators in one process): ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
console.log(
  `machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
console.log(`reproduce: npx tsx bench/sync.ts ${devices}`);
