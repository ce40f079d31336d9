import { errors } from "undici";
import { AppError } from "../errors/index.js";

/**
 * An upstream's non-2xx answer in the gateway's envelope. The client learns what to do next
 * (`recovery`); the upstream's own message is kept only where it is about the client's request.
 */
export function upstreamStatusError(provider: string, status: number, body: string, retryAfter: string | undefined): AppError {
  const message = upstreamMessage(body);
  if (status === 429) {
    const seconds = Number(retryAfter);
    return new AppError("upstream_rate_limited", {
      message: `Provider "${provider}" is rate limiting requests.`,
      recovery: Number.isFinite(seconds) && seconds > 0 ? { retry_after_seconds: Math.ceil(seconds) } : {},
    });
  }
  if (status === 400 || status === 422) {
    return new AppError("upstream_rejected_request", { message: message ?? `Provider "${provider}" rejected the request.` });
  }
  if (status === 413) return new AppError("upstream_input_too_large", { message });
  if (status === 404) return new AppError("upstream_model_unavailable", { message: `Provider "${provider}" does not serve this model.` });
  if (status === 401 || status === 403) {
    // The gateway's credentials for the upstream are wrong: nothing the caller can fix but the model.
    return new AppError("upstream_auth_failed", { message: `Provider "${provider}" refused the gateway's credentials.` });
  }
  return new AppError("upstream_error", { message: `Provider "${provider}" failed (HTTP ${status}).` });
}

/** A failure to get an answer at all: timeouts, refused or reset connections. */
export function upstreamTransportError(provider: string, err: unknown): AppError {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
    return new AppError("upstream_timeout", { message: `Provider "${provider}" did not answer in time.`, cause: err });
  }
  return new AppError("upstream_unreachable", { message: `Provider "${provider}" could not be reached.`, cause: err });
}

function upstreamMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}
