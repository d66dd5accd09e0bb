// A small coded error hierarchy: every path after `asAppError` sees one type.

export const ErrorCode = {
  Config: "intune_app_config",
  Verification: "intune_app_verification",
  Authorization: "intune_app_authorization",
  RateLimit: "intune_app_rate_limit",
  Upstream: "intune_app_upstream",
  Validation: "intune_app_validation",
  Store: "intune_app_store",
  NotFound: "intune_app_not_found",
  Unknown: "intune_app_unknown",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class AppError extends Error {
  /** Set once the error was logged, so outer layers do not log it again. */
  isLogged = false;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A webhook or state token that failed verification. `status` is the HTTP answer. */
export class VerificationError extends AppError {
  constructor(
    message: string,
    readonly status: 400 | 401 | 413 = 401,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.Verification, message, options);
  }
}

/** Credentials were refused (4me invalid_client, Graph 401/403, AADSTS consent errors). Not retried. */
export class AuthorizationError extends AppError {
  constructor(
    message: string,
    readonly service: "4me" | "graph" | "entra",
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.Authorization, message, options);
  }
}

/** Throttled beyond the retry budget. */
export class RateLimitError extends AppError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.RateLimit, message, options);
  }
}

/** An upstream outage or unexpected answer that outlived its retries. */
export class UpstreamError extends AppError {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.Upstream, message, options);
  }
}

/** A 4me mutation payload returned `errors { path message }`. */
export class MutationError extends AppError {
  constructor(
    readonly mutation: string,
    readonly errors: { path?: string[] | string | null; message: string }[],
  ) {
    super(ErrorCode.Validation, `${mutation}: ${errors.map((e) => formatPath(e.path) + e.message).join("; ")}`);
  }
}

export class StoreError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Store, message, options);
  }
}

function formatPath(path: string[] | string | null | undefined): string {
  if (!path || path.length === 0) return "";
  return `${Array.isArray(path) ? path.join(".") : path}: `;
}

export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof Error) return new AppError(ErrorCode.Unknown, err.message, { cause: err });
  return new AppError(ErrorCode.Unknown, String(err));
}
