// The demo's closing summary: what a newcomer wants to see after one command. Pure.
import { isSoftwareCi } from "../../sync/software-ci.js";
import { Field } from "../../app-instance/fields.js";
import type { SyncRun } from "../../store/types.js";

export interface DemoSummaryInput {
  run: SyncRun | undefined;
  form: Record<string, unknown>;
  cis: { source?: string | null; sourceID?: string | null; status: string; users: unknown[] }[];
  requests: number;
  elapsedMs: number;
}

export function renderDemoSummary(i: DemoSummaryInput): string {
  if (!i.run) return "No sync ran: check the connector's log above.";
  const c = i.run.counts;
  const n = (k: string) => c[k] ?? 0;
  const group = (prefix: string) =>
    Object.entries(c)
      .filter(([k, v]) => k.startsWith(prefix) && v > 0)
      .map(([k, v]) => `    ${k.slice(prefix.length).replaceAll("_", " ")}: ${v}`)
      .join("\n") || "    none";
  // Devices only: the operating-system and application CIs have no user to link.
  const ours = i.cis.filter((ci) => ci.source === "Intune" && !isSoftwareCi(ci));
  const linked = ours.filter((ci) => ci.users.length > 0).length;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const runMs = i.run.endedAt ? Date.parse(i.run.endedAt) - Date.parse(i.run.startedAt) : undefined;
  return [
    // Two different times: the run alone (read, write, alerts), and everything the demo did around it.
    `Sync ${i.run.status}: the sync run took ${runMs === undefined ? "?" : seconds(runMs)} (read Intune, write ` +
      `4me, alerts); the whole demo ${seconds(i.elapsedMs)} (fleet generation, simulators, install, consent, sync)`,
    `  Devices seen in Intune:        ${n("seen")}`,
    `  In scope of the filters:       ${n("in_scope")}`,
    `  Excluded by the filters:`,
    group("excluded:"),
    `  Skipped, with reasons:`,
    group("skipped:"),
    `  CIs created:                   ${n("created")}`,
    `  CIs updated:                   ${n("updated")}  (matched by serial: ${n("matched_by_serial")})`,
    `  CIs unchanged:                 ${n("unchanged")}`,
    `  CIs retired:                   ${n("retired")}`,
    `  CIs with a user linked:        ${linked} of ${ours.length}  (users not found in 4me: ${n("users_not_found")})`,
    `  Requests opened (alerts):      ${n("alerts_created")}  (requests in the account: ${i.requests})`,
    `  Tenant status in the form:     ${String(i.form["tenant_1_status"] ?? "")}`,
    `  Summary written to 4me:        ${i.form[Field.syncSummary] ? "yes" : "no"}`,
    ...(i.run.errors.length ? [`  First errors:`, ...i.run.errors.slice(0, 5).map((e) => `    ${e}`)] : []),
  ].join("\n");
}
