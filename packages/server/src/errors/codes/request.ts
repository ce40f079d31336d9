import { defineErrorCodes } from "../types.js";

/** Any route: the request itself, and the server's own failures. */
export const REQUEST_ERRORS = defineErrorCodes({
  validation_failed: {
    status: 400,
    type: "invalid_request_error",
    message: "The request is not valid.",
    meaning: "A body, query or header field failed its schema; the message names the first field.",
    recovery: { action: "retry_with_params" },
    recoveryFields: ["issues"],
  },
  invalid_request: {
    status: 400,
    type: "invalid_request_error",
    message: "Invalid request.",
    meaning: "The request could not be read at all, e.g. malformed JSON.",
  },
  invalid_value: {
    status: 400,
    type: "invalid_request_error",
    message: "A value in the request is out of range or not acceptable (for example, a NUL character).",
    meaning: "A value passed the schema but the database refused it (out of range, NUL byte, impossible date).",
    recovery: { action: "retry_with_params" },
  },
  invalid_cursor: {
    status: 400,
    type: "invalid_request_error",
    message: "The cursor is not one this list returned.",
    meaning: "A list's `cursor` was not a `next_cursor` this list answered.",
    recovery: { action: "retry_with_params", field: "cursor" },
  },
  body_too_large: {
    status: 413,
    type: "invalid_request_error",
    message: "Request body is too large.",
    meaning: "The body is larger than the server's limit (BR_MAX_BODY_BYTES); the connection is closed.",
    recovery: { action: "reduce_input" },
    // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
    headers: { Connection: "close" },
  },
  client_closed_request: {
    status: 499,
    type: "invalid_request_error",
    message: "The client closed the request.",
    meaning: "The caller went away before the answer was complete (recorded in usage; rarely seen by a client).",
  },
  route_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No such route.",
    meaning: "No route matches the method and path.",
  },
  conflict: {
    status: 409,
    type: "conflict_error",
    message: "The request conflicts with a concurrent change; read and retry.",
    meaning: "A concurrent request changed the same record first.",
  },
  rate_limited: {
    status: 429,
    type: "rate_limit_error",
    message: "Too many requests.",
    meaning: "A rate limit or guessing budget is spent; `Retry-After` says when it frees up.",
    recovery: { action: "wait" },
    recoveryFields: ["retry_after_seconds"],
  },
  service_unavailable: {
    status: 503,
    type: "api_error",
    message: "A service the gateway depends on (its database or cache) is not answering; retry shortly.",
    meaning: "PostgreSQL or Redis failed or timed out; nothing was changed unless the answer says so.",
    recovery: { action: "retry", retry_after_seconds: 2 },
    headers: { "Retry-After": "2" },
  },
  internal_error: {
    status: 500,
    type: "api_error",
    message: "The server could not complete the request.",
    meaning: "An unexpected server failure; it is logged with the request id, never described.",
    recovery: { action: "retry" },
  },
});
