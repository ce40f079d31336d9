import { defineErrorCodes } from "../types.js";

/**
 * The data plane: model routing and what went wrong upstream. The upstream's own message is
 * passed on only where it is about the caller's request (rejected, too large).
 */
export const GATEWAY_ERRORS = defineErrorCodes({
  model_not_found: {
    status: 404,
    type: "not_found_error",
    message: "The model is not served here.",
    meaning: "No configured provider serves the requested model; `recovery.models` lists those that are.",
    recovery: { action: "switch_model" },
    recoveryFields: ["models"],
  },
  unsupported_parameter: {
    status: 400,
    type: "invalid_request_error",
    message: "The model does not support a parameter of the request.",
    meaning: "The model (the built-in echo provider) cannot honour a parameter it was sent; `recovery.field` names it.",
    recovery: { action: "retry_with_params" },
    recoveryFields: ["field"],
  },
  upstream_rejected_request: {
    status: 400,
    type: "invalid_request_error",
    message: "The provider rejected the request.",
    meaning: "The provider refused the request as invalid (its 400/422); its message is passed on.",
    recovery: { action: "retry_with_params" },
  },
  upstream_input_too_large: {
    status: 413,
    type: "invalid_request_error",
    message: "Input too large.",
    meaning: "The provider found the input too large (its 413).",
    recovery: { action: "reduce_input" },
  },
  upstream_rate_limited: {
    status: 503,
    type: "api_error",
    message: "The provider is rate limiting requests.",
    meaning: "The provider answered 429; `retry_after_seconds` when it said how long.",
    recovery: { action: "wait" },
    recoveryFields: ["retry_after_seconds"],
  },
  upstream_model_unavailable: {
    status: 502,
    type: "api_error",
    message: "The provider does not serve this model.",
    meaning: "The provider answered 404 for the model.",
    recovery: { action: "switch_model" },
  },
  upstream_auth_failed: {
    status: 502,
    type: "api_error",
    message: "The provider refused the gateway's credentials.",
    meaning: "The provider refused the gateway's own credentials (its 401/403); nothing the caller can fix.",
    recovery: { action: "switch_model" },
  },
  upstream_error: {
    status: 502,
    type: "api_error",
    message: "The provider failed.",
    meaning: "The provider answered another error status.",
    recovery: { action: "retry" },
  },
  upstream_timeout: {
    status: 504,
    type: "api_error",
    message: "The provider did not answer in time.",
    meaning: "The provider did not answer within the gateway's timeout.",
    recovery: { action: "retry" },
  },
  upstream_unreachable: {
    status: 502,
    type: "api_error",
    message: "The provider could not be reached.",
    meaning: "The connection to the provider failed (refused, reset, DNS).",
    recovery: { action: "retry" },
  },
});
