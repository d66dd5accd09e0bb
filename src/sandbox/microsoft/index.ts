// The simulated Entra ID and Microsoft Graph (Intune) of the sandbox (issue 4). One loopback port serves every
// national cloud, told apart by path: set MS_LOGIN_URL=<url>/login and MS_GRAPH_URL=<url>/graph, and the
// connector's cloudEndpoints() appends /<cloud>, giving <url>/login/<cloud>/<tenant>/… and <url>/graph/<cloud>/v1.0/….
import { uninstallApp } from "./graph-apps.js";
import { createServer as createHttp, type Server } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import {
  addDevice,
  evolveFleet,
  removeDevice,
  setCompliance,
  setOwner,
  type EvolveSummary,
  type OwnerInput,
} from "../fleet/evolve.js";
import type { Fleet, SimTenant } from "../fleet/types.js";
import { Faults, INTUNE_LIMITS, type FaultRule, type Limits } from "./faults.js";
import { createApp } from "./http.js";
import { ID_TOKEN_TAMPERS, type IdTokenTamper } from "./id-tokens.js";
import { SigningKeys } from "./signing-keys.js";
import {
  SimState,
  type ConsentOutcome,
  type ConsentState,
  type LoginCloud,
  type RequestRecord,
  type SimApp,
  type SimStats,
} from "./state.js";
import { TokenIssuer } from "./tokens.js";
import type { SignInUser } from "./users.js";

export type { ConsentOutcome, ConsentState, LoginCloud, RequestRecord, SimApp, SimStats } from "./state.js";
export type { FaultRule, Limits } from "./faults.js";
export { DEFAULT_ROLES } from "./state.js";
export { DIRECTORY_ROLES, type SignInUser } from "./users.js";
export { ID_TOKEN_TAMPERS, ID_TOKEN_TTL_SECONDS, type IdTokenTamper } from "./id-tokens.js";
export { CODE_TTL_MS } from "./auth-codes.js";
export { formPostPage } from "./authorize.js";

/** The sandbox's multi-tenant app registration (used by the demo and tests unless they bring their own). */
export const SANDBOX_APP: SimApp = {
  clientId: "11111111-2222-4333-8444-555555555555",
  displayName: "Intune connector for 4me (sandbox)",
  clientSecret: "sandbox-client-secret",
  groupMembershipClaims: "DirectoryRole",
};

export interface MicrosoftSimulatorOptions {
  fleet: Fleet;
  /** The app registration, over SANDBOX_APP; the same in every cloud unless `apps` says otherwise. */
  app?: Partial<SimApp>;
  /**
   * One app registration per Entra ID (over `app`), as Microsoft requires one per national cloud: a token, sign-in,
   * code redemption or admin consent with another cloud's client id is refused (AADSTS700016). DoD signs in at the
   * US Government Entra ID and so uses `usgov`.
   */
  apps?: Partial<Record<LoginCloud, Partial<SimApp>>>;
  /** Tenants (domains or ids) that have already consented; default none, so the consent flow is exercised. */
  consented?: "all" | "none" | string[];
  /** Time source in ms (tests pass a manual clock); default Date.now. */
  now?: () => number;
  tokenTtlSeconds?: number;
  /** Enforce Intune's per-app per-tenant limits (true: 2,000 device / 1,000 compliance requests per 20 s). */
  enforceLimits?: boolean | Partial<Limits>;
  /** $batch responses in a shuffled order (default true: clients must match on id, as on Graph). */
  shuffleBatch?: boolean;
  host?: string;
  port?: number;
  /** Serve HTTPS with this key and certificate (for clients that refuse http:// authorities). */
  tls?: { key: string; cert: string };
}

export interface MicrosoftControls {
  /** What the next admin-consent visits answer. `adminTenant`: whose admin signs in at /organizations/. */
  setConsentOutcome(outcome: ConsentOutcome, opts?: { adminTenant?: string }): void;
  grantConsent(tenant: string): void;
  /** The app leaves the tenant: tokens fail with AADSTS700016 and Graph answers `graphStatus` (default 403). */
  revokeConsent(tenant: string, opts?: { graphStatus?: 401 | 403 }): void;
  consentState(tenant: string): ConsentState;
  /**
   * Who signs in at the authorize endpoint until changed; null: an administrator (Global Administrator) of the tenant
   * in the authorize URL, or at /organizations and /common of `adminTenant` or the first tenant of that login host.
   */
  signIn(user: SignInUser | null): void;
  /** Spoil the next ID tokens in one way (for tests of a verifier) until called with null. */
  tamperIdTokens(kind: IdTokenTamper | null): void;
  /** Application permissions put in the next tokens for this tenant. */
  setRoles(tenant: string, roles: string[]): void;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** Make /beta fail with `status` (devices only, or every beta route); null heals it. */
  failBeta(status: number | null, scope?: "devices" | "all"): void;
  setLimits(limits: Partial<Limits> | null): void;
  expireTokens(): void;
  setTokenTtl(seconds: number): void;
  tenant(key: string): SimTenant;
  evolve(step: number): EvolveSummary;
  addDevice(tenant: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  removeDevice(tenant: string, deviceId: string): Record<string, unknown>;
  setOwner(tenant: string, deviceId: string, owner: OwnerInput | null): Record<string, unknown>;
  setCompliance(
    tenant: string,
    deviceId: string,
    state: Parameters<typeof setCompliance>[2],
    failing?: string[],
  ): Record<string, unknown>;
  /** Intune stops detecting the app (every version) on that device. */
  uninstallApp(tenant: string, deviceId: string, displayName: string): void;
  stats(): SimStats;
  requests(): RequestRecord[];
  resetStats(): void;
}

export interface MicrosoftSimulator {
  /** http(s)://127.0.0.1:<port> */
  url: string;
  /** MS_LOGIN_URL: `<url>/login` */
  loginUrl: string;
  /** MS_GRAPH_URL: `<url>/graph` */
  graphUrl: string;
  /** The global cloud's app registration. */
  app: SimApp;
  /** The app registration of each login host. */
  apps: Record<LoginCloud, SimApp>;
  fleet: Fleet;
  controls: MicrosoftControls;
  close(): Promise<void>;
}

export async function startMicrosoftSimulator(opts: MicrosoftSimulatorOptions): Promise<MicrosoftSimulator> {
  const app: SimApp = { ...SANDBOX_APP, ...opts.app };
  const apps: Record<LoginCloud, SimApp> = {
    global: { ...app, ...opts.apps?.global },
    usgov: { ...app, ...opts.apps?.usgov },
    china: { ...app, ...opts.apps?.china },
  };
  const now = opts.now ?? (() => Date.now());
  const state = new SimState(opts.fleet, apps, now, {
    consented: opts.consented ?? "none",
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3599,
  });
  const limits = opts.enforceLimits
    ? { ...INTUNE_LIMITS, ...(typeof opts.enforceLimits === "object" ? opts.enforceLimits : {}) }
    : null;
  const faults = new Faults(opts.fleet.seed, now, limits);
  const expressApp = createApp({
    state,
    issuer: new TokenIssuer(),
    keys: new SigningKeys(),
    faults,
    shuffleBatch: opts.shuffleBatch ?? true,
  });
  const server: Server = opts.tls ? createHttps(opts.tls, expressApp) : createHttp(expressApp);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${opts.tls ? "https" : "http"}://${opts.host ?? "127.0.0.1"}:${port}`;
  const asOf = () => now();
  const controls: MicrosoftControls = {
    setConsentOutcome: (outcome, o) => {
      state.consentOutcome = outcome;
      if (o && "adminTenant" in o) state.adminTenant = o.adminTenant;
    },
    grantConsent: (t) => void (state.accessOf(state.tenant(t)).consent = "consented"),
    revokeConsent: (t, o) => {
      const a = state.accessOf(state.tenant(t));
      a.consent = "revoked";
      a.revokedStatus = o?.graphStatus ?? 403;
    },
    consentState: (t) => state.accessOf(state.tenant(t)).consent,
    signIn: (user) => {
      if (user) state.tenant(user.tenant); // an unknown tenant fails here, not at the next sign-in
      state.signedIn = user ? { ...user, wids: user.wids && [...user.wids] } : null;
    },
    tamperIdTokens: (kind) => {
      if (kind !== null && !ID_TOKEN_TAMPERS.includes(kind)) throw new Error(`unknown ID token tamper "${kind}"`);
      state.idTokenTamper = kind;
    },
    setRoles: (t, roles) => void (state.accessOf(state.tenant(t)).roles = [...roles]),
    inject: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    failBeta: (status, scope = "devices") => void (state.betaFailure = status === null ? null : { status, scope }),
    setLimits: (l) => void (faults.limits = l ? { ...INTUNE_LIMITS, ...l } : null),
    expireTokens: () => void (state.tokensValidFrom = now() + 1000),
    setTokenTtl: (s) => void (state.tokenTtlSeconds = s),
    tenant: (t) => state.tenant(t),
    evolve: (step) => evolveFleet(opts.fleet, step),
    addDevice: (t, o) => addDevice(state.tenant(t), o, asOf()),
    removeDevice: (t, id) => removeDevice(state.tenant(t), id),
    setOwner: (t, id, owner) => setOwner(state.tenant(t), id, owner),
    setCompliance: (t, id, st, failing) => setCompliance(state.tenant(t), id, st, failing, asOf()),
    uninstallApp: (t, id, name) => uninstallApp(state.tenant(t), id, name),
    stats: () => state.stats(),
    requests: () => state.requests(),
    resetStats: () => state.resetStats(),
  };
  return {
    url,
    loginUrl: `${url}/login`,
    graphUrl: `${url}/graph`,
    app: apps.global,
    apps,
    fleet: opts.fleet,
    controls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
