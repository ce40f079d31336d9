import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { asMember, claim, human, joinAs, ownedTenant } from "./helpers.js";

const DAY = 86_400_000;
const days = (iso: string) => (Date.parse(iso) - Date.now()) / DAY;

describe.each(ENGINES)("claim links on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("mints a member link by default: 1 use, 7 days, url with ?claim=", async () => {
    const reg = await registerTenant(server, { active: true });
    const res = await server.request("/v1/tenant/claim-link", { method: "POST", token: reg.key });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^brct_[0-9A-Za-z]{38}$/),
      url: `http://br.test/dashboard/?claim=${res.body.token}`,
      role: "member",
      max_uses: 1,
      expires_at: expect.any(String),
    });
    expect(days(res.body.expires_at)).toBeGreaterThan(6.9);
    expect(days(res.body.expires_at)).toBeLessThanOrEqual(7);
  });

  it("honours role, max_uses and expires_in_days at their bounds", async () => {
    const reg = await registerTenant(server, { active: true });
    const res = await server.request("/v1/tenant/claim-link", {
      token: reg.key,
      body: { role: "admin", max_uses: 1000, expires_in_days: 30 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: "admin", max_uses: 1000 });
    expect(days(res.body.expires_at)).toBeGreaterThan(29.9);
    const joined = await claim(server, await human(), { token: res.body.token });
    expect(joined.body.membership.role).toBe("admin");
  });

  it.each([
    ["max_uses 0", { max_uses: 0 }, "max_uses"],
    ["max_uses 1001", { max_uses: 1001 }, "max_uses"],
    ["max_uses 1.5", { max_uses: 1.5 }, "max_uses"],
    ["expires_in_days 0", { expires_in_days: 0 }, "expires_in_days"],
    ["expires_in_days 31", { expires_in_days: 31 }, "expires_in_days"],
    ["unknown role", { role: "root" }, "role"],
    ["max_uses as string", { max_uses: "5" }, "max_uses"],
    ["unknown field", { uses: 5 }, ""],
  ])("refuses %s with a 400 naming the field", async (_, body, field) => {
    const reg = await registerTenant(server, { active: true });
    const res = await server.request("/v1/tenant/claim-link", { token: reg.key, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.recovery.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it("refuses a developer key on claim-link and browser-link routes", async () => {
    const { reg, owner } = await ownedTenant(server);
    const dev = await asMember(server, owner, reg.tenantId, "/auth/api-keys", { body: { name: "dev" } });
    expect(dev.body.role).toBe("developer");
    for (const path of ["/v1/tenant/claim-link", "/v1/auth/link"]) {
      const res = await server.request(path, { method: "POST", token: dev.body.key });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("insufficient_role");
    }
  });

  it("mints a single-use 7-day owner browser link", async () => {
    const reg = await registerTenant(server, { active: true });
    const res = await server.request("/v1/auth/link", { method: "POST", token: reg.key });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      url: `http://br.test/dashboard/?claim=${res.body.token}`,
      token: expect.any(String),
      expires_at: expect.any(String),
    });
    expect(days(res.body.expires_at)).toBeGreaterThan(6.9);
    const first = await claim(server, await human(), { token: res.body.token });
    expect(first.body.membership.role).toBe("owner");
    const second = await claim(server, await human(), { token: res.body.token });
    expect(second.body.error.code).toBe("claim_token_fully_redeemed");
  });

  describe("dashboard /auth/claim-links", () => {
    it("shows who minted each link: a member's email, the registering agent's user, the claim email", async () => {
      const { reg, owner } = await ownedTenant(server);
      const mine = await asMember(server, owner, reg.tenantId, "/auth/claim-links", { body: { role: "member" } });
      const byAgent = await server.request("/v1/tenant/claim-link", { token: reg.key, body: { role: "member" } });
      expect(byAgent.status).toBe(201);
      const list = (await asMember(server, owner, reg.tenantId, "/auth/claim-links")).body.data as {
        id: string;
        kind: string;
        created_by: string | null;
        created_by_email: string | null;
      }[];
      const ownerUser = await server.deps.db.asPlatform(
        async (tx) => (await tx.selectFrom("users").select("id").where("external_id", "=", owner.subject).executeTakeFirstOrThrow()).id,
      );
      expect(list.find((l) => l.id === mine.body.id)).toMatchObject({ created_by: ownerUser, created_by_email: owner.email });
      const agentLinks = list.filter((l) => l.created_by !== ownerUser);
      expect(agentLinks.length).toBeGreaterThanOrEqual(2); // the registration token and the agent's link
      expect(agentLinks.every((l) => l.created_by !== null && l.created_by_email === null)).toBe(true);
    });

    it("lets owners create, list with uses left, and revoke; a revoked link no longer claims", async () => {
      const { reg, owner } = await ownedTenant(server);
      const created = await asMember(server, owner, reg.tenantId, "/auth/claim-links", { body: { role: "owner", max_uses: 3 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ role: "owner", max_uses: 3 });
      await claim(server, await human(), { token: created.body.token });

      const list = await asMember(server, owner, reg.tenantId, "/auth/claim-links");
      expect(list.status).toBe(200);
      expect(list.body.next_cursor).toBeNull();
      const item = list.body.data.find((l: { id: string }) => l.id === created.body.id);
      expect(item).toMatchObject({
        kind: "invite",
        role: "owner",
        max_uses: 3,
        used_count: 1,
        uses_left: 2,
        state: "active",
        revoked_at: null,
      });
      const registration = list.body.data.find((l: { kind: string }) => l.kind === "registration");
      expect(registration).toMatchObject({ uses_left: 0, state: "used_up" });
      expect(JSON.stringify(list.body)).not.toContain("brct_");

      const revoked = await asMember(server, owner, reg.tenantId, `/auth/claim-links/${created.body.id}`, { method: "DELETE" });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: created.body.id, state: "revoked", uses_left: 0, revoked_at: expect.any(String) });
      const late = await claim(server, await human(), { token: created.body.token });
      expect(late.body.error.code).toBe("claim_token_invalid");
    });

    it("is for owners only: admins and members get 403 (so only owners mint owner links)", async () => {
      const { reg } = await ownedTenant(server);
      for (const role of ["admin", "member"] as const) {
        const who = await human(role);
        await joinAs(server, reg, who, role);
        const list = await asMember(server, who, reg.tenantId, "/auth/claim-links");
        const create = await asMember(server, who, reg.tenantId, "/auth/claim-links", { body: { role: "owner" } });
        expect([list.status, create.status]).toEqual([403, 403]);
        expect(create.body.error.code).toBe("owner_required");
      }
    });

    it("answers another tenant's link id exactly like an unknown id", async () => {
      const mine = await ownedTenant(server);
      const theirs = await registerTenant(server, { active: true });
      const foreign = await server.request("/v1/tenant/claim-link", { token: theirs.key, body: {} });
      const a = await asMember(server, mine.owner, mine.reg.tenantId, `/auth/claim-links/${foreign.body.id}`, { method: "DELETE" });
      const b = await asMember(server, mine.owner, mine.reg.tenantId, "/auth/claim-links/00000000-0000-4000-8000-000000000000", {
        method: "DELETE",
      });
      expect(a.status).toBe(404);
      expect(a.body).toEqual(b.body);
      expect((await claim(server, await human(), { token: foreign.body.token })).status).toBe(201);
    });

    it("pages with limit and cursor, never repeating or skipping a link", async () => {
      const { reg, owner } = await ownedTenant(server);
      for (let i = 0; i < 4; i++) await server.request("/v1/tenant/claim-link", { token: reg.key, body: {} });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `/auth/claim-links?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
        const page = await asMember(server, owner, reg.tenantId, q);
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((l: { id: string }) => l.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
      const bad = await asMember(server, owner, reg.tenantId, "/auth/claim-links?cursor=garbage");
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe("invalid_cursor");
      const tooMany = await asMember(server, owner, reg.tenantId, "/auth/claim-links?limit=201");
      expect(tooMany.status).toBe(400);
    });
  });
});
