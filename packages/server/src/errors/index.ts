export { AppError, PayloadTooLargeError, RateLimitError, type AppErrorOptions } from "./app-error.js";
export { ERROR_CATALOGUE, ERROR_CODES, ERROR_GROUPS, errorSpec, isErrorCode, type ErrorCode } from "./catalogue.js";
export type { DeviceTokenErrorCode } from "./codes/identity-bridge.js";
export { envelope, normalizeError } from "./envelope.js";
export {
  ERROR_TYPES,
  RECOVERY_ACTIONS,
  STATUSES_OF_TYPE,
  type ErrorSpec,
  type ErrorType,
  type Recovery,
  type RecoveryAction,
} from "./types.js";
