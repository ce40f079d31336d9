import { APIConnectionError, APIError } from "brainstormrouter";

/** What to tell the person: the server's own sentence (DESIGN.md §6), not the SDK's "400 …". */
export function errorMessage(error: unknown): string {
  if (error instanceof APIError) {
    const message = (error.body as { error?: { message?: unknown } } | null)?.error?.message;
    // A proxy's HTML error page has no envelope: its status is all there is to say.
    return typeof message === "string" ? message : `The server answered ${error.status}.`;
  }
  if (error instanceof APIConnectionError) return "The server cannot be reached. Check your connection and try again.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** The envelope's `code` (`already_member`, `rate_limited`, …); "" for anything but an API error. */
export function errorCode(error: unknown): string {
  return error instanceof APIError ? (error.code ?? `http_${error.status}`) : "";
}

/** A 429's Retry-After in seconds, when the server sent one. */
export function retryAfterSeconds(error: unknown): number | null {
  const seconds = error instanceof APIError ? Number(error.headers.get("retry-after")) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** 4xx answers are final: asking again gets the same answer. */
export const isFinal = (error: unknown) => error instanceof APIError && error.status >= 400 && error.status < 500;

/**
 * The request field an error is about, so a form can show it next to that field: the envelope's
 * `param`, an `exceeds_tenant_policy` answer's `recovery.field`, or a validation failure's first
 * issue (`allowed_models.3` → `allowed_models`). null when the error names no field.
 */
export function errorField(error: unknown): string | null {
  if (!(error instanceof APIError)) return null;
  const body = (error.body as { error?: { param?: unknown } } | null)?.error;
  const recovery = error.recovery as { field?: unknown; issues?: { path?: unknown }[] } | undefined;
  const named = body?.param ?? recovery?.field ?? recovery?.issues?.[0]?.path;
  return typeof named === "string" && named ? (named.split(".")[0] ?? null) : null;
}
