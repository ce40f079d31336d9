import { CREDENTIAL_ERRORS } from "./codes/credentials.js";
import { GATEWAY_ERRORS } from "./codes/gateway.js";
import { GOVERNANCE_ERRORS } from "./codes/governance.js";
import { DEVICE_TOKEN_ERRORS, IDENTITY_BRIDGE_ERRORS } from "./codes/identity-bridge.js";
import { MANAGEMENT_ERRORS } from "./codes/management.js";
import { PROPOSAL_ERRORS } from "./codes/proposals.js";
import { REQUEST_ERRORS } from "./codes/request.js";
import { SURFACE_ERRORS } from "./codes/surfaces.js";
import type { ErrorSpec } from "./types.js";

/** The groups in docs/errors.md's order, each under its heading. */
export const ERROR_GROUPS = [
  { title: "Requests", codes: REQUEST_ERRORS },
  { title: "Credentials and access", codes: CREDENTIAL_ERRORS },
  { title: "Signup and Identity Bridge", codes: IDENTITY_BRIDGE_ERRORS },
  { title: "Device-token poll (RFC 8628 body)", codes: DEVICE_TOKEN_ERRORS },
  { title: "Tenant management", codes: MANAGEMENT_ERRORS },
  { title: "Proposals", codes: PROPOSAL_ERRORS },
  { title: "Budgets and model access", codes: GOVERNANCE_ERRORS },
  { title: "Gateway and providers", codes: GATEWAY_ERRORS },
  { title: "Dashboard and Slack", codes: SURFACE_ERRORS },
] as const;

/**
 * Every error code the server answers, defined once: status, type, default message and recovery.
 * A code is never reused with another meaning, and a published one is never renamed — clients
 * switch on it (both SDKs export the list, generated from this object).
 */
export const ERROR_CATALOGUE = {
  ...REQUEST_ERRORS,
  ...CREDENTIAL_ERRORS,
  ...IDENTITY_BRIDGE_ERRORS,
  ...DEVICE_TOKEN_ERRORS,
  ...MANAGEMENT_ERRORS,
  ...PROPOSAL_ERRORS,
  ...GOVERNANCE_ERRORS,
  ...GATEWAY_ERRORS,
  ...SURFACE_ERRORS,
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export const isErrorCode = (value: string): value is ErrorCode => Object.hasOwn(ERROR_CATALOGUE, value);

export const errorSpec = (code: ErrorCode): ErrorSpec | undefined => (isErrorCode(code) ? ERROR_CATALOGUE[code] : undefined);
