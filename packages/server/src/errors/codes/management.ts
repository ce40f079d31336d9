import { defineErrorCodes } from "../types.js";

/** Tenant administration (platform admins) and a tenant's own members, keys and claim links. */
export const MANAGEMENT_ERRORS = defineErrorCodes({
  tenant_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No tenant with that id.",
    meaning: "No tenant has that id.",
  },
  invalid_transition: {
    status: 409,
    type: "conflict_error",
    message: "The tenant's status does not allow that change.",
    meaning: "The tenant's current status does not allow the approve, reject or suspend.",
  },
  invalid_invite_code: {
    status: 400,
    type: "invalid_request_error",
    message: "Codes are 4-64 letters, digits, '-' or '_'.",
    meaning: "A chosen invite code is not 4-64 letters, digits, '-' or '_'.",
    recovery: { action: "retry_with_params", field: "code" },
  },
  invalid_expires_at: {
    status: 400,
    type: "invalid_request_error",
    message: "expires_at must be a date-time in the future.",
    meaning: "An invite code's or API key's `expires_at` is not a future date-time.",
    recovery: { action: "retry_with_params", field: "expires_at" },
  },
  invite_code_exists: {
    status: 409,
    type: "conflict_error",
    message: "An invite code with that name exists (codes are case-insensitive).",
    meaning: "An invite code with that name exists, in any letter case.",
  },
  invite_code_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No live invite code with that id.",
    meaning: "No unrevoked invite code has that id.",
  },
  member_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No such member.",
    meaning: "The tenant has no member with that id.",
  },
  last_owner: {
    status: 409,
    type: "conflict_error",
    message: "A tenant keeps at least one owner: make someone else owner first.",
    meaning: "The change would leave the tenant without an owner.",
  },
  api_key_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No such API key.",
    meaning: "The tenant has no API key with that id.",
  },
  api_key_already_revoked: {
    status: 409,
    type: "conflict_error",
    message: "This API key is revoked: it can no longer be changed or rotated. Create a new key.",
    meaning: "A PATCH or rotation named a revoked key; revocation is final.",
  },
  claim_link_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No such claim link.",
    meaning: "The tenant has no claim link with that id.",
  },
});
