// The paged managedDevices reader: v1.0 with an explicit $select, following @odata.nextLink, as an async iterator
// of pages so a fleet is never held in memory at once. The beta-only fields are read from /beta in step with the
// v1.0 pages and merged by id; beta is optional and a failure there only drops those fields (logged once).
import { UpstreamError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import {
  BETA_DEVICE_SELECT,
  V1_DEVICE_SELECT,
  toBetaFields,
  toIntuneDevice,
  type BetaFields,
  type SkippedRecord,
} from "./device-json.js";
import type { GraphHttp } from "./graph-http.js";
import type { IntuneDevice } from "./types.js";

export const DEFAULT_PAGE_SIZE = 1000;

export interface DevicePage {
  devices: IntuneDevice[];
  /** Records of this page that could not be read, with why. */
  skipped: SkippedRecord[];
  /** Whether the beta fields were merged into this page (false once beta failed or when not asked for). */
  beta: boolean;
  /** `@odata.count` of the first page when Graph sent one (undocumented but observed): a completeness check. */
  reportedTotal?: number;
}

export interface ReadDevicesOptions {
  pageSize?: number;
  /** Read the beta-only fields (default true). */
  beta?: boolean;
  /** An OData $filter for a fast path, e.g. `lastSyncDateTime gt 2025-06-01T00:00:00Z`. */
  filter?: string;
  logger?: Logger;
}

interface ODataPage {
  value?: unknown;
  "@odata.nextLink"?: unknown;
  "@odata.count"?: unknown;
}

export function listUrl(version: "v1.0" | "beta", select: readonly string[], pageSize: number, filter?: string) {
  const query = [`$select=${select.join(",")}`, `$top=${pageSize}`];
  if (filter) query.push(`$filter=${encodeURIComponent(filter)}`);
  return `/${version}/deviceManagement/managedDevices?${query.join("&")}`;
}

export async function* readDevices(http: GraphHttp, opts: ReadDevicesOptions = {}): AsyncGenerator<DevicePage> {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const logger = opts.logger ?? silentLogger;
  const beta =
    opts.beta === false
      ? undefined
      : new BetaCursor(http, listUrl("beta", BETA_DEVICE_SELECT, pageSize, opts.filter), pageSize, logger);

  let next: Promise<ConvertedPage> | undefined = readPage(
    http,
    listUrl("v1.0", V1_DEVICE_SELECT, pageSize, opts.filter),
  );
  let first = true;
  try {
    while (next) {
      beta?.prefetch();
      const { devices, skipped, link, count } = await next;
      next = undefined;
      const fields = beta ? await beta.fieldsFor(devices.map((d) => d.id)) : undefined;
      if (fields) {
        for (const d of devices) {
          const f = fields.get(d.id);
          if (f) Object.assign(d, f);
        }
      }

      // Ask for the next page now so it downloads while the caller works on this one (at most one page ahead).
      if (typeof link === "string" && link !== "") {
        next = readPage(http, link);
        next.catch(() => undefined); // observed here; the real handling is the `await next` above
      }
      yield {
        devices,
        skipped,
        beta: fields !== undefined,
        reportedTotal: first && typeof count === "number" ? count : undefined,
      };
      first = false;
    }
  } finally {
    beta?.stop();
  }
}

interface ConvertedPage {
  devices: IntuneDevice[];
  skipped: SkippedRecord[];
  link: unknown;
  count: unknown;
}

/**
 * One v1.0 page, each record converted as the body streams in: neither the page's text nor its raw records are
 * ever held whole, and a prefetched page waits as converted devices (memory: see odata-list-parser.ts).
 */
async function readPage(http: GraphHttp, url: string): Promise<ConvertedPage> {
  const devices: IntuneDevice[] = [];
  const skipped: SkippedRecord[] = [];
  const page: ODataPage = await http.getList("devices", url, (raw) => {
    const c = toIntuneDevice(raw, http.tenantId);
    if (c.ok) devices.push(c.value);
    else skipped.push(c.skipped);
  });
  if (!Array.isArray(page.value)) throw new UpstreamError("Microsoft Graph sent a device page without `value`");
  return { devices, skipped, link: page["@odata.nextLink"], count: page["@odata.count"] };
}

/**
 * Reads beta pages just ahead of the v1.0 pages. Both lists come in the same order in practice, so the buffer
 * stays about one page; it is capped all the same, and a device beta did not return simply has no beta fields.
 */
class BetaCursor {
  private readonly buffer = new Map<string, BetaFields>();
  private url: string | undefined;
  private failed = false;
  private inflight: Promise<void> | undefined;
  private readonly maxBuffered: number;

  constructor(
    private readonly http: GraphHttp,
    firstUrl: string,
    private readonly pageSize: number,
    private readonly logger: Logger,
  ) {
    this.url = firstUrl;
    this.maxBuffered = pageSize * 3;
  }

  /** Starts reading the next beta page when the buffer runs short. */
  prefetch(): void {
    if (this.inflight || this.failed || !this.url || this.buffer.size >= this.pageSize) return;
    this.inflight = this.readPage().finally(() => (this.inflight = undefined));
  }

  /** Beta fields for these ids, or undefined when beta has failed. Matched entries leave the buffer. */
  async fieldsFor(ids: string[]): Promise<Map<string, BetaFields> | undefined> {
    const missing = () => ids.some((id) => !this.buffer.has(id));
    while (!this.failed && missing() && (this.url || this.inflight) && this.buffer.size < this.maxBuffered) {
      if (!this.inflight) this.inflight = this.readPage().finally(() => (this.inflight = undefined));
      await this.inflight;
    }
    if (this.failed) return undefined;
    const out = new Map<string, BetaFields>();
    for (const id of ids) {
      const f = this.buffer.get(id);
      if (f) {
        out.set(id, f);
        this.buffer.delete(id);
      }
    }
    // Entries beta returned that v1.0 has not (yet) shown: keep the newest, drop the oldest beyond the cap.
    for (const id of this.buffer.keys()) {
      if (this.buffer.size <= this.maxBuffered - this.pageSize) break;
      this.buffer.delete(id);
    }
    return out;
  }

  stop(): void {
    this.url = undefined;
    this.buffer.clear();
  }

  private async readPage(): Promise<void> {
    const url = this.url;
    if (!url) return;
    try {
      const read = new Map<string, BetaFields>();
      const page: ODataPage = await this.http.getList("devices", url, (raw) => {
        const c = toBetaFields(raw);
        if (c.ok) {
          const { id, ...fields } = c.value;
          read.set(id, fields);
        }
      });
      if (!Array.isArray(page.value)) throw new UpstreamError("beta page without `value`");
      for (const [id, fields] of read) this.buffer.set(id, fields);
      const link = page["@odata.nextLink"];
      this.url = typeof link === "string" && link !== "" ? link : undefined;
    } catch (err) {
      this.failed = true;
      this.url = undefined;
      this.buffer.clear();
      this.logger.warn(
        { tenantId: this.http.tenantId, err: (err as Error).message },
        "Graph beta device fields unavailable; this read goes on without joinType, skuFamily, skuNumber, chassisType, deviceType",
      );
    }
  }
}
