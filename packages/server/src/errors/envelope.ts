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
