import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveTenant, listTenants } from "../../src/services/admin/tenant-admin.js";
import { createInviteCode as createInviteService } from "../../src/services/admin/invite-codes.js";
import { digest } from "../../src/services/admin/digest.js";
import { humanToken, registerTenant, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { FOUNDER_SUBJECT, founderToken, startAdminServer, tableCounts } from "./support.js";

describe.each(ENGINES)("admin API on %s", (engine) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startAdminServer(engine);
    admin = await founderToken();
  });
  afterAll(() => server.close());

  const post = (path: string, body?: unknown) => server.request(path, { token: admin, method: "POST", ...(body ? { body } : {}) });

  describe("platform-admin access", () => {
    it("refuses a request without credentials with 401", async () => {
      const res = await server.request("/v1/admin/tenants");
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe("authentication_error");
    });

    it("refuses a signed-in human who is not on the allow-list with 403 not_platform_admin", async () => {
      const res = await server.request("/v1/admin/tenants", { token: await humanToken("someone@else.test") });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ type: "permission_error", code: "not_platform_admin" });
    });

    it("refuses a tenant's own admin API key with 403 not_platform_admin", async () => {
      const reg = await registerTenant(server, { active: true });
      const res = await server.request("/v1/admin/digest", { token: reg.key });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("not_platform_admin");
    });

    it("refuses a forged JWT with 401", async () => {
      const res = await server.request("/v1/admin/tenants", { token: `${admin.slice(0, -4)}AAAA` });
      expect(res.status).toBe(401);
    });

    it("accepts an API key whose user id is on the allow-list", async () => {
      const reg = await registerTenant(server, { active: true });
      const userId = await server.deps.db.asPlatform(
        async (tx) => (await tx.selectFrom("api_keys").select("user_id").where("id", "=", reg.keyId).executeTakeFirstOrThrow()).user_id!,
      );
      (server.deps.config.platformAdminIds as Set<string>).add(userId);
      try {
        const res = await server.request("/v1/admin/tenants", { token: reg.key });
        expect(res.status).toBe(200);
      } finally {
        (server.deps.config.platformAdminIds as Set<string>).delete(userId);
      }
    });

    it("accepts a JWT whose per-tenant user id (not subject) is on the allow-list", async () => {
      const token = await humanToken("ops@br.test");
      expect((await server.request("/auth/provision", { token, body: { tenant_name: "Ops" } })).status).toBeLessThan(300);
      const userId = await server.deps.db.asPlatform(
        async (tx) =>
          (await tx.selectFrom("users").select("id").where("external_id", "=", "user|ops@br.test").executeTakeFirstOrThrow()).id,
      );
      expect((await server.request("/v1/admin/tenants", { token })).status).toBe(403);
      (server.deps.config.platformAdminIds as Set<string>).add(userId);
      try {
        expect((await server.request("/v1/admin/tenants", { token })).status).toBe(200);
      } finally {
        (server.deps.config.platformAdminIds as Set<string>).delete(userId);
      }
    });

    it("has services that re-check the allow-list whatever the caller (MCP, Slack, CLI)", async () => {
      const reg = await registerTenant(server);
      const outsider = { tenantId: reg.tenantId, userId: null, role: "admin" as const, isPlatformAdmin: false, via: "mcp" as const };
      await expect(approveTenant(server.deps, outsider, { id: reg.tenantId })).rejects.toMatchObject({ code: "not_platform_admin" });
      await expect(listTenants(server.deps, outsider, {})).rejects.toMatchObject({ status: 403 });
      await expect(createInviteService(server.deps, outsider, {})).rejects.toMatchObject({ status: 403 });
      await expect(digest(server.deps, outsider, {})).rejects.toMatchObject({ status: 403 });
    });
  });

  describe("tenants", () => {
    it("lists with a status filter and cursor pagination", async () => {
      const mine = [];
      for (let i = 0; i < 5; i++) mine.push((await registerTenant(server, { name: `Paged ${i}` })).tenantId);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await server.request(`/v1/admin/tenants?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: admin });
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        for (const t of res.body.data) expect(t.status).toBe("pending");
        seen.push(...res.body.data.map((t: { id: string }) => t.id));
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor && pages < 100);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of mine) expect(seen).toContain(id);
      const bad = await server.request("/v1/admin/tenants?cursor=nonsense", { token: admin });
      expect(bad.status).toBe(400);
      const badStatus = await server.request("/v1/admin/tenants?status=sleeping", { token: admin });
      expect(badStatus.status).toBe(400);
      const tooMany = await server.request("/v1/admin/tenants?limit=201", { token: admin });
      expect(tooMany.status).toBe(400);
    });

    it("shows detail: members, key count, usage and status history", async () => {
      const reg = await registerTenant(server, { name: "Detail Lab" });
      await post(`/v1/admin/tenants/${reg.tenantId}/approve`);
      const res = await server.request(`/v1/admin/tenants/${reg.tenantId}`, { token: admin });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: reg.tenantId, name: "Detail Lab", status: "active", api_keys: { total: 1, active: 1 } });
      expect(res.body.members).toEqual([]);
      expect(res.body.usage).toMatchObject({ window_days: 30, requests: 0 });
      expect(res.body.status_history.map((h: { from: string; to: string }) => [h.from, h.to])).toEqual([
        [null, "pending"],
        ["pending", "active"],
      ]);
      expect(res.body.status_history[1].actor).toBe(`jwt:${FOUNDER_SUBJECT}`);
      expect((await server.request("/v1/admin/tenants/00000000-0000-4000-8000-000000000000", { token: admin })).status).toBe(404);
      expect((await server.request("/v1/admin/tenants/not-a-uuid", { token: admin })).status).toBe(400);
    });

    it("approves pending → active with tenant.approved and tenant.activated, and the key works at once", async () => {
      const reg = await registerTenant(server);
      expect((await server.request("/v1/tenant", { token: reg.key })).body.error.code).toBe("tenant_pending");
      const res = await post(`/v1/admin/tenants/${reg.tenantId}/approve`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        dry_run: false,
        executed: { action: "approve_tenant", from: "pending", to: "active" },
        tenant: { status: "active" },
      });
      expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
      const events = await server.deps.db.asPlatform((tx) =>
        tx.selectFrom("platform_events").select(["type", "data"]).where("tenant_id", "=", reg.tenantId).orderBy("created_at").execute(),
      );
      expect(events.map((e) => e.type)).toEqual(["tenant.signup", "tenant.approved", "tenant.activated"]);
      expect(events[1]!.data).toMatchObject({ tenantId: reg.tenantId, from: "pending", to: "active", actor: `jwt:${FOUNDER_SUBJECT}` });
    });

    it("rejects pending → rejected with a reason, and then refuses to approve (409 invalid_transition)", async () => {
      const reg = await registerTenant(server);
      const res = await post(`/v1/admin/tenants/${reg.tenantId}/reject`, { reason: "spam signup" });
      expect(res.status).toBe(200);
      expect(res.body.tenant).toMatchObject({ status: "rejected", status_reason: "spam signup" });
      const again = await post(`/v1/admin/tenants/${reg.tenantId}/approve`);
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ type: "conflict_error", code: "invalid_transition" });
      expect((await server.request("/v1/tenant", { token: reg.key })).body.error.code).toBe("tenant_rejected");
    });

    it("suspends active → suspended: the key stops on the very next request; approve brings it back", async () => {
      const reg = await registerTenant(server, { active: true });
      // Warm the key cache, so the suspension has to invalidate it.
      expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
      expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
      const res = await post(`/v1/admin/tenants/${reg.tenantId}/suspend`, { reason: "abuse" });
      expect(res.status).toBe(200);
      const refused = await server.request("/v1/tenant", { token: reg.key });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("tenant_suspended");
      expect((await post(`/v1/admin/tenants/${reg.tenantId}/suspend`)).status).toBe(409);
      expect((await post(`/v1/admin/tenants/${reg.tenantId}/reject`)).status).toBe(409);
      expect((await post(`/v1/admin/tenants/${reg.tenantId}/approve`)).status).toBe(200);
      expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    });

    it.each([
      ["approve", "pending", "active"],
      ["reject", "pending", "rejected"],
    ])("dry_run %s: 200 would_execute, nothing written, nothing emitted", async (verb, from, to) => {
      const reg = await registerTenant(server);
      const before = await tableCounts(server);
      const res = await post(`/v1/admin/tenants/${reg.tenantId}/${verb}?dry_run=true`, verb === "reject" ? { reason: "dup" } : undefined);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        dry_run: true,
        would_execute: expect.objectContaining({ action: `${verb}_tenant`, id: reg.tenantId, from, to }),
      });
      expect(await tableCounts(server)).toEqual(before);
    });

    it("dry_run suspend: the key keeps working, nothing written", async () => {
      const reg = await registerTenant(server, { active: true });
      const before = await tableCounts(server);
      const res = await post(`/v1/admin/tenants/${reg.tenantId}/suspend?dry_run=true`, { reason: "maybe" });
      expect(res.body).toMatchObject({
        dry_run: true,
        would_execute: { action: "suspend_tenant", from: "active", to: "suspended", reason: "maybe" },
      });
      expect(await tableCounts(server)).toEqual(before);
      expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    });

    it("dry_run gives the same errors as the real call: 409 illegal, 404 unknown, 403 non-admin, 400 bad body", async () => {
      const reg = await registerTenant(server);
      expect((await post(`/v1/admin/tenants/${reg.tenantId}/suspend?dry_run=true`)).body.error.code).toBe("invalid_transition");
      expect((await post(`/v1/admin/tenants/00000000-0000-4000-8000-000000000000/approve?dry_run=true`)).status).toBe(404);
      const outsider = await server.request(`/v1/admin/tenants/${reg.tenantId}/approve?dry_run=true`, {
        method: "POST",
        token: await humanToken("nobody@else.test"),
      });
      expect(outsider.status).toBe(403);
      expect((await post(`/v1/admin/tenants/${reg.tenantId}/reject?dry_run=true`, { reason: 42 })).status).toBe(400);
      expect((await post(`/v1/admin/tenants/${reg.tenantId}/approve?dry_run=maybe`)).status).toBe(400);
    });
  });

  describe("invite codes", () => {
    it("creates a named code (201) and refuses the same code in another case with 409", async () => {
      const res = await post("/v1/admin/invite-codes", { code: "Spring-Launch", max_uses: 2, note: "launch week" });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        code: "Spring-Launch",
        max_uses: 2,
        used_count: 0,
        uses_left: 2,
        note: "launch week",
        status: "active",
      });
      const dup = await post("/v1/admin/invite-codes", { code: "SPRING-launch" });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe("invite_code_exists");
      const dryDup = await post("/v1/admin/invite-codes?dry_run=true", { code: "spring-LAUNCH" });
      expect(dryDup.status).toBe(409);
    });

    it("generates a code when none is given, and it admits a registration (uses left goes down)", async () => {
      const res = await post("/v1/admin/invite-codes", { max_uses: 2, expires_at: new Date(Date.now() + 86_400_000).toISOString() });
      expect(res.status).toBe(201);
      expect(res.body.code).toMatch(/^BR-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      const reg = await registerTenant(server, { inviteCode: res.body.code.toLowerCase() });
      expect(reg.status).toBe("active");
      const list = await server.request("/v1/admin/invite-codes?limit=200", { token: admin });
      const row = list.body.data.find((i: { id: string }) => i.id === res.body.id);
      expect(row).toMatchObject({ used_count: 1, uses_left: 1 });
    });

    it("validates: past expiry, bad code, bad max_uses, unknown field → 400", async () => {
      expect((await post("/v1/admin/invite-codes", { expires_at: "2001-01-01T00:00:00Z" })).body.error.code).toBe("invalid_expires_at");
      expect((await post("/v1/admin/invite-codes?dry_run=true", { expires_at: "2001-01-01T00:00:00Z" })).status).toBe(400);
      expect((await post("/v1/admin/invite-codes", { code: "a b" })).status).toBe(400);
      expect((await post("/v1/admin/invite-codes", { max_uses: 0 })).status).toBe(400);
      expect((await post("/v1/admin/invite-codes", { uses: 3 })).status).toBe(400);
    });

    it("dry_run create and delete write nothing", async () => {
      const created = await post("/v1/admin/invite-codes", { code: `dry-${Date.now()}` });
      const before = await tableCounts(server);
      const dryCreate = await post("/v1/admin/invite-codes?dry_run=true", { code: "never-made", max_uses: 5 });
      expect(dryCreate.status).toBe(200);
      expect(dryCreate.body).toEqual({
        dry_run: true,
        would_execute: { action: "create_invite_code", code: "never-made", generated: false, max_uses: 5, expires_at: null, note: null },
      });
      const dryDelete = await server.request(`/v1/admin/invite-codes/${created.body.id}?dry_run=true`, { token: admin, method: "DELETE" });
      expect(dryDelete.body).toMatchObject({
        dry_run: true,
        would_execute: { action: "delete_invite_code", id: created.body.id, from: "active", to: "revoked" },
      });
      expect(await tableCounts(server)).toEqual(before);
    });

    it("delete revokes: registrations with it then fail, tenants it admitted stay, and it leaves the list", async () => {
      const created = await post("/v1/admin/invite-codes", { max_uses: 5 });
      const admitted = await registerTenant(server, { inviteCode: created.body.code });
      const del = await server.request(`/v1/admin/invite-codes/${created.body.id}`, { token: admin, method: "DELETE" });
      expect(del.status).toBe(200);
      expect(del.body).toMatchObject({ id: created.body.id, status: "revoked" });
      const refused = await server.request("/v1/register", {
        body: { tenant_name: "Late", admin_email: "late@lab.test", accept_tos: true, invite_code: created.body.code },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe("invite_code_invalid");
      expect((await server.request("/v1/tenant", { token: admitted.key })).status).toBe(200);
      const list = await server.request("/v1/admin/invite-codes?limit=200", { token: admin });
      expect(list.body.data.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
      const withRevoked = await server.request("/v1/admin/invite-codes?limit=200&include_revoked=true", { token: admin });
      expect(withRevoked.body.data.map((i: { id: string }) => i.id)).toContain(created.body.id);
      expect((await server.request(`/v1/admin/invite-codes/${created.body.id}`, { token: admin, method: "DELETE" })).status).toBe(404);
    });
  });

  describe("digest", () => {
    it("reports tenants by status, window counts, oldest pending, keys, usage, redemptions and highlights", async () => {
      const waiting = await registerTenant(server, { name: "Waiting Lab" });
      await server.deps.db.asPlatform((tx) =>
        tx
          .updateTable("tenants")
          .set({ created_at: new Date(Date.now() - 26 * 3_600_000) })
          .where("id", "=", waiting.tenantId)
          .execute(),
      );
      const busy = await registerTenant(server, { active: true, name: "Busy Lab" });
      // Through the meter, which keeps the rollups the digest reads.
      const event = {
        tenantId: busy.tenantId,
        keyId: busy.keyId,
        model: "echo",
        latencyMs: 1,
        createdAt: new Date(),
        costUsd: 0,
        priced: true,
      };
      server.deps.meter.record({ ...event, promptTokens: 10, completionTokens: 5, status: 200 });
      server.deps.meter.record({ ...event, promptTokens: 1, completionTokens: 0, status: 500 });
      await server.deps.meter.flush();
      const res = await server.request("/v1/admin/digest?window=24h", { token: admin });
      expect(res.status).toBe(200);
      const d = res.body;
      expect(d.window).toBe("24h");
      expect(d.tenants.by_status.pending).toBeGreaterThanOrEqual(1);
      expect(d.signups).toBeGreaterThanOrEqual(1);
      expect(d.oldest_pending).toMatchObject({ id: waiting.tenantId, name: "Waiting Lab" });
      expect(d.oldest_pending.age_hours).toBeGreaterThanOrEqual(26);
      expect(d.active_keys).toBeGreaterThanOrEqual(1);
      expect(d.usage).toMatchObject({ requests: 2, errors: 1, prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });
      expect(d.usage.top_tenants[0]).toMatchObject({ id: busy.tenantId, requests: 2, tokens: 16 });
      expect(d.invite_redemptions).toBeGreaterThanOrEqual(1);
      expect(d.highlights[0]).toMatch(/^\d+ tenants? waiting for approval, oldest 26 h \(Waiting Lab\)\.$/);
      expect(d.highlights.join(" ")).toContain("2 requests and 16 tokens in the last 24 h, 1 failed (50%); busiest tenant Busy Lab");
      for (const window of ["7d", "30d"])
        expect((await server.request(`/v1/admin/digest?window=${window}`, { token: admin })).body.window).toBe(window);
      expect((await server.request("/v1/admin/digest?window=1y", { token: admin })).status).toBe(400);
    });
  });
});
