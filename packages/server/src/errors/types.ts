/** The envelope's vocabulary (DESIGN.md §6): every error `type` and every `recovery.action`. */
export const ERROR_TYPES = [
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "conflict_error",
  "rate_limit_error",
  "api_error",
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const RECOVERY_ACTIONS = ["retry", "wait", "escalate", "retry_with_params", "reduce_input", "switch_model"] as const;
export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];

export interface Recovery {
  action: RecoveryAction;
  [detail: string]: unknown;
}

/**
 * Which statuses each type may answer with. A client that only looks at the status class must
 * reach the same conclusion as one that reads `type`: a 403 is always a permission_error, an
 * api_error is always the server's (5xx), and invalid_request_error covers the other 4xx
 * (400, 413, nginx's 499 for a client that left).
 */
export interface StatusOfType {
  invalid_request_error: 400 | 413 | 499;
  authentication_error: 401;
  permission_error: 403;
  not_found_error: 404;
  conflict_error: 409;
  rate_limit_error: 429;
  api_error: 500 | 502 | 503 | 504;
}

export const STATUSES_OF_TYPE: { readonly [T in ErrorType]: readonly StatusOfType[T][] } = {
  invalid_request_error: [400, 413, 499],
  authentication_error: [401],
  permission_error: [403],
  not_found_error: [404],
  conflict_error: [409],
  rate_limit_error: [429],
  api_error: [500, 502, 503, 504],
};

/** One catalogue entry; the type ↔ status pairing is checked by the compiler. */
export type ErrorSpec = {
  [T in ErrorType]: {
    type: T;
    status: StatusOfType[T];
    /** The public message when the throw site passes none. */
    message: string;
    /** One line for docs/errors.md: when a client sees this code. */
    meaning: string;
    /** The default `recovery`; a throw site's `recovery` is merged over it. */
    recovery?: Recovery;
    /** Recovery fields the throw site fills in (documented, not defaulted), e.g. `retry_after_seconds`. */
    recoveryFields?: readonly string[];
    headers?: Readonly<Record<string, string>>;
  };
}[ErrorType];

/**
 * Declares a group of codes (better-auth's `defineErrorCodes`): keys stay string literals, so the
 * union of every group is the `ErrorCode` type and a misspelt code does not compile.
 */
export const defineErrorCodes = <const T extends Record<string, ErrorSpec>>(codes: T): T => codes;
