import { describe, expect } from "vitest";
import { createProposal } from "../../src/services/admin/proposals.js";
import { createInviteCode, type TestResponse } from "../support/harness.js";
import { runCommonRouteTests, tableState, type SecurityWorld } from "../support/route-security.js";
import { ENGINES } from "../support/services.js";
import { useSecurityWorld } from "./world.js";

/**
 * `/v1/admin/*`: platform admins only, by API key or sign-in. The controls use `dry_run=true`, so
 * the suite never changes a tenant; every refusal must leave tenants, history, invite codes and the
 * outbox as they were.
 */
describe.each(ENGINES)("admin routes: common security on %s", (engine) => {
  const world = useSecurityWorld(engine);
  const state = tableState({
    tenants: ["id", "status", "status_reason"],
    tenant_status_history: ["id"],
    invite_codes: ["id", "deleted_at", "used_count"],
    platform_events: ["id"],
  });
  const dryRun = { dry_run: "true" };
  const notAnId = { params: { id: "not-a-uuid" } };
  const inviteId = async (w: SecurityWorld) => {
    const code = await createInviteCode(w.server);
    return w.server.deps.db.asPlatform(
      async (tx) => (await tx.selectFrom("invite_codes").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id,
    );
  };
  const common = { world, auth: "platform_admin" as const, state };
  // Proposed by an agent, so the suite's platform admin may decide it (never one's own).
  const agent = {
    tenantId: "",
    userId: null,
    role: "admin",
    isPlatformAdmin: false,
    isPlatformProposer: true,
    via: "jwt",
    subject: "agent|suite",
  } as const;
  const proposalId = async (w: SecurityWorld) =>
    (
      await createProposal(w.server.deps, agent, {
        action: "approve_tenant",
        target_id: w.inStatus.pending.id,
        rationale: "security suite",
      })
    ).id;
  const proposals = tableState({ proposals: ["id", "status"], tenants: ["id", "status"], audit_events: ["id"], platform_events: ["id"] });

  runCommonRouteTests({ ...common, operationId: "admin.listTenants", invalid: { query: { limit: "0" } } });

  runCommonRouteTests({ ...common, operationId: "admin.getTenant", request: (w) => ({ params: { id: w.a.id } }), invalid: notAnId });

  runCommonRouteTests({
    ...common,
    operationId: "admin.approveTenant",
    request: (w) => ({ params: { id: w.inStatus.pending.id }, query: dryRun }),
    invalid: notAnId,
  });

  runCommonRouteTests({
    ...common,
    operationId: "admin.rejectTenant",
    request: (w) => ({ params: { id: w.inStatus.pending.id }, query: dryRun, body: { reason: "security suite" } }),
    invalid: { params: { id: "00000000-0000-4000-8000-000000000000" }, body: { reason: "x", unknown: true } },
  });

  runCommonRouteTests({
    ...common,
    operationId: "admin.suspendTenant",
    request: (w) => ({ params: { id: w.a.id }, query: dryRun }),
    invalid: { params: { id: "00000000-0000-4000-8000-000000000000" }, query: { dry_run: "maybe" } },
  });

  runCommonRouteTests({
    ...common,
    operationId: "admin.createInviteCode",
    request: () => ({ query: dryRun, body: { note: "security suite" } }),
    invalid: { body: { max_uses: -1 } },
  });

  runCommonRouteTests({ ...common, operationId: "admin.listInviteCodes", invalid: { query: { limit: "201" } } });

  runCommonRouteTests({
    ...common,
    operationId: "admin.deleteInviteCode",
    request: async (w) => ({ params: { id: await inviteId(w) }, query: dryRun }),
    invalid: notAnId,
  });

  runCommonRouteTests({ ...common, operationId: "admin.digest", invalid: { query: { window: "1y" } } });

  runCommonRouteTests({
    ...common,
    state: proposals,
    operationId: "admin.createProposal",
    request: (w) => ({ body: { action: "approve_tenant", target_id: w.inStatus.pending.id, rationale: "security suite" } }),
    invalid: { body: { action: "drop_database", rationale: "x" } },
  });

  runCommonRouteTests({ ...common, state: proposals, operationId: "admin.listProposals", invalid: { query: { status: "maybe" } } });

  runCommonRouteTests({
    ...common,
    state: proposals,
    operationId: "admin.getProposal",
    request: async (w) => ({ params: { id: await proposalId(w) } }),
    invalid: notAnId,
  });

  runCommonRouteTests({
    ...common,
    state: proposals,
    operationId: "admin.approveProposal",
    request: async (w) => ({ params: { id: await proposalId(w) }, query: dryRun }),
    invalid: { params: { id: "00000000-0000-4000-8000-000000000000" }, query: { dry_run: "maybe" } },
  });

  runCommonRouteTests({
    ...common,
    state: proposals,
    operationId: "admin.declineProposal",
    request: async (w) => ({ params: { id: await proposalId(w) }, body: { reason: "security suite" } }),
    // The control sends the one request by sign-in, then by key: the first declines, the second
    // reaches the service and finds it decided.
    control: (() => {
      let calls = 0;
      return (res: TestResponse) => {
        if (calls++ === 0) expect(res.status).toBe(200);
        else expect(res.body.error?.code).toBe("proposal_already_decided");
      };
    })(),
    invalid: { params: { id: "00000000-0000-4000-8000-000000000000" }, body: { reason: "x", unknown: true } },
  });

  runCommonRouteTests({ ...common, state: proposals, operationId: "admin.listAuditEvents", invalid: { query: { since: "yesterday" } } });
});
