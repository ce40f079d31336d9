import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, setTenantStatus, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { asMember, human, joinAs, ownedTenant } from "./helpers.js";

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("dashboard members and keys on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  describe("/auth/members", () => {
    it("lists the tenant's members to every member, never another tenant's", async () => {
      const { reg, owner } = await ownedTenant(server);
      await ownedTenant(server);
      const teammate = await human("member");
      await joinAs(server, reg, teammate, "member");
      const res = await asMember(server, teammate, reg.tenantId, "/auth/members");
      expect(res.status).toBe(200);
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.data).toEqual([
        {
          id: expect.any(String),
          user_id: expect.any(String),
          subject: owner.subject,
          email: owner.email,
          role: "owner",
          joined_at: expect.any(String),
        },
        {
          id: expect.any(String),
          user_id: expect.any(String),
          subject: teammate.subject,
          email: teammate.email,
          role: "member",
          joined_at: expect.any(String),
        },
      ]);
    });

    it("lets an owner change a role, mapping users.role too", async () => {
      const { reg, owner } = await ownedTenant(server);
      const teammate = await human();
      const m = await joinAs(server, reg, teammate, "member");
      const res = await asMember(server, owner, reg.tenantId, `/auth/members/${m.id}`, { method: "PATCH", body: { role: "admin" } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: m.id, role: "admin" });
      const user = await server.deps.db.asPlatform((tx) =>
        tx.selectFrom("users").select("role").where("id", "=", m.user_id).executeTakeFirstOrThrow(),
      );
      expect(user.role).toBe("admin");
      const me = await server.request("/auth/me", { token: teammate.jwt });
      expect(me.body.tenant.role).toBe("admin");
    });

    it("never demotes or removes the last owner (409), but does once another owner exists", async () => {
      const { reg, owner } = await ownedTenant(server);
      const [mine] = (await asMember(server, owner, reg.tenantId, "/auth/members")).body.data;
      const demote = await asMember(server, owner, reg.tenantId, `/auth/members/${mine.id}`, { method: "PATCH", body: { role: "admin" } });
      expect(demote.status).toBe(409);
      expect(demote.body.error).toMatchObject({ type: "conflict_error", code: "last_owner" });
      const remove = await asMember(server, owner, reg.tenantId, `/auth/members/${mine.id}`, { method: "DELETE" });
      expect(remove.status).toBe(409);
      await joinAs(server, reg, await human(), "owner", owner);
      const now = await asMember(server, owner, reg.tenantId, `/auth/members/${mine.id}`, { method: "PATCH", body: { role: "admin" } });
      expect(now.status).toBe(200);
    });

    it("removes a member together with the keys they made, which stop working at once", async () => {
      const { reg, owner } = await ownedTenant(server);
      const teammate = await human();
      const m = await joinAs(server, reg, teammate, "admin");
      const key = await asMember(server, teammate, reg.tenantId, "/auth/api-keys", { body: { name: "ci" } });
      expect((await server.request("/v1/tenant", { token: key.body.key })).status).toBe(200);
      const res = await asMember(server, owner, reg.tenantId, `/auth/members/${m.id}`, { method: "DELETE" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: m.id, deleted: true });
      const after = await server.request("/v1/tenant", { token: key.body.key });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe("api_key_revoked");
      const me = await server.request("/auth/me", { token: teammate.jwt });
      expect(me.body.memberships).toEqual([]);
    });

    it("lets only owners change the team", async () => {
      const { reg } = await ownedTenant(server);
      const admin = await human("admin");
      await joinAs(server, reg, admin, "admin");
      const target = await joinAs(server, reg, await human(), "member");
      const patch = await asMember(server, admin, reg.tenantId, `/auth/members/${target.id}`, { method: "PATCH", body: { role: "owner" } });
      const del = await asMember(server, admin, reg.tenantId, `/auth/members/${target.id}`, { method: "DELETE" });
      expect([patch.status, del.status]).toEqual([403, 403]);
      expect(patch.body.error.code).toBe("owner_required");
    });

    it("answers another tenant's member id exactly like an unknown id", async () => {
      const mine = await ownedTenant(server);
      const theirs = await ownedTenant(server);
      const [foreign] = (await asMember(server, theirs.owner, theirs.reg.tenantId, "/auth/members")).body.data;
      for (const method of ["PATCH", "DELETE"]) {
        const body = method === "PATCH" ? { role: "member" } : undefined;
        const a = await asMember(server, mine.owner, mine.reg.tenantId, `/auth/members/${foreign.id}`, { method, body });
        const b = await asMember(server, mine.owner, mine.reg.tenantId, `/auth/members/${UNKNOWN_ID}`, { method, body });
        expect(a.status).toBe(404);
        expect(a.body).toEqual(b.body);
      }
      // Naming their tenant in the header instead is a 403: not a member there.
      const header = await asMember(server, mine.owner, theirs.reg.tenantId, "/auth/members");
      expect(header.status).toBe(403);
      expect(header.body.error.code).toBe("not_a_member");
    });

    it.each([
      ["unknown role", { role: "root" }],
      ["wrong type", { role: 1 }],
      ["unknown field", { role: "admin", email: "x@y.z" }],
    ])("answers PATCH with %s as a 400 envelope", async (_, body) => {
      const { reg, owner } = await ownedTenant(server);
      const [m] = (await asMember(server, owner, reg.tenantId, "/auth/members")).body.data;
      const res = await asMember(server, owner, reg.tenantId, `/auth/members/${m.id}`, { method: "PATCH", body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    });

    it("answers a malformed id with 400 and refuses suspended tenants", async () => {
      const { reg, owner } = await ownedTenant(server);
      const bad = await asMember(server, owner, reg.tenantId, "/auth/members/not-a-uuid", { method: "DELETE" });
      expect(bad.status).toBe(400);
      await setTenantStatus(server, reg.tenantId, "suspended");
      const res = await asMember(server, owner, reg.tenantId, "/auth/members");
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("tenant_suspended");
    });
  });

  describe("/auth/api-keys", () => {
    it("creates a key shown once, lists prefix and last use but never the key", async () => {
      const { reg, owner } = await ownedTenant(server);
      const created = await asMember(server, owner, reg.tenantId, "/auth/api-keys", { body: { name: "laptop", expires_in_days: 30 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: "laptop",
        role: "developer",
        key: expect.stringMatching(/^br_live_/),
        revoked_at: null,
        last_used_at: null,
      });
      expect(created.body.prefix).toBe(created.body.key.slice(0, 12));
      expect((await server.request("/v1/tenant", { token: created.body.key })).status).toBe(200);
      await server.deps.keyUsage.flush();
      const list = await asMember(server, owner, reg.tenantId, "/auth/api-keys");
      expect(list.status).toBe(200);
      const item = list.body.data.find((k: { id: string }) => k.id === created.body.id);
      expect(item).toMatchObject({ prefix: created.body.prefix, last_used_at: expect.any(String), expires_at: expect.any(String) });
      expect(item.key).toBeUndefined();
      expect(list.body.data.map((k: { id: string }) => k.id)).toContain(reg.keyId);
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
      expect(JSON.stringify(list.body)).not.toContain(reg.key);
    });

    it("revokes a key that was just used (warm in the key cache): it stops at once", async () => {
      const { reg, owner } = await ownedTenant(server);
      expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
      const res = await asMember(server, owner, reg.tenantId, `/auth/api-keys/${reg.keyId}`, { method: "DELETE" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: reg.keyId, revoked_at: expect.any(String) });
      const after = await server.request("/v1/tenant", { token: reg.key });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe("api_key_revoked");
    });

    it("lets admins create developer keys, only owners admin keys, and members neither", async () => {
      const { reg } = await ownedTenant(server);
      const admin = await human("admin");
      const member = await human("member");
      await joinAs(server, reg, admin, "admin");
      await joinAs(server, reg, member, "member");
      expect((await asMember(server, admin, reg.tenantId, "/auth/api-keys", { body: { name: "d" } })).status).toBe(201);
      const adminKey = await asMember(server, admin, reg.tenantId, "/auth/api-keys", { body: { name: "a", role: "admin" } });
      expect(adminKey.status).toBe(403);
      expect(adminKey.body.error.code).toBe("owner_required");
      const byMember = await asMember(server, member, reg.tenantId, "/auth/api-keys", { body: { name: "m" } });
      expect(byMember.status).toBe(403);
      expect((await asMember(server, member, reg.tenantId, `/auth/api-keys/${reg.keyId}`, { method: "DELETE" })).status).toBe(403);
      expect((await asMember(server, member, reg.tenantId, "/auth/api-keys")).status).toBe(200);
    });

    it("answers another tenant's key id exactly like an unknown id, and leaves that key working", async () => {
      const mine = await ownedTenant(server);
      const theirs = await registerTenant(server, { active: true });
      const a = await asMember(server, mine.owner, mine.reg.tenantId, `/auth/api-keys/${theirs.keyId}`, { method: "DELETE" });
      const b = await asMember(server, mine.owner, mine.reg.tenantId, `/auth/api-keys/${UNKNOWN_ID}`, { method: "DELETE" });
      expect(a.status).toBe(404);
      expect(a.body).toEqual(b.body);
      expect((await server.request("/v1/tenant", { token: theirs.key })).status).toBe(200);
    });

    it.each([
      ["missing name", {}],
      ["wrong type", { name: 5 }],
      ["unknown role", { name: "x", role: "owner" }],
      ["unknown field", { name: "x", scopes: ["all"] }],
      ["expiry too long", { name: "x", expires_in_days: 366 }],
    ])("answers create with %s as a 400 envelope", async (_, body) => {
      const { reg, owner } = await ownedTenant(server);
      const res = await asMember(server, owner, reg.tenantId, "/auth/api-keys", { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    });

    it("answers malformed JSON and a missing sign-in with envelopes", async () => {
      const { reg, owner } = await ownedTenant(server);
      const bad = await server.request("/auth/api-keys", { token: owner.jwt, headers: { "x-br-tenant-id": reg.tenantId }, rawBody: "{" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.type).toBe("invalid_request_error");
      const anon = await server.request("/auth/api-keys");
      expect(anon.status).toBe(401);
    });
  });
});
