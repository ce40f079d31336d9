import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "conflict_error"
  | "rate_limit_error"
  | "api_error";

export type RecoveryAction = "retry" | "wait" | "escalate" | "retry_with_params" | "reduce_input" | "switch_model";

export interface Recovery {
  action: RecoveryAction;
  [detail: string]: unknown;
}

/**
 * The one error family. Services throw these; `errorResponse` is the only place that turns
 * anything into the DESIGN.md §6 envelope, so every 4xx/5xx has the same shape.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly recovery?: Recovery,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidRequestError extends AppError {
  constructor(code: string, message: string, recovery?: Recovery) {
    super(400, "invalid_request_error", code, message, recovery);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
    super(
      413,
      "invalid_request_error",
      "body_too_large",
      `Request body is larger than ${limit} bytes.`,
      { action: "reduce_input" },
      { Connection: "close" },
    );
  }
}
export class AuthenticationError extends AppError {
  constructor(code: string, message: string) {
    super(401, "authentication_error", code, message, undefined, { "WWW-Authenticate": "Bearer" });
  }
}
export class PermissionError extends AppError {
  constructor(code: string, message: string, recovery?: Recovery) {
    super(403, "permission_error", code, message, recovery);
  }
}
export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(404, "not_found_error", code, message);
  }
}
export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, "conflict_error", code, message);
  }
}
export class RateLimitError extends AppError {
  constructor(retryAfterSeconds: number, message = "Too many requests.") {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, "rate_limit_error", "rate_limited", message, { action: "wait", retry_after_seconds: seconds }, {
      "Retry-After": String(seconds),
    });
  }
}
export class UpstreamError extends AppError {
  constructor(status: number, code: string, message: string, recovery: Recovery) {
    super(status, "api_error", code, message, recovery);
  }
}

export function envelope(err: AppError) {
  return {
    error: {
      message: err.message,
      type: err.type,
      code: err.code,
      ...(err.recovery ? { recovery: err.recovery } : {}),
    },
  };
}

/** Maps anything thrown in a request to the envelope; unknown errors are logged, never echoed. */
export function errorResponse(c: Context, err: unknown, log: Logger): Response {
  const appError = toAppError(err);
  if (appError.status >= 500) log.error({ err, requestId: c.get("requestId") }, "request failed");
  for (const [name, value] of Object.entries(appError.headers ?? {})) c.header(name, value);
  return c.json(envelope(appError), appError.status as 400);
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    // Hono's own validators throw these, e.g. "Malformed JSON in request body".
    if (err.status === 413) return new PayloadTooLargeError(0);
    if (err.status < 500) return new InvalidRequestError("invalid_request", err.message || "Invalid request.");
  }
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (typeof sqlState === "string") {
    // Class 22 (data exception: NUL byte in text, number out of range, impossible timestamp) and
    // check violations come from values the caller sent that the schema could not rule out.
    if (sqlState.startsWith("22") || sqlState === "23514") {
      return new InvalidRequestError("invalid_value", "A value in the request is out of range or not acceptable (for example, a NUL character).", {
        action: "retry_with_params",
      });
    }
    // A uniqueness race the service did not anticipate: the other request won.
    if (sqlState === "23505") return new ConflictError("conflict", "The request conflicts with a concurrent change; read and retry.");
  }
  return new AppError(500, "api_error", "internal_error", "The server could not complete the request.", {
    action: "retry",
  });
}

export const notFoundRoute = () => new NotFoundError("route_not_found", "No such route.");
