import { z } from "zod";
import { CLAIM_LINK_BOUNDS, createClaimLink } from "../services/claim-links.js";
import { authorizeDevice, DeviceTokenError, pollDeviceToken } from "../services/device-flow.js";
import { MembershipRole } from "../http/openapi.js";
import { USAGE_BOUNDS, USAGE_GROUPS, usageReport } from "../services/usage.js";
import { defineTool, type ToolSpec } from "./tool.js";

const { maxUses, expiresInDays } = CLAIM_LINK_BOUNDS;

/** Tools every API key gets: enough for an agent to learn whom it acts for. */
export const TENANT_TOOLS: ToolSpec[] = [
  defineTool({
    name: "br_get_current_tenant",
    operationId: "tenant.retrieve",
    title: "Current tenant",
    description: "The tenant this API key belongs to, the key's role, and whether the caller is a platform admin.",
    input: {},
    mutation: false,
    // Like GET /v1/tenant, answered from the key look-up: no query.
    run: async (_deps, { actor, tenant }) => ({ tenant, role: actor.role, is_platform_admin: actor.isPlatformAdmin }),
  }),
];

/**
 * Handing the tenant to humans, for admin-role keys only (the HTTP routes' rule): a claim link to
 * send, or the device flow when the human is at a browser and the agent in a terminal.
 */
export const TENANT_ADMIN_TOOLS: ToolSpec[] = [
  defineTool({
    name: "br_generate_claim_link",
    operationId: "identityBridge.generateClaimLink",
    title: "Generate claim link",
    description: "A link a human opens to sign in and join this tenant with the given role. The token is shown once.",
    input: {
      role: MembershipRole.optional().describe("owner, admin or member (default)."),
      max_uses: z.number().int().min(maxUses.min).max(maxUses.max).optional().describe("Default 1."),
      expires_in_days: z.number().int().min(expiresInDays.min).max(expiresInDays.max).optional().describe("Default 7."),
    },
    mutation: true,
    run: (deps, { actor }, args) => createClaimLink(deps, actor, args),
  }),
  defineTool({
    name: "br_get_usage",
    operationId: "tenant.usage",
    title: "Usage",
    description:
      "This tenant's requests, tokens, cost (USD) and errors over UTC days: per day (every day, zeros included), or per key or model (by cost; page with cursor = next_cursor).",
    input: {
      from: z
        .string()
        .optional()
        .describe(`First UTC day, YYYY-MM-DD (default: to − ${USAGE_BOUNDS.defaultDays - 1} days).`),
      to: z.string().optional().describe(`Last UTC day, included (default: today); at most ${USAGE_BOUNDS.maxDays} days after from.`),
      group_by: z.enum(USAGE_GROUPS).optional().describe("day (default), key or model."),
      limit: z
        .number()
        .int()
        .min(USAGE_BOUNDS.limit.min)
        .max(USAGE_BOUNDS.limit.max)
        .optional()
        .describe("Keys or models per page (default 100)."),
      cursor: z.string().max(2000).optional().describe("next_cursor of the previous page."),
    },
    mutation: false,
    run: (deps, { actor }, args) => usageReport(deps, actor, args),
  }),
  defineTool({
    name: "br_start_device_link",
    operationId: "identityBridge.authorizeDevice",
    title: "Start device link",
    description:
      "RFC 8628 device flow: show the human user_code and verification_uri, then call br_poll_device_link every `interval` seconds.",
    input: {
      role: MembershipRole.optional().describe(
        "Role an identity new to the tenant gets: owner only with the registration key of an unclaimed tenant (its default); admin by default otherwise.",
      ),
    },
    mutation: true,
    run: (deps, { actor }, { role }) => authorizeDevice(deps, actor, { role }),
  }),
  defineTool({
    name: "br_poll_device_link",
    operationId: "identityBridge.pollDeviceToken",
    title: "Poll device link",
    description:
      "status linked once the human confirmed; otherwise error authorization_pending, slow_down (wait 5 s more), access_denied or expired_token.",
    input: { device_code: z.string().min(1).max(256) },
    mutation: false,
    run: async (deps, { actor }, { device_code }) => {
      try {
        return await pollDeviceToken(deps, actor, device_code);
      } catch (err) {
        // States of the flow, as the HTTP route answers them (RFC 8628 §3.5), not tool failures.
        if (err instanceof DeviceTokenError) return { error: err.error, error_description: err.message };
        throw err;
      }
    },
  }),
];
