import { describe } from "vitest";
import { createInviteCode } from "../support/harness.js";
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
});
