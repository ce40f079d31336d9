import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { UsageEvent } from "../../src/store/usage-events.js";
import { createInviteCode, humanToken, registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { recordUsage } from "../support/usage-events.js";

// Flushed by hand, so each test decides what one batch holds.
const NEVER = "3600000";
const INT4_MAX = 2_147_483_647;

describe.each(ENGINES)("usage metering against poisoned events on %s", (engine) => {
  let server: TestServer;
  const eventsOf = (tenantId: string) =>
    server.deps.db.asPlatform((tx) => tx.selectFrom("usage_events").selectAll().where("tenant_id", "=", tenantId).orderBy("id").execute());
  const record = (tenantId: string, event: Partial<UsageEvent> = {}) => recordUsage(server, tenantId, event);

  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BR_USAGE_FLUSH_MS: NEVER } });
  });
  afterAll(() => server.close());
  afterEach(() => vi.restoreAllMocks());

  it("an event with a NUL model name and token counts past 2^31 no longer stops every tenant's rows from being written", async () => {
    const attacker = await registerTenant(server, { active: true });
    const bystander = await registerTenant(server, { active: true });
    record(bystander.tenantId);
    record(attacker.tenantId, { model: "evil\u0000model", promptTokens: 2 ** 40, completionTokens: 1.5, latencyMs: -3, status: 2 ** 33 });
    record(bystander.tenantId, { promptTokens: Number.NaN, createdAt: new Date(Number.NaN) });
    await server.deps.meter.flush();

    expect(await eventsOf(bystander.tenantId)).toHaveLength(2);
    const [poisoned] = await eventsOf(attacker.tenantId);
    expect(poisoned).toMatchObject({ model: "evilmodel", prompt_tokens: INT4_MAX, completion_tokens: 1, latency_ms: 0, status: INT4_MAX });

    // Nothing was left behind to block the next batch.
    record(bystander.tenantId);
    await server.deps.meter.flush();
    expect(await eventsOf(bystander.tenantId)).toHaveLength(3);
  });

  it("rows the database refuses are dropped alone and counted in the log, not re-queued with the whole batch forever", async () => {
    const a = await registerTenant(server, { active: true });
    const b = await registerTenant(server, { active: true });
    const error = vi.spyOn(server.deps.log, "error");
    const warn = vi.spyOn(server.deps.log, "warn");
    // A tenant that does not exist breaks the foreign key: a row no sanitising can save.
    for (let i = 0; i < 40; i++) {
      record(i % 2 ? a.tenantId : b.tenantId);
      if (i % 13 === 5) record(randomUUID());
    }
    await server.deps.meter.flush();

    expect(await eventsOf(a.tenantId)).toHaveLength(20);
    expect(await eventsOf(b.tenantId)).toHaveLength(20);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ dropped: 3 }), expect.any(String));
    expect(warn.mock.calls.filter(([, msg]) => String(msg).includes("usage events"))).toEqual([]);

    error.mockClear();
    await server.deps.meter.flush();
    expect(error).not.toHaveBeenCalled();
    expect(await eventsOf(a.tenantId)).toHaveLength(20);
  });

  it("a database outage keeps the batch for the next flush instead of dropping it as refused rows", async () => {
    const t = await registerTenant(server, { active: true });
    record(t.tenantId);
    record(t.tenantId);
    const outage = Object.assign(new Error("connection terminated"), { code: "08006" });
    // The meter writes through the background view of the pool.
    vi.spyOn(server.deps.db.background, "asPlatform").mockRejectedValueOnce(outage);
    await server.deps.meter.flush();
    expect(await eventsOf(t.tenantId)).toHaveLength(0);

    await server.deps.meter.flush();
    expect(await eventsOf(t.tenantId)).toHaveLength(2);
  });

  it("a chat request whose model name holds a NUL is refused with a 400 envelope instead of being metered", async () => {
    const t = await registerTenant(server, { active: true });
    const res = await server.request("/v1/chat/completions", {
      token: t.key,
      body: { model: "echo\u0000", messages: [{ role: "user", content: "hi" }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "validation_failed" });
    expect(res.body.error.message).toMatch(/^model: /);
    await server.deps.meter.flush();
    expect(await eventsOf(t.tenantId)).toHaveLength(0);
  });

  it("GET /auth/usage answers a day past 2^31 tokens instead of failing with 500", async () => {
    const token = await humanToken(`heavy-${engine}@lab.test`);
    const provisioned = await server.request("/auth/provision", { token, body: { invite_code: await createInviteCode(server) } });
    expect(provisioned.status).toBe(201);
    const tenantId: string = provisioned.body.tenant.id;
    record(tenantId, { promptTokens: INT4_MAX, completionTokens: INT4_MAX });
    record(tenantId, { promptTokens: INT4_MAX, completionTokens: 1 });
    await server.deps.meter.flush();

    const today = new Date().toISOString().slice(0, 10);
    const res = await server.request(`/auth/usage?from=${today}&to=${today}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ requests: 2, errors: 0, prompt_tokens: 2 * INT4_MAX, completion_tokens: INT4_MAX + 1, cost_usd: 0 });
  });
});
