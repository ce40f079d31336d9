import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { AppError, envelope, normalizeError, PayloadTooLargeError } from "../errors/index.js";

// The codes live in src/errors/; this file only maps what a request threw to the envelope.
export { envelope };
export { PayloadTooLargeError, RateLimitError } from "../errors/index.js";
export type { ErrorType, Recovery, RecoveryAction } from "../errors/index.js";

/** Maps anything thrown in a request to the envelope; unknown errors are logged, never echoed. */
export function errorResponse(c: Context, err: unknown, log: Logger): Response {
  const appError = toAppError(err);
  // `err`, not the wrapper: the log wants the original stack. `error_code`: `code` is redacted.
  if (appError.status >= 500) log.error({ err, error_code: appError.code, requestId: c.get("requestId") }, "request failed");
  else if (appError.cause !== undefined)
    log.info({ err: appError.cause, error_code: appError.code, requestId: c.get("requestId") }, "request refused");
  for (const [name, value] of Object.entries(appError.headers ?? {})) c.header(name, value);
  return c.json(envelope(appError), appError.status as 400);
}

/** What a request threw, as an AppError: Hono's own exceptions first, then the catalogue's mapping. */
export function toAppError(err: unknown): AppError {
  if (err instanceof HTTPException) {
    // Hono's own validators throw these, e.g. "Malformed JSON in request body".
    if (err.status === 413) return new PayloadTooLargeError(0);
    if (err.status < 500) return new AppError("invalid_request", { message: err.message || undefined });
  }
  return normalizeError(err);
}

export const notFoundRoute = () => new AppError("route_not_found");
