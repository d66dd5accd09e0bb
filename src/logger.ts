// One root pino logger; child loggers per webhook delivery and per sync run.
import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/**
 * Keys whose values never reach a log line, at any depth and in any letter case. The receiver logs reasons, not
 * bodies; this is the net under that rule (pino's own `redact` paths cannot say "at any depth").
 */
const SECRET_KEY_NAMES = [
  "jwt",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "clientSecret",
  "client_secret",
  "secret",
  "secrets",
  "password",
  "authorization",
  "privateKey",
  "private_key",
  "privateKeyPem",
  "clientAssertion",
  "client_assertion",
  "application",
  "authorization_application",
  "cookie",
];
export const SECRET_KEYS = new Set(SECRET_KEY_NAMES.map((k) => k.toLowerCase()));

const CENSOR = "[redacted]";
/** Compact JWS/JWT and bearer credentials inside free text (an error message quoting a header, say). */
const JWT_IN_TEXT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const BEARER_IN_TEXT = /\b(Bearer)\s+[\w.~+/=-]{8,}/gi;
const MAX_DEPTH = 10;

/** A copy of `value` with secret keys censored at any depth and tokens scrubbed from strings. Pure. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[depth]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message), stack: value.stack && scrubText(value.stack) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null ? CENSOR : redactSecrets(v, depth + 1, seen);
  }
  return out;
}

function scrubText(s: string): string {
  return s.replace(JWT_IN_TEXT, "[redacted jwt]").replace(BEARER_IN_TEXT, "$1 [redacted]");
}

export function createLogger(level = "info", destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "intune-4me-connector" },
      // Child bindings bypass the log formatter, so pino's own redaction covers them (two levels deep).
      redact: { paths: [...SECRET_KEY_NAMES, ...SECRET_KEY_NAMES.map((k) => `*.${k}`)], censor: CENSOR },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        log: (object) => redactSecrets(object) as Record<string, unknown>,
        bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
      },
      // The message string itself is scrubbed too: callers sometimes interpolate an upstream error text.
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** A logger that writes nothing, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
