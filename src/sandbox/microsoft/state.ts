// What the simulated Microsoft side remembers between requests: the app registration of each login host, consent
// per tenant, granted roles, token epoch, and the request log and counters that tests and benchmarks read.
import type { Fleet, SimTenant } from "../fleet/types.js";
import { AuthCodes } from "./auth-codes.js";
import { loginGroup, type Cloud } from "./clouds.js";
import type { IdTokenTamper } from "./id-tokens.js";
import type { SignInUser } from "./users.js";

export interface SimApp {
  clientId: string;
  displayName: string;
  /** Accepted client secret (client_secret_post / client_secret_basic). */
  clientSecret?: string;
  /** Accepted certificate for client assertions (private_key_jwt): thumbprints (hex) and public key (PEM). */
  certificate?: { thumbprint: string; thumbprintSha256?: string; publicKeyPem: string };
  /** When set, admin consent and sign-in refuse any other redirect_uri (AADSTS50011). */
  redirectUris?: string[];
  /**
   * The manifest's groupMembershipClaims: ID tokens carry `wids` only with "DirectoryRole" or "All" (access token
   * claims reference). The sandbox app sets "DirectoryRole".
   */
  groupMembershipClaims?: "None" | "SecurityGroup" | "DirectoryRole" | "ApplicationGroup" | "All";
}

/**
 * The clouds that have an Entra ID of their own: an app is registered in each separately (Microsoft's "National
 * clouds"), and DoD tenants sign in at the US Government one (login.microsoftonline.us).
 */
export type LoginCloud = "global" | "usgov" | "china";

export type ConsentOutcome = "consent" | "declined" | "wrong_directory" | "cancel";
export type ConsentState = "none" | "consented" | "revoked";

export const DEFAULT_ROLES = ["DeviceManagementManagedDevices.Read.All", "DeviceManagementConfiguration.Read.All"];

export interface RequestRecord {
  at: string;
  kind: "login" | "graph";
  cloud: string;
  method: string;
  route: string;
  path: string;
  status: number;
  tenantId?: string;
  /** For $batch sub-requests: the id of the sub-request. */
  batchItem?: string;
}

export interface SimStats {
  total: number;
  byRoute: Record<string, number>;
  byCloud: Record<string, number>;
  byStatus: Record<string, number>;
  /** Authorization codes redeemed for tokens. */
  codesRedeemed: number;
}

interface TenantAccess {
  consent: ConsentState;
  /** What Graph answers once consent is revoked. */
  revokedStatus: 401 | 403;
  roles: string[];
}

const LOG_LIMIT = 10_000;

const emptyStats = (): SimStats => ({ total: 0, byRoute: {}, byCloud: {}, byStatus: {}, codesRedeemed: 0 });

export class SimState {
  readonly access = new Map<string, TenantAccess>();
  consentOutcome: ConsentOutcome = "consent";
  /** The administrator's tenant when consent is asked at /organizations/ (default: the first tenant of that host). */
  adminTenant: string | undefined;
  tokenTtlSeconds: number;
  /** Tokens issued before this instant (ms) are expired. */
  tokensValidFrom = 0;
  betaFailure: { status: number; scope: "devices" | "all" } | null = null;
  /** Who the login page signs in; null: an administrator of the tenant asked for. */
  signedIn: SignInUser | null = null;
  /** How the next ID tokens are spoiled, for tests of a verifier; null: they are genuine. */
  idTokenTamper: IdTokenTamper | null = null;
  readonly codes = new AuthCodes();
  private log: RequestRecord[] = [];
  private counters: SimStats = emptyStats();

  constructor(
    readonly fleet: Fleet,
    /** The app registration each login host knows: a client id of another host's app is unknown there. */
    private readonly apps: Record<LoginCloud, SimApp>,
    readonly now: () => number,
    opts: { consented: "all" | "none" | string[]; tokenTtlSeconds: number },
  ) {
    this.tokenTtlSeconds = opts.tokenTtlSeconds;
    for (const t of fleet.tenants) {
      const yes =
        opts.consented === "all" || (Array.isArray(opts.consented) && opts.consented.some((k) => this.matches(t, k)));
      this.access.set(t.tenantId, {
        consent: yes ? "consented" : "none",
        revokedStatus: 403,
        roles: [...DEFAULT_ROLES],
      });
    }
  }

  private matches(t: SimTenant, key: string): boolean {
    return t.tenantId === key.toLowerCase() || t.domain.toLowerCase() === key.toLowerCase();
  }

  /** The app registered in the Entra ID that serves this cloud. */
  appAt(cloud: Cloud): SimApp {
    return this.apps[cloud === "usgov-dod" ? "usgov" : cloud];
  }

  /** A tenant by domain or id, anywhere (for controls). */
  tenant(key: string): SimTenant {
    const t = this.fleet.tenants.find((x) => this.matches(x, key));
    if (!t) throw new Error(`no simulated tenant "${key}"`);
    return t;
  }

  /** A tenant as a login host sees it: only tenants of that host's cloud(s) exist there. */
  tenantAtLogin(cloud: Cloud, key: string): SimTenant | undefined {
    return this.fleet.tenants.find((t) => this.matches(t, key) && loginGroup(t.cloud) === loginGroup(cloud));
  }

  tenantById(id: string): SimTenant | undefined {
    return this.fleet.tenants.find((t) => t.tenantId === id);
  }

  accessOf(t: SimTenant): TenantAccess {
    let a = this.access.get(t.tenantId);
    if (!a) this.access.set(t.tenantId, (a = { consent: "none", revokedStatus: 403, roles: [...DEFAULT_ROLES] }));
    return a;
  }

  record(r: Omit<RequestRecord, "at">): void {
    const c = this.counters;
    c.total++;
    c.byRoute[r.route] = (c.byRoute[r.route] ?? 0) + 1;
    c.byCloud[r.cloud] = (c.byCloud[r.cloud] ?? 0) + 1;
    c.byStatus[String(r.status)] = (c.byStatus[String(r.status)] ?? 0) + 1;
    this.log.push({ at: new Date(this.now()).toISOString(), ...r });
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  codeRedeemed(): void {
    this.counters.codesRedeemed++;
  }

  stats(): SimStats {
    return structuredClone(this.counters);
  }

  requests(): RequestRecord[] {
    return [...this.log];
  }

  resetStats(): void {
    this.log = [];
    this.counters = emptyStats();
  }
}
