import { defineErrorCodes } from "../types.js";

/** The served dashboard and the Slack action webhook. */
export const SURFACE_ERRORS = defineErrorCodes({
  asset_not_found: {
    status: 404,
    type: "not_found_error",
    message: "No such dashboard asset.",
    meaning: "No dashboard file has that path.",
  },
  dashboard_not_built: {
    status: 503,
    type: "api_error",
    message: "The dashboard is not built. Run `npm run build -w packages/dashboard` (npm install does it) and reload.",
    meaning: "The server has no dashboard build to serve.",
    recovery: { action: "escalate" },
  },
  slack_not_configured: {
    status: 404,
    type: "not_found_error",
    message: "Slack actions are not configured.",
    meaning: "SLACK_SIGNING_SECRET is not set, so the Slack webhook does not exist.",
  },
  invalid_slack_signature: {
    status: 401,
    type: "authentication_error",
    message: "The Slack request signature is not valid.",
    meaning: "`X-Slack-Signature` does not match the body.",
  },
  stale_slack_request: {
    status: 401,
    type: "authentication_error",
    message: "The Slack request timestamp is outside the 5-minute window.",
    meaning: "`X-Slack-Request-Timestamp` is more than 300 s off.",
  },
  invalid_slack_payload: {
    status: 400,
    type: "invalid_request_error",
    message: "Expected a form-encoded 'payload' field holding JSON.",
    meaning: "The Slack action body has no form-encoded JSON `payload`.",
  },
});
