import { type ErrorCode, errorSpec } from "./catalogue.js";
import type { ErrorType, Recovery } from "./types.js";

export interface AppErrorOptions {
  /** The public message, when the catalogue's default is not specific enough. Never a secret. */
  message?: string;
  /** Merged over the catalogue's default recovery (details such as `field`, `models`). */
  recovery?: Partial<Recovery>;
  headers?: Record<string, string>;
  /** What went wrong inside: logged by the mapper, never answered. */
  cause?: unknown;
}

/**
 * The one error family. Services, stores and adapters throw these with a catalogue code; the
 * mappers (http/errors.ts, mcp/tool.ts) turn them into the DESIGN.md §6 envelope.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: ErrorType;
  readonly recovery?: Recovery;
  readonly headers?: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const spec = errorSpec(code);
    // Only reachable past the type checker (a cast string); the lockstep test scans for those.
    if (!spec) throw new TypeError(`"${code}" is not in the error catalogue (src/errors/codes/)`);
    super(options.message ?? spec.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = spec.status;
    this.type = spec.type;
    if (spec.recovery || options.recovery) this.recovery = { ...spec.recovery, ...options.recovery } as Recovery;
    // RFC 6750 §3: a 401 names the scheme the credentials go in.
    const challenge = spec.type === "authentication_error" ? { "WWW-Authenticate": "Bearer" } : undefined;
    if (challenge || spec.headers || options.headers) this.headers = { ...challenge, ...spec.headers, ...options.headers };
  }
}

/** 429 with Retry-After and `recovery.retry_after_seconds`, whole seconds and at least 1. */
export class RateLimitError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message?: string) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super("rate_limited", { message, recovery: { retry_after_seconds: seconds }, headers: { "Retry-After": String(seconds) } });
    this.retryAfterSeconds = seconds;
  }
}

/** 413 naming the limit in bytes. */
export class PayloadTooLargeError extends AppError {
  constructor(readonly limit: number) {
    super("body_too_large", { message: `Request body is larger than ${limit} bytes.` });
  }
}
