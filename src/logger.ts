// One root pino logger; child loggers per webhook delivery and per sync run.
import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/**
 * Paths pino replaces with "[redacted]" wherever they occur. Tokens, secrets and JWTs never reach a log line:
 * the receiver logs reasons, not bodies, and this list is the net under that rule.
 */
export const REDACT_PATHS = [
  "jwt",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "clientSecret",
  "client_secret",
  "secret",
  "secrets",
  "password",
  "authorization",
  "privateKey",
  "application",
  "authorization_application",
  "*.jwt",
  "*.token",
  "*.accessToken",
  "*.access_token",
  "*.clientSecret",
  "*.client_secret",
  "*.secret",
  "*.secrets",
  "*.password",
  "*.authorization",
  "*.privateKey",
  "*.application",
  "req.headers.authorization",
  "headers.authorization",
  "headers.Authorization",
];

export function createLogger(level = "info", destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: { service: "intune-4me-connector" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that writes nothing, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
