// App-only Graph tokens per customer tenant (microsoft-graph-intune.md §4.4): one MSAL ConfidentialClientApplication
// per (cloud, tenant) with the tenant's authority (the cloud's app registration, the tenant's token cache), tokens
// cached and renewed by MSAL. Entra's refusals become an EntraAuthorizationError that says whose move it is.
import { AuthError, ConfidentialClientApplication, type Configuration } from "@azure/msal-node";
import { decodeJwt } from "jose";
import type { Config } from "../config.js";
import { AppError, AuthorizationError, UpstreamError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { cloudEndpoints, type Cloud } from "./clouds.js";
import { entraAppFor } from "./entra-apps.js";
import { fakeLoginOrigin, loopbackNetworkClient } from "./loopback-network.js";

export interface TenantRef {
  tenantId: string;
  cloud: Cloud;
}

export interface GraphToken {
  accessToken: string;
  expiresOn: Date | null;
  /** Application permissions granted, from the token's `roles` claim (empty when unreadable). */
  roles: string[];
}

/** What the readers and the consent check need from a token source; tests pass a fake. */
export interface GraphTokenSource {
  graphToken(tenant: TenantRef, opts?: { forceRefresh?: boolean }): Promise<GraphToken>;
}

/**
 * consent: the tenant has not consented, or revoked it, or a permission is missing: an Entra admin of the tenant
 * must consent again. credentials: the connector's own secret or certificate was refused: the operator's move.
 * tenant: the tenant does not exist (any more) in that cloud.
 */
export type EntraFailureKind = "consent" | "credentials" | "tenant";

export class EntraAuthorizationError extends AuthorizationError {
  constructor(
    message: string,
    readonly kind: EntraFailureKind,
    readonly aadsts?: number,
    options?: { cause?: unknown },
  ) {
    super(message, "entra", options);
  }
}

// AADSTS codes by whose move it is (Entra error-code reference; the set is not exhaustive).
const CONSENT_CODES = new Set([65001, 65004, 700016, 7000229, 500011, 7000112]);
const CREDENTIAL_CODES = new Set([7000215, 7000222, 700027, 700023, 7000218, 700024, 50012, 700025, 700021, 50027]);
const TENANT_CODES = new Set([90002, 900023, 90072, 900971]);

export const CONSENT_MISSING_REASON = "consent revoked or permission missing: an Entra admin must consent again";

/** Maps an MSAL failure to an AppError. Transient ones (network, 5xx, throttling) become UpstreamError. */
export function entraError(err: unknown, cloud: Cloud): AppError {
  if (err instanceof AppError) return err;
  const e = err as Partial<AuthError> & { errorNo?: string | number; status?: number };
  const text = `${e.errorCode ?? ""} ${e.errorMessage ?? (err as Error)?.message ?? ""}`;
  const fromText = /AADSTS(\d+)/.exec(text)?.[1];
  const code = Number(e.errorNo ?? fromText) || undefined;
  const tag = code ? ` (AADSTS${code})` : "";
  if (code && CONSENT_CODES.has(code))
    return new EntraAuthorizationError(`${CONSENT_MISSING_REASON}${tag}`, "consent", code);
  if (code && CREDENTIAL_CODES.has(code)) {
    return new EntraAuthorizationError(
      `Microsoft Entra ID refused the connector's own credentials${tag}: the connector's operator must renew its client secret or certificate`,
      "credentials",
      code,
    );
  }
  if (code && TENANT_CODES.has(code)) {
    return new EntraAuthorizationError(`tenant not found in Microsoft Entra ID (${cloud})${tag}`, "tenant", code);
  }
  // Without a known code: unauthorized_client is how Entra says the app is not in the tenant (consent);
  // invalid_client is about the connector's own credential.
  if (e.errorCode === "unauthorized_client") {
    return new EntraAuthorizationError(`${CONSENT_MISSING_REASON}${tag}`, "consent", code);
  }
  if (e.errorCode === "invalid_client") {
    return new EntraAuthorizationError(
      `Microsoft Entra ID refused the connector's own credentials${tag}: the connector's operator must check its client secret or certificate`,
      "credentials",
      code,
    );
  }
  const reason = (e.errorMessage ?? (err as Error)?.message ?? String(err)).split("\n")[0].slice(0, 300);
  return new UpstreamError(`Microsoft Entra ID (${cloud}) token request failed: ${reason}`, e.status, { cause: err });
}

/** How many tenants keep their own MSAL application (and token cache) at once; the least recently used goes. */
export const MAX_CACHED_TENANT_APPS = 500;

export class MsalGraphTokens implements GraphTokenSource {
  // One ConfidentialClientApplication per (cloud, tenant): each token cache holds one tenant, so a token can never be
  // served to another tenant whatever realm MSAL reads from an authority URL (the sandbox's made-up layout made one
  // shared application hand tenant A's token to tenant B), and a tenant no longer read drops out with its tokens.
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  // Concurrent first requests of a tenant (v1.0 and beta pages, $batch) share one token request.
  private readonly inflight = new Map<string, Promise<GraphToken>>();

  constructor(
    private readonly microsoft: Config["microsoft"],
    private readonly opts: { logger?: Logger; fetch?: typeof fetch; maxTenants?: number } = {},
  ) {}

  graphToken(tenant: TenantRef, opts: { forceRefresh?: boolean } = {}): Promise<GraphToken> {
    const key = `${tenant.cloud}/${tenant.tenantId.toLowerCase()}`;
    if (opts.forceRefresh === true) return this.acquire(key, tenant, true);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = this.acquire(key, tenant, false).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Tenants that currently hold an MSAL application (for tests and diagnostics). */
  get cachedTenants(): number {
    return this.apps.size;
  }

  private async acquire(key: string, tenant: TenantRef, forceRefresh: boolean): Promise<GraphToken> {
    const scope = cloudEndpoints(tenant.cloud, this.microsoft).graphScope;
    try {
      const app = this.appFor(key, tenant);
      const result = await app.acquireTokenByClientCredential({ scopes: [scope], skipCache: forceRefresh });
      if (!result?.accessToken) throw new UpstreamError(`Microsoft Entra ID (${tenant.cloud}) returned no token`);
      return {
        accessToken: result.accessToken,
        expiresOn: result.expiresOn ?? null,
        roles: rolesOf(result.accessToken),
      };
    } catch (err) {
      const mapped = entraError(err, tenant.cloud);
      (this.opts.logger ?? silentLogger).warn(
        { tenantId: tenant.tenantId, cloud: tenant.cloud, code: mapped.code, reason: mapped.message },
        "graph token not acquired",
      );
      throw mapped;
    }
  }

  private appFor(key: string, tenant: TenantRef): ConfidentialClientApplication {
    const existing = this.apps.get(key);
    if (existing) {
      // Map order is insertion order: re-inserting marks the tenant most recently used.
      this.apps.delete(key);
      this.apps.set(key, existing);
      return existing;
    }
    const config = msalConfiguration(this.microsoft, tenant, this.opts.fetch);
    const app = new ConfidentialClientApplication(config);
    this.apps.set(key, app);
    const max = this.opts.maxTenants ?? MAX_CACHED_TENANT_APPS;
    for (const oldest of this.apps.keys()) {
      if (this.apps.size <= max) break;
      this.apps.delete(oldest);
    }
    return app;
  }
}

/**
 * MSAL's configuration for one tenant of one cloud: the tenant's authority, the connector's app registration in that
 * cloud with its credential (NoEntraAppError when it has none), and in the
 * sandbox (an http:// login host) a network client that routes MSAL's https authority to the simulator.
 */
export function msalConfiguration(m: Config["microsoft"], tenant: TenantRef, fetchImpl?: typeof fetch): Configuration {
  const app = entraAppFor(m, tenant.cloud);
  const { loginUrl } = cloudEndpoints(tenant.cloud, m);
  const sandbox = loginUrl.startsWith("http://");
  const authorityBase = sandbox ? fakeLoginOrigin(tenant.cloud) : loginUrl;
  return {
    auth: {
      clientId: app.clientId,
      authority: `${authorityBase}/${tenant.tenantId}`,
      ...(app.clientSecret
        ? { clientSecret: app.clientSecret }
        : { clientCertificate: certificateOf(app.certificate!) }),
      ...(sandbox ? { knownAuthorities: [new URL(authorityBase).host] } : {}),
    },
    system: sandbox
      ? {
          networkClient: loopbackNetworkClient(
            [{ fakeOrigin: authorityBase, realBase: loginUrl, aliases: [cloudEndpoints(tenant.cloud).loginUrl] }],
            fetchImpl,
          ),
        }
      : {},
  };
}

function certificateOf(c: { thumbprint: string; privateKeyPem: string }) {
  const thumbprint = c.thumbprint.replace(/[^0-9a-fA-F]/g, "");
  // A 64-hex thumbprint is SHA-256 (preferred by msal-node 7); 40-hex is the older SHA-1 form.
  return thumbprint.length === 64
    ? { thumbprintSha256: thumbprint, privateKey: c.privateKeyPem }
    : { thumbprint, privateKey: c.privateKeyPem };
}

/** The `roles` claim, read without verification: the token is ours, fresh from Entra over TLS, and only informs. */
export function rolesOf(accessToken: string): string[] {
  try {
    const roles = decodeJwt(accessToken).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return [];
  }
}
