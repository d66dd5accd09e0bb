// The one place that reads the environment. Everything else receives a Config value.
import { z } from "zod";
import { FOURME_DOMAINS, FOURME_REGIONS, fourMeEndpoints, type FourMeEndpoints } from "./fourme/endpoints.js";
import type { CloudOverrides } from "./intune/clouds.js";
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
  microsoft: CloudOverrides & {
    clientId?: string;
    clientSecret?: string;
    certificate?: { thumbprint: string; privateKeyPem: string };
  };
  /** Intervals in minutes; fractions (0.2 = 12 s) are for tests and demos. */
  sync: { defaultIntervalMinutes: number; minIntervalMinutes: number };
  /** How often the scheduler looks for due instances (once per period across all replicas). */
  scheduler: { tickSeconds: number };
  /** PostgreSQL schema of pg-boss's tables (PostgreSQL mode): two deployments can share one database. */
  pgBoss: { schema: string };
  /** Jobs one process runs at once: per job name with pg-boss (default 2), in all embedded (default 4). */
  jobs: { concurrency?: number };
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
const int = (dflt: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(dflt);
/** Minutes, fractions allowed: tests and demos run schedules over periods of seconds. */
const minutes = (dflt: number) => z.coerce.number().min(0.1).max(10080).default(dflt);

const schema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().default("0.0.0.0"),
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
  FOURME_GRAPHQL_URL: optionalUrl,
  FOURME_OAUTH_URL: optionalUrl,
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
  MS_CLIENT_ID: optionalString,
  MS_CLIENT_SECRET: optionalString,
  MS_CERTIFICATE_THUMBPRINT: optionalString,
  MS_CERTIFICATE_PRIVATE_KEY: optionalString,
  MS_LOGIN_URL: optionalUrl,
  MS_GRAPH_URL: optionalUrl,
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
  if (e.MS_CERTIFICATE_THUMBPRINT && !e.MS_CERTIFICATE_PRIVATE_KEY) {
    throw new ConfigError("MS_CERTIFICATE_PRIVATE_KEY", "is required when MS_CERTIFICATE_THUMBPRINT is set");
  }
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
      clientId: e.MS_CLIENT_ID,
      clientSecret: e.MS_CLIENT_SECRET,
      certificate: e.MS_CERTIFICATE_THUMBPRINT
        ? {
            thumbprint: e.MS_CERTIFICATE_THUMBPRINT,
            privateKeyPem: e.MS_CERTIFICATE_PRIVATE_KEY!.replaceAll("\\n", "\n"),
          }
        : undefined,
      loginUrl: e.MS_LOGIN_URL,
      graphUrl: e.MS_GRAPH_URL,
      adminCenterUrl: e.MS_ADMIN_CENTER_URL,
    },
    sync: { defaultIntervalMinutes: e.SYNC_DEFAULT_INTERVAL_MINUTES, minIntervalMinutes: e.SYNC_MIN_INTERVAL_MINUTES },
    scheduler: { tickSeconds: e.SCHEDULER_TICK_SECONDS },
    pgBoss: { schema: e.PGBOSS_SCHEMA },
    jobs: e.JOB_CONCURRENCY === undefined ? {} : { concurrency: e.JOB_CONCURRENCY },
  };
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
