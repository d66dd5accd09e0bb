// What every /login/<cloud>/… handler reads and answers, and the client identification both token grants share.
import type { SimTenant } from "../fleet/types.js";
import type { SimResponse } from "./errors.js";

export interface LoginRequest {
  method: string;
  cloud: string;
  /** Path after /login/<cloud>/, e.g. ["contoso.com", "v2.0", ".well-known", "openid-configuration"]. */
  segments: string[];
  query: Record<string, string>;
  form: Record<string, string>;
  authorization?: string;
  /** Scheme and host the client used, e.g. http://127.0.0.1:4321. */
  base: string;
  /**
   * The https origin a routing network client (src/intune/loopback-network.ts) shows MSAL in place of
   * `<base>/login/<cloud>` (header `x-sandbox-login-origin`): a client assertion is then addressed to that origin.
   */
  routedOrigin?: string;
}

export type LoginResult = SimResponse & { route: string; tenantId?: string };

export const json = (status: number, body: unknown, route: string, tenantId?: string): LoginResult => ({
  status,
  headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-cache" },
  body,
  route,
  tenantId,
});

/** The login page's own error, shown in the browser: Entra does not redirect to an unverified redirect URI. */
export function loginErrorPage(status: number, code: number, text: string, route: string): LoginResult {
  const html = `<!doctype html><title>Sign in to your account</title><h1>Sorry, but we’re having trouble signing you in.</h1><p>AADSTS${code}: ${escapeHtml(text)}</p>`;
  return { status, headers: { "Content-Type": "text/html; charset=utf-8" }, body: html, route };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The client_id of a token request: the form's, or the user part of client_secret_basic. */
export function clientIdOf(req: LoginRequest): string | undefined {
  const id = req.form["client_id"];
  if (id || !req.authorization?.startsWith("Basic ")) return id;
  const user = Buffer.from(req.authorization.slice(6), "base64").toString("utf8").split(":")[0] ?? "";
  return decodeURIComponent(user) || undefined;
}

/** The token endpoint URLs a client assertion may name as its audience for this request. */
export function tokenAudiences(req: LoginRequest, tenant: SimTenant | undefined): string[] {
  const names = tenant ? [tenant.tenantId, tenant.domain, req.segments[0]!] : [req.segments[0]!];
  return names.flatMap((t) => [
    `${req.base}/login/${req.cloud}/${t}/oauth2/v2.0/token`,
    ...(req.routedOrigin ? [`${req.routedOrigin}/${t}/oauth2/v2.0/token`] : []),
  ]);
}
