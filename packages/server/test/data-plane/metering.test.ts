import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/store/db.js";
import { createInviteCode, humanToken, registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { providersFor, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.js";

// Flushed by hand in these tests, so every database query is one the test caused.
const NEVER = "3600000";

describe.each(ENGINES)("usage metering on %s", (engine) => {
  let server: TestServer;
  let upstream: FakeUpstream;
  const chat = (key: string, body: Record<string, unknown>) =>
    server.request("/v1/chat/completions", { token: key, body: { messages: [{ role: "user", content: "hi" }], ...body } });
  const eventsOf = (tenantId: string) =>
    server.deps.db.asPlatform((tx) => tx.selectFrom("usage_events").selectAll().where("tenant_id", "=", tenantId).orderBy("id").execute());

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    server = await startTestServer({ engine, env: { BR_PROVIDERS: providersFor(upstream), BR_USAGE_FLUSH_MS: NEVER } });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it("writes its batches as background work: a flush is no request's query", async () => {
    const t = await registerTenant(server, { active: true });
    expect((await chat(t.key, { model: "echo" })).status).toBe(200);
    const before = server.deps.db.queryCount;
    await server.deps.meter.flush();
    // A full buffer flushes from inside a request: counted, it would break every "0 queries warm" test.
    expect(server.deps.db.queryCount).toBe(before);
    expect(await eventsOf(t.tenantId)).toHaveLength(1);
  });

  it("records one event per request sent: tenant, key, model, tokens, latency and status", async () => {
    const t = await registerTenant(server, { active: true });
    for (let i = 0; i < 3; i++) expect((await chat(t.key, { model: "fake-model" })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await chat(t.key, { model: "fake-model", stream: true })).status).toBe(200);
    expect((await chat(t.key, { model: "echo", stream: true, stream_options: { include_usage: true } })).status).toBe(200);
    expect((await chat(t.key, { model: "fake-500" })).status).toBe(502);
    expect((await chat(t.key, { model: "no-such-model" })).status).toBe(404);
    expect(await eventsOf(t.tenantId)).toHaveLength(0);

    await server.deps.meter.flush();
    const events = await eventsOf(t.tenantId);
    expect(events).toHaveLength(8);
    expect(new Set(events.map((e) => e.key_id))).toEqual(new Set([t.keyId]));
    const summary = events.map((e) => [e.model, e.status, e.prompt_tokens, e.completion_tokens]);
    expect(summary).toEqual([
      // Non-streaming: the upstream's own usage.
      ["fake-model", 200, 7, 3],
      ["fake-model", 200, 7, 3],
      ["fake-model", 200, 7, 3],
      // Streams without a usage chunk: counted by the gateway ("hi" → 1; "Hello there" → 2).
      ["fake-model", 200, 1, 2],
      ["fake-model", 200, 1, 2],
      // The upstream's usage chunk wins when the stream has one.
      ["echo", 200, 1, 1],
      ["fake-500", 502, 0, 0],
      ["no-such-model", 404, 0, 0],
    ]);
    for (const e of events) expect(e.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("makes no database query per chat request once the key cache is warm, metering included", async () => {
    const t = await registerTenant(server, { active: true });
    expect((await chat(t.key, { model: "fake-model" })).status).toBe(200);
    await server.deps.meter.flush();
    await server.deps.keyUsage.flush();
    const before = server.deps.db.queryCount;
    for (let i = 0; i < 10; i++) {
      expect((await chat(t.key, { model: "fake-model" })).status).toBe(200);
      expect((await chat(t.key, { model: "echo", stream: true })).status).toBe(200);
    }
    expect(server.deps.db.queryCount).toBe(before);
    await server.deps.meter.flush();
    expect(await eventsOf(t.tenantId)).toHaveLength(21);
  });

  it("GET /auth/usage answers daily buckets of the member's own tenant, empty days included", async () => {
    const token = await humanToken(`usage-${engine}@lab.test`);
    const provisioned = await server.request("/auth/provision", { token, body: { invite_code: await createInviteCode(server) } });
    expect(provisioned.status).toBe(201);
    const tenantId: string = provisioned.body.tenant.id;
    const other = await registerTenant(server, { active: true });
    const day = 86_400_000;
    const event = (tenant: string, ageDays: number, status = 200) =>
      server.deps.meter.record({
        tenantId: tenant,
        keyId: null,
        model: "echo",
        promptTokens: 10,
        completionTokens: 5,
        latencyMs: 1,
        status,
        createdAt: new Date(Date.now() - ageDays * day),
        costUsd: 0,
        priced: true,
      });
    event(tenantId, 0);
    event(tenantId, 0, 502);
    event(tenantId, 3);
    event(tenantId, 40);
    event(other.tenantId, 0);
    await server.deps.meter.flush();

    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * day).toISOString().slice(0, 10);
    const res = await server.request(`/auth/usage?from=${weekAgo}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(7);
    expect(res.body.data.at(-1)).toEqual({ day: today, requests: 2, errors: 1, prompt_tokens: 20, completion_tokens: 10, cost_usd: 0 });
    expect(res.body.data.filter((d: { requests: number }) => d.requests > 0)).toHaveLength(2);
    expect(res.body.totals).toEqual({ requests: 3, errors: 1, prompt_tokens: 30, completion_tokens: 15, cost_usd: 0 });
    expect(res.body.next_cursor).toBeNull();
    expect((await server.request("/auth/usage", { token })).body.data).toHaveLength(30);
    expect((await server.request("/auth/usage?from=yesterday", { token })).status).toBe(400);
    expect((await server.request("/auth/usage")).status).toBe(401);
  });
});

describe("usage metering across a graceful shutdown", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "br-meter-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes the buffered events when the server closes", async () => {
    const server = await startTestServer({ engine: "pglite", env: { BR_DATA_DIR: dir, BR_USAGE_FLUSH_MS: NEVER } });
    const t = await registerTenant(server, { active: true });
    for (let i = 0; i < 5; i++) {
      const res = await server.request("/v1/chat/completions", {
        token: t.key,
        body: { model: "echo", messages: [{ role: "user", content: "bye" }] },
      });
      expect(res.status).toBe(200);
    }
    await server.close();

    const db = await Database.open({ dataDir: join(dir, "pgdata") });
    try {
      const rows = await db.asPlatform((tx) =>
        tx.selectFrom("usage_events").select("status").where("tenant_id", "=", t.tenantId).execute(),
      );
      expect(rows).toHaveLength(5);
    } finally {
      await db.close();
    }
  });
});
