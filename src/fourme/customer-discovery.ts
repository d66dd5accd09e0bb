// Bulk CI upload through discoveredConfigurationItems (4me-platform.md §8.6): at most 100 CIs per call; 4me
// processes them in the background and publishes the result at asyncQuery.resultUrl, which holds `{}` until ready.
import { AppError, ErrorCode, UpstreamError } from "../errors.js";
import type { DiscoveredConfigurationItemsInput, DiscoveredConfigurationItemsMutation } from "./generated/sdk.js";
import type { FourMeGraphQLClient } from "./graphql-client.js";
import type { DiscoveredResult, DiscoveredStrategy, DiscoveredUpload } from "./types.js";

export const MAX_DISCOVERED_CIS = 100;

export interface DiscoveryPollOptions {
  /** First wait before reading resultUrl. Default 500 ms. */
  initialDelayMs?: number;
  /** Longest wait between two reads. Default 5 s. */
  maxDelayMs?: number;
  /** Total time to wait for the result before giving up. Default 300 s. */
  maxWaitMs?: number;
}

type Payload = NonNullable<DiscoveredConfigurationItemsMutation["discoveredConfigurationItems"]>;

/** The earliest a learnt first read comes after an upload. */
const MIN_FIRST_READ_MS = 50;

/**
 * How soon the first read of a result comes, learnt over the batches of one run (one CustomerApi). The fixed first
 * wait (initialDelayMs, 500 ms) made a 5,000-device import sleep 25 s when 4me had every result at once: 80% of
 * its sync time in bench/replicas.ts. So a result ready at the first read halves the next first wait (down to
 * 50 ms); one that was not puts it back to the initial wait. A learnt read comes before the fixed schedule, never
 * instead of it: against a 4me slower than the initial wait nothing changes, and a miss costs one read.
 */
export class DiscoveryPace {
  private next: number;

  constructor(private readonly initialMs = 500) {
    this.next = initialMs;
  }

  /** When to read first, in ms after the upload. */
  get firstReadMs(): number {
    return this.next;
  }

  record(readyAtFirstRead: boolean): void {
    this.next = readyAtFirstRead ? Math.max(MIN_FIRST_READ_MS, Math.round(this.next / 2)) : this.initialMs;
  }
}

export async function uploadDiscovered(
  client: FourMeGraphQLClient,
  upload: DiscoveredUpload,
  options: DiscoveryPollOptions = {},
  pace?: DiscoveryPace,
): Promise<DiscoveredResult> {
  const count = upload.categories.reduce(
    (n, c) => n + c.products.reduce((m, p) => m + p.configurationItems.length, 0),
    0,
  );
  if (count > MAX_DISCOVERED_CIS) {
    throw new AppError(
      ErrorCode.Validation,
      `discoveredConfigurationItems takes at most 100 CIs per call, got ${count}`,
    );
  }
  if (count === 0) return { items: [], errors: [], errorCount: 0 };
  const data = await client.sdk.DiscoveredConfigurationItems({ input: toInput(upload) });
  const payload = data.discoveredConfigurationItems;
  if (!payload) throw new UpstreamError("discoveredConfigurationItems returned no payload");
  // A server that answers at once (no asyncQuery) gives the result in the payload itself.
  if (!payload.asyncQuery?.resultUrl) {
    if (payload.configurationItems) return toResult(payload);
    throw new UpstreamError("discoveredConfigurationItems returned neither a result nor a resultUrl");
  }
  return toResult(await pollResult(client, payload.asyncQuery.resultUrl, options, pace));
}

/**
 * When to read the result, in ms after the upload: the learnt early read when it is earlier than the schedule,
 * then the schedule: the initial wait, then waits 1.5 times longer each (capped at maxDelay).
 */
function* readTimes(initial: number, maxDelay: number, early?: number): Generator<number, never> {
  if (early !== undefined && early < initial) yield early;
  let at = initial;
  let gap = initial;
  for (;;) {
    yield at;
    gap = Math.min(maxDelay, Math.round(gap * 1.5));
    at += gap;
  }
}

async function pollResult(
  client: FourMeGraphQLClient,
  url: string,
  options: DiscoveryPollOptions,
  pace?: DiscoveryPace,
): Promise<Payload> {
  const maxWait = options.maxWaitMs ?? 300_000;
  const times = readTimes(options.initialDelayMs ?? 500, options.maxDelayMs ?? 5000, pace?.firstReadMs);
  let waited = 0;
  let reads = 0;
  let last = "no answer yet";
  for (;;) {
    if (waited >= maxWait) {
      throw new UpstreamError(`the discoveredConfigurationItems result was not ready after ${maxWait} ms (${last})`);
    }
    const at = times.next().value;
    await client.clock.sleep(at - waited);
    waited = at;
    reads++;
    client.stats.record("asyncQuery.resultUrl");
    let response: Response;
    try {
      // An expiring pre-signed link: no Authorization header.
      response = await client.fetch(url, { method: "GET", headers: { Accept: "application/json" } });
    } catch (err) {
      last = `network error: ${(err as Error).message}`;
      continue;
    }
    const text = (await response.text()).trim();
    if (!response.ok) {
      // The object may not exist yet (404/403) or the store hiccups (5xx): keep polling within the budget.
      last = `HTTP ${response.status}`;
      continue;
    }
    if (text === "" || text === "{}") {
      last = "not ready";
      continue;
    }
    let body: { data?: { discoveredConfigurationItems?: Payload | null }; errors?: { message?: string }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      last = "unreadable JSON";
      continue;
    }
    const result = body.data?.discoveredConfigurationItems;
    if (result) {
      pace?.record(reads === 1);
      return result;
    }
    if (body.errors?.length) {
      throw new UpstreamError(`discoveredConfigurationItems failed: ${body.errors.map((e) => e.message).join("; ")}`);
    }
    last = "no result in the document";
  }
}

function toResult(payload: Payload): DiscoveredResult {
  const errors = (payload.errors ?? []).map((e) => ({ path: e.path ?? undefined, message: e.message ?? "invalid" }));
  return {
    items: (payload.configurationItems ?? []).map((ci) => ({
      id: ci.id,
      sourceID: ci.sourceID ?? undefined,
      serialNr: ci.serialNr ?? undefined,
      status: ci.status ?? undefined,
      productId: ci.product?.id ?? undefined,
    })),
    errors,
    errorCount: payload.asyncQuery?.errorCount ?? errors.length,
  };
}

const meta = (strategy: DiscoveredStrategy | undefined) => (strategy ? { strategy } : undefined);

function toInput(upload: DiscoveredUpload): DiscoveredConfigurationItemsInput {
  return {
    source: upload.source,
    alternativeSources: upload.alternativeSources,
    supportTeam: upload.supportTeam,
    referenceStrategies: upload.ciUserIdsStrategy ? { ciUserIds: { strategy: upload.ciUserIdsStrategy } } : undefined,
    physicalAssets: upload.categories.map((c) => ({
      reference: c.reference,
      name: c.name,
      sourceID: c.sourceID,
      meta: meta(c.strategy),
      products: c.products.map((p) => ({
        sourceID: p.sourceID,
        name: p.name,
        brand: p.brand,
        model: p.model,
        productID: p.productID,
        service: p.service,
        uiExtensionId: p.uiExtensionId,
        meta: meta(p.strategy),
        configurationItems: p.configurationItems.map(({ strategy, childCiIds, ...ci }) => ({
          ...ci,
          ciRelations: childCiIds ? { childIds: childCiIds } : undefined,
          meta: meta(strategy),
        })),
      })),
    })),
  };
}
