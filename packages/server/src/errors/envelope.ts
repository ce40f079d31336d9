import { AppError } from "./app-error.js";

/** The DESIGN.md §6 body, for HTTP answers and MCP tool errors alike. */
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

/**
 * Anything thrown, as an AppError: AppErrors pass through, PostgreSQL errors the service did not
 * anticipate get their SQLSTATE's meaning, everything else is an internal_error whose cause is
 * kept for the log and never answered.
 */
export function normalizeError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isInfrastructureFailure(err)) return new AppError("service_unavailable", { cause: err });
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (typeof sqlState === "string") {
    // Class 22 (data exception: NUL byte in text, number out of range, impossible timestamp) and
    // check violations come from values the caller sent that the schema could not rule out.
    if (sqlState.startsWith("22") || sqlState === "23514") return new AppError("invalid_value", { cause: err });
    // A uniqueness race the service did not anticipate: the other request won.
    if (sqlState === "23505") return new AppError("conflict", { cause: err });
  }
  return new AppError("internal_error", { cause: err });
}

// Socket-level failures reaching PostgreSQL or Redis.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
// SQLSTATE: class 08 (connection exception), 57P01-57P03 (shutting down, cannot connect now), 53300
// (too many connections).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
// What pg, PGlite and ioredis throw when their connection is gone or a command timed out.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Command timed out|Connection is closed|Stream isn't writeable|PGlite is closed/i;

/**
 * A dependency failing rather than the request or our code: answered 503 with Retry-After, so
 * clients (and load balancers) retry instead of treating it as a bug (DESIGN.md §11).
 */
export function isInfrastructureFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (err.name === "MaxRetriesPerRequestError") return true;
  return UNAVAILABLE_MESSAGE.test(err.message);
}
