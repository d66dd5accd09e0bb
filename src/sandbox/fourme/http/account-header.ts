// The account header: X-4me-Account (4me) or X-Xurrent-Account (Xurrent); both brands serve the same accounts.
import type { IncomingHttpHeaders } from "node:http";

export function accountHeader(headers: IncomingHttpHeaders): string | undefined {
  const v = headers["x-4me-account"] ?? headers["x-xurrent-account"];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() || undefined;
}
