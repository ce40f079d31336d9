import { defineErrorCodes } from "../types.js";

const INVITE_RECOVERY = { action: "retry_with_params", field: "invite_code" } as const;

/** Signup (register, provision), claims and the device flow (DESIGN.md §6, Identity Bridge). */
export const IDENTITY_BRIDGE_ERRORS = defineErrorCodes({
  invite_code_invalid: {
    status: 400,
    type: "invalid_request_error",
    message: "The invite code is not valid.",
    meaning: "No invite code matches; nothing was created. Wrong guesses spend a rate-limit budget.",
    recovery: INVITE_RECOVERY,
  },
  invite_code_expired: {
    status: 400,
    type: "invalid_request_error",
    message: "The invite code has expired.",
    meaning: "The invite code is past its expiry; nothing was created.",
    recovery: INVITE_RECOVERY,
  },
  invite_code_used_up: {
    status: 400,
    type: "invalid_request_error",
    message: "The invite code has no uses left.",
    meaning: "The invite code's `max_uses` are spent; nothing was created.",
    recovery: INVITE_RECOVERY,
  },
  slug_taken: {
    status: 409,
    type: "conflict_error",
    message: "That slug is already taken.",
    meaning: "The requested `tenant_slug` belongs to another tenant.",
  },
  claim_token_invalid: {
    status: 400,
    type: "invalid_request_error",
    message: "The claim token is not valid or has been revoked.",
    meaning: "The claim token is unknown or was revoked.",
    recovery: { action: "escalate" },
  },
  claim_token_expired: {
    status: 400,
    type: "invalid_request_error",
    message: "The claim token has expired.",
    meaning: "The claim token is past its expiry.",
    recovery: { action: "escalate" },
  },
  claim_token_fully_redeemed: {
    status: 400,
    type: "invalid_request_error",
    message: "The claim token has been fully redeemed.",
    meaning: "The claim token's `max_uses` are spent.",
    recovery: { action: "escalate" },
  },
  email_claim_not_allowed: {
    status: 403,
    type: "permission_error",
    message:
      "This tenant cannot be claimed with your email: it needs a verified email equal to its admin email and no human member yet. Use a claim link instead.",
    meaning: "A claim by `tenant_id` needs a verified email equal to the tenant's admin email and no human member yet.",
  },
  already_member: {
    status: 409,
    type: "conflict_error",
    message: "You are already a member of this tenant.",
    meaning: "The identity claimed a tenant it already belongs to.",
  },
  invalid_user_code: {
    status: 400,
    type: "invalid_request_error",
    message: "That code is not valid. Check the code shown on your terminal.",
    meaning: "No pending device has that user code. Wrong codes spend a rate-limit budget.",
    recovery: { action: "retry_with_params", field: "user_code" },
  },
  user_code_expired: {
    status: 400,
    type: "invalid_request_error",
    message: "This code has expired. Start again on your terminal.",
    meaning: "The device authorization is past its 15 minutes.",
    recovery: { action: "escalate" },
  },
  device_already_decided: {
    status: 409,
    type: "conflict_error",
    message: "This code has already been approved or denied.",
    meaning: "The device authorization was approved or denied before.",
  },
});

/**
 * The device-token poll's outcomes (RFC 8628 §3.5). The route answers them in the OAuth body
 * `{"error": code, "error_description": message}`, the one exception to the envelope.
 */
export const DEVICE_TOKEN_ERRORS = defineErrorCodes({
  authorization_pending: {
    status: 400,
    type: "invalid_request_error",
    message: "The user has not yet approved or denied this device.",
    meaning: "Device-token poll: not decided yet; poll again after `interval` seconds.",
  },
  slow_down: {
    status: 400,
    type: "invalid_request_error",
    message: "Polling too fast: wait the interval, which has grown by 5 seconds.",
    meaning: "Device-token poll: polled faster than `interval`, which has grown by 5 seconds.",
  },
  access_denied: {
    status: 400,
    type: "invalid_request_error",
    message: "The user denied this device.",
    meaning: "Device-token poll: the human denied the device.",
  },
  expired_token: {
    status: 400,
    type: "invalid_request_error",
    message: "The device code has expired; start again with a new authorization.",
    meaning: "Device-token poll: the device code expired before it was approved.",
  },
  invalid_grant: {
    status: 400,
    type: "invalid_request_error",
    message: "Unknown device code, or its result was already delivered.",
    meaning: "Device-token poll: unknown device code, another tenant's, or already delivered.",
  },
});

export type DeviceTokenErrorCode = keyof typeof DEVICE_TOKEN_ERRORS;
