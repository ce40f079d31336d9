import type { ErrorCode, ErrorType, RecoveryAction } from "./error-codes.js";

/** Every error this SDK throws. */
export class BrainstormRouterError extends Error {
  override name = "BrainstormRouterError";
}

export interface Recovery {
  action: RecoveryAction;
  [detail: string]: unknown;
}

/** The server answered with an error status; fields come from its `{"error": {...}}` envelope. */
export class APIError extends BrainstormRouterError {
  override name = "APIError";
  readonly type: ErrorType | undefined;
  /** One of `ERROR_CODES` (docs/errors.md); open-ended, so a newer server's codes still type-check. */
  readonly code: ErrorCode | (string & {}) | undefined;
  readonly recovery: Recovery | undefined;
  /** `x-br-request-id` of the failed response: quote it when asking for help. */
  readonly requestId: string | null;

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    const raw = (body as { error?: unknown; error_description?: string } | null)?.error;
    // The device-token route answers in OAuth's shape (RFC 6749 §5.2): `error` is the code itself.
    const error =
      typeof raw === "string"
        ? { code: raw, message: (body as { error_description?: string }).error_description ?? raw, type: undefined, recovery: undefined }
        : (raw as { message?: string; type?: ErrorType; code?: string; recovery?: Recovery } | undefined);
    super(`${status} ${error?.message ?? (typeof body === "string" && body ? body : "status code (no body)")}`);
    this.type = error?.type;
    this.code = error?.code;
    this.recovery = error?.recovery;
    this.requestId = headers.get("x-br-request-id");
  }

  static generate(status: number, body: unknown, headers: Headers): APIError {
    const Class = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Class(status, body, headers);
  }
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class PayloadTooLargeError extends APIError {
  override name = "PayloadTooLargeError";
}
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** No response at all: DNS, refused connection, reset. */
export class APIConnectionError extends BrainstormRouterError {
  override name = "APIConnectionError";
  constructor(message = "Connection error.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
  constructor() {
    super("Request timed out.");
  }
}

export class APIUserAbortError extends BrainstormRouterError {
  override name = "APIUserAbortError";
  constructor() {
    super("Request was aborted.");
  }
}

/** The device flow ended without a link (RFC 8628 `access_denied` or `expired_token`). */
export class DeviceFlowError extends BrainstormRouterError {
  override name = "DeviceFlowError";
  constructor(
    readonly error: "access_denied" | "expired_token",
    readonly description?: string,
  ) {
    super(description ? `${error}: ${description}` : error);
  }
}
