import { errors } from "undici";
import { AppError, InvalidRequestError, UpstreamError } from "../http/errors.js";

/**
 * An upstream's non-2xx answer in the gateway's envelope. The client learns what to do next
 * (`recovery`); the upstream's own message is kept only where it is about the client's request.
 */
export function upstreamStatusError(provider: string, status: number, body: string, retryAfter: string | undefined): AppError {
  const message = upstreamMessage(body);
  if (status === 429) {
    const seconds = Number(retryAfter);
    return new UpstreamError(503, "upstream_rate_limited", `Provider "${provider}" is rate limiting requests.`, {
      action: "wait",
      ...(Number.isFinite(seconds) && seconds > 0 ? { retry_after_seconds: Math.ceil(seconds) } : {}),
    });
  }
  if (status === 400 || status === 422) {
    return new InvalidRequestError("upstream_rejected_request", message ?? `Provider "${provider}" rejected the request.`, {
      action: "retry_with_params",
    });
  }
  if (status === 413) return new AppError(413, "invalid_request_error", "upstream_input_too_large", message ?? "Input too large.", { action: "reduce_input" });
  if (status === 404) {
    return new UpstreamError(502, "upstream_model_unavailable", `Provider "${provider}" does not serve this model.`, { action: "switch_model" });
  }
  if (status === 401 || status === 403) {
    // The gateway's credentials for the upstream are wrong: nothing the caller can fix but the model.
    return new UpstreamError(502, "upstream_auth_failed", `Provider "${provider}" refused the gateway's credentials.`, { action: "switch_model" });
  }
  return new UpstreamError(502, "upstream_error", `Provider "${provider}" failed (HTTP ${status}).`, { action: "retry" });
}

/** A failure to get an answer at all: timeouts, refused or reset connections. */
export function upstreamTransportError(provider: string, err: unknown): AppError {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
    return new UpstreamError(504, "upstream_timeout", `Provider "${provider}" did not answer in time.`, { action: "retry" });
  }
  return new UpstreamError(502, "upstream_unreachable", `Provider "${provider}" could not be reached.`, { action: "retry" });
}

function upstreamMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}
