// Which compliance policies and settings fail, for the devices whose roll-up state says something is wrong
// (microsoft-graph-intune.md §3.2): per device its deviceCompliancePolicyStates, then per failing policy its
// settingStates, all through $batch (≤ 20 per batch) on the compliance budget. Beta: that is where these paths
// are documented. A device whose detail cannot be read is reported through `onError`, not guessed.
import { AuthorizationError } from "../errors.js";
import type { BatchItemResponse, BatchRequest, GraphHttp } from "./graph-http.js";
import { MAX_BATCH } from "./throttle.js";
import type { DeviceCompliance, IntuneDevice, PolicyFailure } from "./types.js";

/** Device roll-up states (complianceState enum) worth a detail read. */
export const FLAGGED_COMPLIANCE_STATES: readonly string[] = ["noncompliant", "inGracePeriod", "conflict", "error"];
/** Policy and setting states (complianceStatus enum, camel-case) that count as failing. */
export const FAILING_STATUSES: readonly string[] = ["nonCompliant", "error", "conflict"];

export interface ReadComplianceOptions {
  /** Devices handled per round; bounds memory and keeps batches full. */
  chunkSize?: number;
  /** A device left out of the result, with why (e.g. its policy states answered 429 beyond the retries). */
  onError?: (deviceId: string, reason: string) => void;
  /** After each round: devices of `devices` handled so far (those not flagged count as handled at once). */
  onProgress?: (done: number) => void;
}

export function needsComplianceDetail(d: Pick<IntuneDevice, "complianceState">): boolean {
  return FLAGGED_COMPLIANCE_STATES.includes(d.complianceState ?? "");
}

/** Failing policies and settings of the flagged devices among `devices`. Others are ignored. */
export async function readCompliance(
  http: GraphHttp,
  devices: Pick<IntuneDevice, "id" | "complianceState">[],
  opts: ReadComplianceOptions = {},
): Promise<DeviceCompliance[]> {
  const flagged = devices.filter(needsComplianceDetail);
  const chunkSize = opts.chunkSize ?? 200;
  const out: DeviceCompliance[] = [];
  const others = devices.length - flagged.length;
  for (let i = 0; i < flagged.length; i += chunkSize) {
    out.push(...(await readChunk(http, flagged.slice(i, i + chunkSize), opts)));
    opts.onProgress?.(others + Math.min(flagged.length, i + chunkSize));
  }
  return out;
}

async function readChunk(
  http: GraphHttp,
  devices: Pick<IntuneDevice, "id" | "complianceState">[],
  opts: ReadComplianceOptions,
): Promise<DeviceCompliance[]> {
  const enc = encodeURIComponent;
  const policyReqs = devices.map((d, i) => ({
    id: String(i),
    url: `/deviceManagement/managedDevices/${enc(d.id)}/deviceCompliancePolicyStates`,
  }));
  const policyAnswers = await batchAll(http, policyReqs);

  const results: { device: (typeof devices)[number]; policies: PolicyFailure[] }[] = [];
  const settingReqs: BatchRequest[] = [];
  const settingTarget = new Map<string, PolicyFailure>();
  devices.forEach((device, i) => {
    const answer = policyAnswers.get(String(i));
    if (!answer || answer.status !== 200) {
      if (answer?.status !== 404) opts.onError?.(device.id, describe("compliance policy states", answer));
      return; // 404: the device left Intune since the list was read
    }
    const policies: PolicyFailure[] = [];
    for (const p of valueOf(answer.body)) {
      const state = str(p.state);
      const policyId = str(p.id);
      if (!policyId || !FAILING_STATUSES.includes(state)) continue;
      const failure: PolicyFailure = { policyId, policyName: str(p.displayName) || policyId, state, settings: [] };
      policies.push(failure);
      const reqId = `${i}:${policies.length - 1}`;
      settingReqs.push({
        id: reqId,
        url: `/deviceManagement/managedDevices/${enc(device.id)}/deviceCompliancePolicyStates/${enc(policyId)}/settingStates`,
      });
      settingTarget.set(reqId, failure);
    }
    results.push({ device, policies });
  });

  const settingAnswers = await batchAll(http, settingReqs);
  for (const [reqId, failure] of settingTarget) {
    const answer = settingAnswers.get(reqId);
    // Without its settings the policy failure still stands; the alert then names the policy only.
    if (!answer || answer.status !== 200) continue;
    for (const s of valueOf(answer.body)) {
      const state = str(s.state);
      if (!FAILING_STATUSES.includes(state)) continue;
      const setting = str(s.setting);
      failure.settings.push({
        setting,
        // settingName is always null from Graph (microsoft-graph-docs #7862); the technical name stands in.
        settingName: str(s.settingName) || str(s.instanceDisplayName) || setting,
        state,
        errorDescription: typeof s.errorDescription === "string" ? s.errorDescription : null,
      });
    }
  }

  return results.map(({ device, policies }) => ({
    tenantId: http.tenantId,
    deviceId: device.id,
    state: device.complianceState ?? "unknown",
    policies,
  }));
}

async function batchAll(http: GraphHttp, requests: BatchRequest[]): Promise<Map<string, BatchItemResponse>> {
  const chunks: BatchRequest[][] = [];
  for (let i = 0; i < requests.length; i += MAX_BATCH) chunks.push(requests.slice(i, i + MAX_BATCH));
  const answers = await Promise.all(chunks.map((chunk) => http.batch("compliance", "beta", chunk)));
  const all = new Map<string, BatchItemResponse>();
  for (const answer of answers) {
    for (const [id, item] of answer) {
      if (item.status === 401 || item.status === 403) {
        throw new AuthorizationError(`Microsoft Graph refused the compliance read (${describe("", item)})`, "graph");
      }
      all.set(id, item);
    }
  }
  return all;
}

function valueOf(body: unknown): Record<string, unknown>[] {
  const value = (body as { value?: unknown } | null)?.value;
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === "object") : [];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function describe(what: string, answer: BatchItemResponse | undefined): string {
  if (!answer) return `${what}: no answer`.trim();
  const err = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof err?.code === "string" ? `, ${err.code}` : "";
  const msg = typeof err?.message === "string" ? `: ${err.message.slice(0, 200)}` : "";
  return `${what ? `${what} ` : ""}${answer.status}${code}${msg}`;
}
