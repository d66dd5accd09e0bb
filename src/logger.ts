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
/**
 * Runs of base64url characters joined by dots: the only text a compact JWS can sit in. `.` and `[\w-]` never
 * overlap, so a run is matched in one pass with no backtracking; the JWT test then looks at its segments.
 * (A single pattern such as /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*\/ is quadratic: on "eyJ-eyJ-eyJ-…" every
 * `eyJ` starts a scan to the end of the run, and 32 KB of that took ~470 ms.)
 */
const DOTTED_RUN = /[\w-]+(?:\.[\w-]*)*/g;
const JWT_CENSOR = "[redacted jwt]";
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
  return s.replace(DOTTED_RUN, scrubJwtsInRun).replace(BEARER_IN_TEXT, "$1 [redacted]");
}

/**
 * Censors, in one dotted run, what /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*\/g would: a segment holding `eyJ` at a
 * word boundary with at least 5 characters after it, then a segment of at least 5, then a third (maybe empty)
 * segment. Each segment is looked at a bounded number of times: linear in the run's length.
 */
function scrubJwtsInRun(run: string): string {
  if (!run.includes(".")) return run;
  const segments = run.split(".");
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const start = i + 2 < segments.length && segments[i + 1].length >= 5 ? jwtHeaderStart(segment) : -1;
    if (start < 0) {
      out.push(segment);
      continue;
    }
    out.push(segment.slice(0, start) + JWT_CENSOR);
    i += 2; // the payload and signature segments went with it
  }
  return out.join(".");
}

/** Where the first `eyJ` at a word boundary with 5 or more characters after it starts in a segment, or -1. */
function jwtHeaderStart(segment: string): number {
  // Inside a segment the only non-word character is "-", so a boundary is the segment's start or a "-" before.
  for (let k = segment.indexOf("eyJ"); k >= 0; k = segment.indexOf("eyJ", k + 1)) {
    if (k > 0 && segment[k - 1] !== "-") continue;
    // A later `eyJ` leaves even fewer characters after it: the first one at a boundary decides.
    return segment.length - k - 3 >= 5 ? k : -1;
  }
  return -1;
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
