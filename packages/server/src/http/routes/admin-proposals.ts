import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { approveProposal, createProposal, declineProposal, getProposal, listProposals } from "../../services/admin/proposals.js";
import type { App } from "../context.js";
import { platformAccess } from "../middleware/platform-admin.js";
import { apiKeySecurity, displayString, errorResponses, jsonBody, jsonContent, jwtSecurity } from "../openapi.js";
import { DryRun } from "./admin.js";

const timestamp = z.string().openapi({ format: "date-time" });

export const PROPOSAL_ACTIONS = ["approve_tenant", "reject_tenant", "suspend_tenant", "create_invite_code", "delete_invite_code"] as const;
export const PROPOSAL_STATUSES = ["open", "executed", "declined", "expired", "stale"] as const;

export const ActorRef = z
  .object({
    kind: z.enum(["user", "api_key", "slack_user", "system"]),
    id: z.string(),
    label: z.string().openapi({ description: "An email, a key's name and prefix, a Slack user id; never a secret" }),
  })
  .openapi("ActorRef");

export const Proposal = z
  .object({
    id: z.uuid(),
    status: z.enum(PROPOSAL_STATUSES),
    action: z.enum(PROPOSAL_ACTIONS),
    target_id: z.uuid().nullable(),
    params: z.record(z.string(), z.unknown()),
    rationale: z.string(),
    summary: z.string().openapi({ description: "The would-execute in one line: approve tenant Acme (acme): pending → active" }),
    would_execute: z.object({ action: z.string() }).loose().openapi({ description: "The dry run's would_execute when proposed" }),
    proposed_by: ActorRef,
    created_at: timestamp,
    expires_at: timestamp,
    decided_by: ActorRef.nullable(),
    decided_at: timestamp.nullable(),
    decision_reason: z.string().nullable(),
    result: z.record(z.string(), z.unknown()).nullable().openapi({ description: "What the execution returned" }),
  })
  .openapi("Proposal");

const CreateProposalRequest = z
  .strictObject({
    action: z.enum(PROPOSAL_ACTIONS),
    target_id: z.uuid().optional().openapi({ description: "The tenant or invite code; absent for create_invite_code" }),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "The action's body: {reason} for tenant actions, the invite-code fields for create_invite_code" }),
    rationale: displayString(2000),
    expires_in_minutes: z.number().int().min(1).max(10_080).optional().openapi({ description: "Default 1440 (a day)" }),
  })
  .openapi("CreateProposalRequest");

const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export function registerProposalRoutes(app: App, deps: Deps) {
  const base = { tags: ["Admin"], security: [...apiKeySecurity, ...jwtSecurity], middleware: [platformAccess(deps)] };

  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/v1/admin/proposals",
      operationId: "admin.createProposal",
      summary: "Propose an admin action for a human to approve (runs its dry run now)",
      request: { body: jsonBody(CreateProposalRequest) },
      responses: { 201: jsonContent(Proposal, "The open proposal"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await createProposal(deps, c.get("actor"), c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      ...base,
      method: "get",
      path: "/v1/admin/proposals",
      operationId: "admin.listProposals",
      summary: "Proposals, newest first, optionally one status",
      request: {
        query: z.object({
          status: z.enum(PROPOSAL_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
          cursor: z.string().max(500).optional(),
        }),
      },
      responses: {
        200: jsonContent(z.object({ data: z.array(Proposal), next_cursor: z.string().nullable() }).openapi("ProposalList"), "A page"),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => c.json(await listProposals(deps, c.get("actor"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: "get",
      path: "/v1/admin/proposals/{id}",
      operationId: "admin.getProposal",
      summary: "One proposal",
      request: { params: IdParam },
      responses: { 200: jsonContent(Proposal, "The proposal"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await getProposal(deps, c.get("actor"), c.req.valid("param")), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/v1/admin/proposals/{id}/approve",
      operationId: "admin.approveProposal",
      summary: "Approve and execute a proposal, once (admins, never its proposer)",
      request: {
        params: IdParam,
        query: z.object({
          dry_run: z.enum(["true", "false"]).optional().openapi({ description: "true: show what approving would run, run nothing" }),
        }),
      },
      responses: {
        200: jsonContent(z.union([Proposal, DryRun]), "The executed proposal, or with dry_run what would run"),
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) =>
      c.json(
        await approveProposal(deps, c.get("actor"), { id: c.req.valid("param").id, dryRun: c.req.valid("query").dry_run === "true" }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/v1/admin/proposals/{id}/decline",
      operationId: "admin.declineProposal",
      summary: "Decline a proposal (admins, never its proposer)",
      request: {
        params: IdParam,
        body: { ...jsonBody(z.strictObject({ reason: displayString(500).optional() }).openapi("DeclineProposalRequest")), required: false },
      },
      responses: { 200: jsonContent(Proposal, "The declined proposal"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) =>
      c.json(await declineProposal(deps, c.get("actor"), { id: c.req.valid("param").id, reason: c.req.valid("json")?.reason }), 200),
  );
}
