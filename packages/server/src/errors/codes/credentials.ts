import { defineErrorCodes } from "../types.js";

/** Who is calling and what they may do: 401s name the Bearer scheme, 403s the missing right. */
export const CREDENTIAL_ERRORS = defineErrorCodes({
  missing_api_key: {
    status: 401,
    type: "authentication_error",
    message: "Send an API key as 'Authorization: Bearer br_live_…'.",
    meaning: "A `/v1/*` route was called without an API key.",
  },
  invalid_api_key: {
    status: 401,
    type: "authentication_error",
    message: "The API key is not valid.",
    meaning: "The API key is unknown or malformed.",
  },
  api_key_revoked: {
    status: 401,
    type: "authentication_error",
    message: "This API key has been revoked.",
    meaning: "The API key was revoked.",
  },
  api_key_expired: {
    status: 401,
    type: "authentication_error",
    message: "This API key has expired.",
    meaning: "The API key is past its expiry.",
  },
  api_key_rotated: {
    status: 401,
    type: "authentication_error",
    message: "This API key was rotated and this secret's grace period is over: send the key's new secret.",
    meaning: "The secret is one a rotation replaced (same key id), and its `grace_seconds` have passed.",
    recovery: { action: "retry_with_params", field: "authorization" },
  },
  metrics_token_required: {
    status: 401,
    type: "authentication_error",
    message: "Send the metrics token as 'Authorization: Bearer <BR_METRICS_TOKEN>'.",
    meaning: "`GET /metrics` was called without the configured BR_METRICS_TOKEN.",
  },
  missing_token: {
    status: 401,
    type: "authentication_error",
    message: "Send a sign-in token as 'Authorization: Bearer <JWT>'.",
    meaning: "An `/auth/*` route was called without a sign-in token.",
  },
  invalid_token: {
    status: 401,
    type: "authentication_error",
    message: "The access token is not valid.",
    meaning: "The sign-in token's signature, issuer, audience or subject is wrong.",
  },
  token_expired: {
    status: 401,
    type: "authentication_error",
    message: "The access token has expired.",
    meaning: "The sign-in token is past its expiry; sign in again.",
  },
  missing_credentials: {
    status: 401,
    type: "authentication_error",
    message: "Send a platform admin's API key or sign-in token as 'Authorization: Bearer …'.",
    meaning: "An admin route was called without an API key or sign-in token.",
  },
  insufficient_role: {
    status: 403,
    type: "permission_error",
    message: "This API key's role cannot do that; use an admin key.",
    meaning: "The API key's role is below what the route needs.",
  },
  admin_required: {
    status: 403,
    type: "permission_error",
    message: "Only the tenant's owners and admins can do that.",
    meaning: "The signed-in member is neither owner nor admin of the tenant.",
  },
  owner_required: {
    status: 403,
    type: "permission_error",
    message: "Only the tenant's owners can do that.",
    meaning: "The signed-in member is not an owner of the tenant.",
  },
  not_platform_admin: {
    status: 403,
    type: "permission_error",
    message: "Only platform admins can do that.",
    meaning:
      "The caller holds no platform power (BRAINSTORMROUTER_PLATFORM_ADMIN_IDS or _PROPOSER_IDS), or a proposer tried to decide a proposal.",
    recovery: { action: "escalate" },
  },
  invalid_tenant_id: {
    status: 400,
    type: "invalid_request_error",
    message: "X-BR-Tenant-Id must be a tenant id (uuid).",
    meaning: "The `X-BR-Tenant-Id` header is not a uuid.",
  },
  not_a_member: {
    status: 403,
    type: "permission_error",
    message: "You are not a member of that tenant.",
    meaning: "The identity is not a member of the tenant named by `X-BR-Tenant-Id`.",
  },
  no_tenant: {
    status: 403,
    type: "permission_error",
    message: "You are not a member of any tenant yet.",
    meaning: "The identity belongs to no tenant: provision or claim one first.",
  },
  tenant_pending: {
    status: 403,
    type: "permission_error",
    message: "This tenant is waiting for approval.",
    meaning: "The tenant's signup awaits a platform admin's approval.",
    recovery: { action: "wait" },
  },
  tenant_rejected: {
    status: 403,
    type: "permission_error",
    message: "This tenant's signup was rejected.",
    meaning: "A platform admin rejected the tenant's signup.",
    recovery: { action: "escalate" },
  },
  tenant_suspended: {
    status: 403,
    type: "permission_error",
    message: "This tenant is suspended.",
    meaning: "A platform admin suspended the tenant; its keys and members are refused.",
    recovery: { action: "escalate" },
  },
});
