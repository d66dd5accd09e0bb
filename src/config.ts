// The one place that reads the environment. Everything else receives a Config value.
import { isIP } from "node:net";
import { z } from "zod";
import { FOURME_DOMAINS, FOURME_REGIONS, fourMeEndpoints, type FourMeEndpoints } from "./fourme/endpoints.js";
import { CLOUDS, type Cloud, type CloudOverrides } from "./intune/clouds.js";
import type { EntraApp, EntraApps } from "./intune/entra-apps.js";
import { DatabaseUrlError, parseDatabaseUrl, type DatabaseSetting } from "./database-url.js";

export const JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"] as const;
/** Only with explicit opt-in: symmetric and unsigned tokens are an algorithm-confusion risk. */
export const UNSAFE_JWT_ALGORITHMS = ["HS256", "HS384", "HS512", "none"] as const;

export interface Config {
  port: number;
  host: string;
  /** Public base URL of this server, without a trailing slash (consent callback, webhook URIs). */
  publicUrl: string;
  logLevel: string;
  /** `postgres://…` selects PostgreSQL (and pg-boss); a file: URL or a .db/.sqlite path selects SQLite. */
  database: DatabaseSetting;
  /** Secret sealing keys. `current` seals; all of them unseal. Absent for SQLite: a key file is generated. */
  secretKeys?: { current: SecretKey; previous: SecretKey[] };
  fourme: FourMeEndpoints & {
    providerAccount: string;
    providerClientId?: string;
    providerClientSecret?: string;
    offeringReference: string;
    webhook: {
      /** PEM of the provider webhook policy's public key. Webhooks are refused until it is set. */
      publicKeyPem?: string;
      algorithms: string[];
      audience?: string;
      clockToleranceSeconds: number;
    };
  };
  /** Microsoft hosts, and the Entra app registration per cloud (read it with entraAppFor). */
  microsoft: CloudOverrides & { apps: EntraApps };
  /** Intervals in minutes; fractions (0.2 = 12 s) are for tests and demos. */
  sync: { defaultIntervalMinutes: number; minIntervalMinutes: number };
  /** How often the scheduler looks for due instances (once per period across all replicas). */
  scheduler: { tickSeconds: number };
  /** PostgreSQL schema of pg-boss's tables (PostgreSQL mode): two deployments can share one database. */
  pgBoss: { schema: string };
  /** Jobs one process runs at once: per job name with pg-boss (default 2), in all embedded (default 4). */
  jobs: { concurrency?: number };
  /** GET /metrics: on a listener of its own (never the public one), loopback by default; a bearer token optional. */
  metrics: { port: number; host: string; token?: string };
  /**
   * Express's `trust proxy`: false (the peer address is the client), a number of proxy hops in front of the
   * server, or the proxies' addresses and ranges. Never `true`: any client could then name its own address.
   */
  trustProxy: false | number | string[];
  /** Refused (4xx) requests per client address and minute on the unauthenticated endpoints; 0 switches off. */
  rateLimits: { webhookRefusedPerMinute: number; consentRefusedPerMinute: number };
}

export interface SecretKey {
  id: string;
  /** 32 bytes for AES-256-GCM. */
  key: Buffer;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`configuration: ${variable} ${problem}`);
    this.name = "ConfigError";
  }
}

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));
const url = z.url({ protocol: /^https?$/ });
const optionalUrl = optionalString.pipe(url.optional());
/**
 * A URL that credentials are sent to (client secrets, assertions, bearer tokens): https, or http only to this
 * machine's loopback (the sandbox's simulators), where nothing crosses a network in clear text.
 */
const credentialUrl = optionalUrl.refine((u) => u === undefined || u.startsWith("https:") || isLoopbackUrl(u), {
  message: "must be https:// (http:// only to a loopback address): credentials are sent to it",
});

/** Whether the URL's host is 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackUrl(u: string): boolean {
  let host: string;
  try {
    host = new URL(u).hostname; // normalised: lower case, IPv4 in dotted form, IPv6 in brackets
  } catch {
    return false;
  }
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
const int = (dflt: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(dflt);
/** Minutes, fractions allowed: tests and demos run schedules over periods of seconds. */
const minutes = (dflt: number) => z.coerce.number().min(0.1).max(10080).default(dflt);

const schema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().default("0.0.0.0"),
  METRICS_PORT: int(9464, 0, 65535),
  METRICS_HOST: z.string().trim().min(1).default("127.0.0.1"),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  TRUST_PROXY: optionalString,
  RATE_LIMIT_WEBHOOK_REFUSED_PER_MINUTE: int(600, 0, 1_000_000),
  RATE_LIMIT_CONSENT_REFUSED_PER_MINUTE: int(60, 0, 1_000_000),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.string().optional(),
  SECRET_KEY: optionalString,
  SECRET_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1-32 letters, digits, _ or -")
    .default("k1"),
  SECRET_KEYS_PREVIOUS: optionalString,
  FOURME_DOMAIN: z.enum(FOURME_DOMAINS).default("4me.com"),
  FOURME_REGION: optionalString.pipe(z.enum(FOURME_REGIONS).optional()),
  FOURME_GRAPHQL_URL: credentialUrl,
  FOURME_OAUTH_URL: credentialUrl,
  FOURME_ACCOUNT_URL_TEMPLATE: optionalString.pipe(
    z.string().includes("{account}", { message: "must contain {account}" }).optional(),
  ),
  FOURME_PROVIDER_ACCOUNT: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be a 4me account id such as 'wdc'"),
  FOURME_PROVIDER_CLIENT_ID: optionalString,
  FOURME_PROVIDER_CLIENT_SECRET: optionalString,
  FOURME_OFFERING_REFERENCE: z.string().default("microsoft_intune"),
  FOURME_WEBHOOK_PUBLIC_KEY: optionalString,
  FOURME_WEBHOOK_ALGORITHMS: z.string().default(JWT_ALGORITHMS.join(",")),
  FOURME_WEBHOOK_ALLOW_UNSAFE_ALGORITHMS: z.enum(["true", "false"]).default("false"),
  FOURME_WEBHOOK_AUDIENCE: optionalString,
  FOURME_WEBHOOK_CLOCK_TOLERANCE_SECONDS: int(60, 0, 600),
  MS_LOGIN_URL: credentialUrl,
  MS_GRAPH_URL: credentialUrl,
  MS_ADMIN_CENTER_URL: optionalUrl,
  SYNC_DEFAULT_INTERVAL_MINUTES: minutes(60),
  SYNC_MIN_INTERVAL_MINUTES: minutes(15),
  SCHEDULER_TICK_SECONDS: int(60, 1, 3600),
  JOB_CONCURRENCY: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(32).optional()),
  // pg-boss writes the name into its SQL unquoted (so lower case), and allows at most 50 characters.
  PGBOSS_SCHEMA: z
    .string()
    .regex(
      /^[a-z_][a-z0-9_]{0,49}$/,
      "must be a SQL identifier: 1-50 lower-case letters, digits or _, not starting with a digit",
    )
    .default("pgboss"),
});

/** Validates the whole environment once. Throws a ConfigError naming the first bad variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? "environment");
    const problem = env[variable] === undefined ? "is required" : `is invalid: ${issue.message}`;
    throw new ConfigError(variable, problem);
  }
  const e = parsed.data;

  const algorithms = e.FOURME_WEBHOOK_ALGORITHMS.split(",").map((a) => a.trim().toUpperCase());
  const allowed: readonly string[] =
    e.FOURME_WEBHOOK_ALLOW_UNSAFE_ALGORITHMS === "true"
      ? [...JWT_ALGORITHMS, ...UNSAFE_JWT_ALGORITHMS]
      : JWT_ALGORITHMS;
  const bad = algorithms.find((a) => !allowed.includes(a));
  if (bad) {
    throw new ConfigError(
      "FOURME_WEBHOOK_ALGORITHMS",
      `is invalid: ${bad} is not allowed (use ${JWT_ALGORITHMS.join(", ")}; HS* and none need FOURME_WEBHOOK_ALLOW_UNSAFE_ALGORITHMS=true)`,
    );
  }

  let database: DatabaseSetting;
  try {
    database = parseDatabaseUrl(e.DATABASE_URL);
  } catch (err) {
    if (err instanceof DatabaseUrlError) throw new ConfigError("DATABASE_URL", err.message);
    throw err;
  }
  const isPostgres = database.kind === "postgres";
  const secretKeys = readSecretKeys(e.SECRET_KEY, e.SECRET_KEY_ID, e.SECRET_KEYS_PREVIOUS);
  if (isPostgres && !secretKeys) {
    throw new ConfigError("SECRET_KEY", "is required with PostgreSQL: replicas must share one sealing key");
  }
  const apps = readEntraApps((name) => optionalString.parse(env[name]));
  if (e.SYNC_DEFAULT_INTERVAL_MINUTES < e.SYNC_MIN_INTERVAL_MINUTES) {
    throw new ConfigError("SYNC_DEFAULT_INTERVAL_MINUTES", "must not be below SYNC_MIN_INTERVAL_MINUTES");
  }

  let endpoints: FourMeEndpoints;
  try {
    endpoints = fourMeEndpoints(e.FOURME_DOMAIN, e.FOURME_REGION, {
      graphqlUrl: e.FOURME_GRAPHQL_URL,
      oauthTokenUrl: e.FOURME_OAUTH_URL,
      accountUrlTemplate: e.FOURME_ACCOUNT_URL_TEMPLATE,
    });
  } catch (err) {
    throw new ConfigError("FOURME_REGION", `is invalid: ${(err as Error).message}`);
  }

  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    logLevel: e.LOG_LEVEL,
    database,
    secretKeys,
    fourme: {
      ...endpoints,
      providerAccount: e.FOURME_PROVIDER_ACCOUNT,
      providerClientId: e.FOURME_PROVIDER_CLIENT_ID,
      providerClientSecret: e.FOURME_PROVIDER_CLIENT_SECRET,
      offeringReference: e.FOURME_OFFERING_REFERENCE,
      webhook: {
        publicKeyPem: e.FOURME_WEBHOOK_PUBLIC_KEY?.replaceAll("\\n", "\n"),
        algorithms,
        audience: e.FOURME_WEBHOOK_AUDIENCE,
        clockToleranceSeconds: e.FOURME_WEBHOOK_CLOCK_TOLERANCE_SECONDS,
      },
    },
    microsoft: {
      apps,
      loginUrl: e.MS_LOGIN_URL,
      graphUrl: e.MS_GRAPH_URL,
      adminCenterUrl: e.MS_ADMIN_CENTER_URL,
    },
    sync: { defaultIntervalMinutes: e.SYNC_DEFAULT_INTERVAL_MINUTES, minIntervalMinutes: e.SYNC_MIN_INTERVAL_MINUTES },
    scheduler: { tickSeconds: e.SCHEDULER_TICK_SECONDS },
    pgBoss: { schema: e.PGBOSS_SCHEMA },
    jobs: e.JOB_CONCURRENCY === undefined ? {} : { concurrency: e.JOB_CONCURRENCY },
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    trustProxy: readTrustProxy(e.TRUST_PROXY),
    rateLimits: {
      webhookRefusedPerMinute: e.RATE_LIMIT_WEBHOOK_REFUSED_PER_MINUTE,
      consentRefusedPerMinute: e.RATE_LIMIT_CONSENT_REFUSED_PER_MINUTE,
    },
  };
}

/**
 * Prefix of each cloud's app registration variables. Microsoft requires one registration per national cloud; the
 * unprefixed MS_CLIENT_ID, MS_CLIENT_SECRET and MS_CERTIFICATE_* (the names from before) still name the global one.
 */
const ENTRA_APP_PREFIXES: Record<Cloud, string> = {
  global: "MS_GLOBAL_",
  usgov: "MS_USGOV_",
  "usgov-dod": "MS_USGOV_DOD_",
  china: "MS_CHINA_",
};
const ENTRA_APP_KEYS = ["CLIENT_ID", "CLIENT_SECRET", "CERTIFICATE_THUMBPRINT", "CERTIFICATE_PRIVATE_KEY"] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readEntraApps(read: (name: string) => string | undefined): EntraApps {
  const setIn = (prefix: string) => ENTRA_APP_KEYS.map((k) => `${prefix}${k}`).find((n) => read(n) !== undefined);
  const legacy = setIn("MS_");
  const global = setIn(ENTRA_APP_PREFIXES.global);
  if (legacy && global) {
    throw new ConfigError(
      global,
      `is invalid: ${legacy} (the older name) configures the global cloud's app too; keep one`,
    );
  }
  const apps: EntraApps = {};
  for (const cloud of CLOUDS) {
    const app = readEntraApp(cloud === "global" && legacy ? "MS_" : ENTRA_APP_PREFIXES[cloud], read);
    if (app) apps[cloud] = app;
  }
  return apps;
}

/** One cloud's app: nothing set is no app; anything set needs the client id and exactly one credential. */
function readEntraApp(prefix: string, read: (name: string) => string | undefined): EntraApp | undefined {
  const [clientId, secret, thumbprint, key] = ENTRA_APP_KEYS.map((k) => read(`${prefix}${k}`));
  const name = (k: (typeof ENTRA_APP_KEYS)[number]) => `${prefix}${k}`;
  if (!clientId && !secret && !thumbprint && !key) return undefined;
  if (!clientId) {
    const given = secret ? "CLIENT_SECRET" : thumbprint ? "CERTIFICATE_THUMBPRINT" : "CERTIFICATE_PRIVATE_KEY";
    throw new ConfigError(name("CLIENT_ID"), `is required when ${name(given)} is set`);
  }
  if (!GUID.test(clientId)) {
    throw new ConfigError(
      name("CLIENT_ID"),
      "is invalid: must be the app registration's application (client) id, a GUID",
    );
  }
  if (thumbprint && !key)
    throw new ConfigError(name("CERTIFICATE_PRIVATE_KEY"), `is required when ${name("CERTIFICATE_THUMBPRINT")} is set`);
  if (key && !thumbprint)
    throw new ConfigError(name("CERTIFICATE_THUMBPRINT"), `is required when ${name("CERTIFICATE_PRIVATE_KEY")} is set`);
  if (secret && thumbprint) {
    throw new ConfigError(
      name("CLIENT_SECRET"),
      `is invalid with ${name("CERTIFICATE_THUMBPRINT")}: give one credential, the secret or the certificate`,
    );
  }
  if (!secret && !thumbprint) {
    throw new ConfigError(
      name("CLIENT_SECRET"),
      `(or ${name("CERTIFICATE_THUMBPRINT")} and ${name("CERTIFICATE_PRIVATE_KEY")}) is required with ${name("CLIENT_ID")}`,
    );
  }
  if (thumbprint && !/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(thumbprint.replace(/[:\s]/g, ""))) {
    throw new ConfigError(name("CERTIFICATE_THUMBPRINT"), "is invalid: must be 40 (SHA-1) or 64 (SHA-256) hex digits");
  }
  return secret
    ? { clientId, clientSecret: secret }
    : { clientId, certificate: { thumbprint: thumbprint!, privateKeyPem: key!.replaceAll("\\n", "\n") } };
}

/** Names express (proxy-addr) knows for address ranges. */
const TRUST_PROXY_RANGES = ["loopback", "linklocal", "uniquelocal"];

function readTrustProxy(value: string | undefined): Config["trustProxy"] {
  if (value === undefined || value === "false" || value === "0") return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError("TRUST_PROXY", "is invalid: at most 10 proxy hops");
    return hops;
  }
  if (value === "true") {
    throw new ConfigError(
      "TRUST_PROXY",
      "is invalid: true would trust any X-Forwarded-For a client sends; give the number of proxies in front or their addresses",
    );
  }
  const entries = value.split(",").map((v) => v.trim());
  const bad = entries.find((entry) => {
    if (TRUST_PROXY_RANGES.includes(entry)) return false;
    const [address, prefix, ...rest] = entry.split("/");
    const family = isIP(address);
    if (!family || rest.length > 0) return true;
    return prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
  if (bad !== undefined) {
    throw new ConfigError(
      "TRUST_PROXY",
      `is invalid: "${bad.slice(0, 60)}" is not a hop count, an IP address or range, or ${TRUST_PROXY_RANGES.join("/")}`,
    );
  }
  return entries;
}

/** Stands in for FOURME_PROVIDER_ACCOUNT where a command only previews (publish --dry-run --offline). */
export const PREVIEW_PROVIDER_ACCOUNT = "your-provider-account";

/** readConfig for a preview that calls nobody: FOURME_PROVIDER_ACCOUNT may be missing. */
export function readPreviewConfig(env: Record<string, string | undefined> = process.env): Config {
  return readConfig({ ...env, FOURME_PROVIDER_ACCOUNT: env.FOURME_PROVIDER_ACCOUNT || PREVIEW_PROVIDER_ACCOUNT });
}

function readSecretKeys(
  current: string | undefined,
  currentId: string,
  previous: string | undefined,
): Config["secretKeys"] {
  if (!current) {
    if (previous) throw new ConfigError("SECRET_KEYS_PREVIOUS", "needs SECRET_KEY as the current key");
    return undefined;
  }
  const decode = (variable: string, b64: string): Buffer => {
    const key = Buffer.from(b64, "base64");
    if (key.length !== 32)
      throw new ConfigError(variable, "must be 32 bytes, base64-encoded (openssl rand -base64 32)");
    return key;
  };
  const prev = (previous ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((pair) => {
      const [id, b64] = pair.split(":");
      if (!id || !b64) throw new ConfigError("SECRET_KEYS_PREVIOUS", "must be a comma list of id:base64key");
      return { id, key: decode("SECRET_KEYS_PREVIOUS", b64) };
    });
  return { current: { id: currentId, key: decode("SECRET_KEY", current) }, previous: prev };
}
