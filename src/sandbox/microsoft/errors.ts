// Error bodies as Entra ID and Graph send them (graph-examples/openid-configuration-unknown-tenant-error.json,
// error-429-throttled.json).
import { randomUUID } from "node:crypto";

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function aadTimestamp(now: number): string {
  return new Date(now)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");
}

/** The trace lines Entra appends to an error_description sent back through the browser. */
export function aadTrace(now: number): string {
  return `Trace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${aadTimestamp(now)}`;
}

/** An Entra ID (AADSTS) OAuth error. `errorUriHost` is the cloud's real login host, as in Microsoft's bodies. */
export function aadError(
  status: number,
  error: string,
  code: number,
  text: string,
  now: number,
  errorUriHost: string,
): SimResponse {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = aadTimestamp(now);
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-cache" },
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `${errorUriHost}/error?code=${code}`,
    },
  };
}

export function unknownTenant(tenant: string, now: number, host: string): SimResponse {
  return aadError(
    400,
    "invalid_tenant",
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    now,
    host,
  );
}

export function graphError(
  status: number,
  code: string,
  message: string,
  now: number,
  clientRequestId?: string,
  extraHeaders: Record<string, string> = {},
): SimResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: {
      "Content-Type": "application/json",
      "request-id": requestId,
      "client-request-id": clientRequestId ?? requestId,
      ...extraHeaders,
    },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date(now).toISOString().replace(/\.\d{3}Z$/, ""),
          "request-id": requestId,
          "client-request-id": clientRequestId ?? requestId,
        },
      },
    },
  };
}

export const GRAPH_MESSAGES = {
  429: ["TooManyRequests", "Too many requests, please retry after some time."],
  503: ["ServiceUnavailable", "The service is temporarily unavailable. Please retry later."],
  504: ["GatewayTimeout", "The gateway did not receive a timely response from the upstream server."],
  500: ["InternalServerError", "An internal server error occurred."],
} as const;

export function statusError(
  status: number,
  now: number,
  retryAfter: number | null | undefined,
  clientRequestId?: string,
): SimResponse {
  const [code, message] = GRAPH_MESSAGES[status as keyof typeof GRAPH_MESSAGES] ?? [
    "BadRequest",
    "The request failed.",
  ];
  const headers: Record<string, string> = retryAfter == null ? {} : { "Retry-After": String(retryAfter) };
  return graphError(status, code, message, now, clientRequestId, headers);
}
