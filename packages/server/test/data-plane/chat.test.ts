import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerTenant, setTenantStatus, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { providersFor, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.js";

describe.each(ENGINES)("chat completions on %s", (engine) => {
  let server: TestServer;
  let upstream: FakeUpstream;
  let key: string;
  const client = () => new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
  const chat = (body: Record<string, unknown>, token = key) =>
    server.request("/v1/chat/completions", { token, body: { messages: [{ role: "user", content: "hi" }], ...body } });

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    server = await startTestServer({ engine, env: { BR_PROVIDERS: providersFor(upstream) } });
    key = (await registerTenant(server, { active: true })).key;
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it("completes a chat through OpenAI's own client, with the gateway's key sent upstream", async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: "fake-model", messages: [{ role: "user", content: "Say hi" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toMatch(/^x+\.$/);
    expect(data.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3 });
    expect(response.headers.get("x-br-request-id")).toBeTruthy();
    expect(Number(response.headers.get("x-br-overhead-ms"))).toBeGreaterThanOrEqual(0);
    expect(upstream.bodies.at(-1)).toMatchObject({ model: "fake-model", messages: [{ role: "user", content: "Say hi" }] });
    expect(upstream.authorizations.at(-1)).toBe("Bearer sk-upstream-secret");
  });

  it("streams through OpenAI's own client, chunk by chunk", async () => {
    const stream = await client().chat.completions.create({
      model: "fake-model",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta?.content ?? "");
    expect(pieces.join("")).toBe("Hello there");
    expect(pieces.filter(Boolean)).toEqual(["Hello", " there"]);
  });

  it("answers with the built-in echo provider, deterministic, streaming or not", async () => {
    const res = await chat({ model: "echo", messages: [{ role: "user", content: "ping, pong" }] });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe("ping, pong");
    expect(res.body.usage).toEqual({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
    const stream = await client().chat.completions.create({ model: "echo", stream: true, messages: [{ role: "user", content: "a b c" }] });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("a b c");
  });

  it("lists every configured model, also through OpenAI's client", async () => {
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(["echo", "fake-model", "fake-500", "fake-hang", "fake-slow-stream", "fake-hang-patient"]);
    expect(models.data[1]).toMatchObject({ object: "model", owned_by: "fake" });
  });

  it("refuses an unknown model with 404 and switch_model, without calling any upstream", async () => {
    const before = upstream.hits;
    const res = await chat({ model: "gpt-nope" });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: "not_found_error", code: "model_not_found", recovery: { action: "switch_model" } });
    expect(res.body.error.recovery.models).toContain("fake-model");
    expect(upstream.hits).toBe(before);
  });

  it("accepts <provider>/<model> and sends the upstream its own model name", async () => {
    expect((await chat({ model: "fake/fake-model" })).status).toBe(200);
    expect(upstream.bodies.at(-1)?.model).toBe("fake-model");
  });

  it("refuses a body without messages with a 400 envelope", async () => {
    const res = await server.request("/v1/chat/completions", { token: key, body: { model: "echo" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "validation_failed" });
  });

  it("maps an upstream 500 to 502 upstream_error with recovery retry", async () => {
    const res = await chat({ model: "fake-500" });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ type: "api_error", code: "upstream_error", recovery: { action: "retry" } });
    expect(JSON.stringify(res.body)).not.toContain("exploded");
  });

  it("maps an upstream that never answers to 504 upstream_timeout with recovery retry", async () => {
    const res = await chat({ model: "fake-hang" });
    expect(res.status).toBe(504);
    expect(res.body.error).toMatchObject({ type: "api_error", code: "upstream_timeout", recovery: { action: "retry" } });
  });

  it("cancels the upstream call when the client disconnects mid-stream", async () => {
    const before = upstream.aborted;
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-slow-stream", stream: true, messages: [{ role: "user", content: "go" }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("data:");
    controller.abort();
    await vi.waitFor(() => expect(upstream.aborted).toBe(before + 1), { timeout: 5_000 });
  });

  it("cancels the upstream call when the client disconnects before a non-streaming answer", async () => {
    const before = upstream.aborted;
    const hits = upstream.hits;
    const controller = new AbortController();
    const pending = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-hang-patient", messages: [{ role: "user", content: "go" }] }),
      signal: controller.signal,
    }).catch((err: unknown) => err);
    await vi.waitFor(() => expect(upstream.hits).toBe(hits + 1));
    controller.abort();
    await pending;
    await vi.waitFor(() => expect(upstream.aborted).toBe(before + 1), { timeout: 5_000 });
  });

  it("never lets a pending or suspended tenant's request reach the upstream", async () => {
    const pending = await registerTenant(server);
    const suspended = await registerTenant(server, { active: true });
    expect((await chat({ model: "fake-model" }, suspended.key)).status).toBe(200);
    await setTenantStatus(server, suspended.tenantId, "suspended");
    const before = upstream.hits;
    for (const stream of [false, true]) {
      const p = await chat({ model: "fake-model", stream }, pending.key);
      expect(p.status).toBe(403);
      expect(p.body.error).toMatchObject({ code: "tenant_pending", recovery: { action: "wait" } });
      const s = await chat({ model: "fake-model", stream }, suspended.key);
      expect(s.status).toBe(403);
      expect(s.body.error.code).toBe("tenant_suspended");
    }
    expect(upstream.hits).toBe(before);
  });

  it("refuses a key past its rate_limit_rpm with 429, Retry-After and the envelope, before the upstream", async () => {
    const limited = await registerTenant(server, { active: true });
    await server.deps.db.asPlatform((tx) =>
      tx.updateTable("api_keys").set({ rate_limit_rpm: 2 }).where("id", "=", limited.keyId).execute(),
    );
    await server.deps.keyCache.invalidateKey(limited.keyId);
    expect((await chat({ model: "fake-model" }, limited.key)).status).toBe(200);
    expect((await chat({ model: "fake-model" }, limited.key)).status).toBe(200);
    const before = upstream.hits;
    const res = await chat({ model: "fake-model" }, limited.key);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limited", recovery: { action: "wait" } });
    expect(upstream.hits).toBe(before);
    // Another key of no limit is unaffected.
    expect((await chat({ model: "fake-model" })).status).toBe(200);
  });
});
