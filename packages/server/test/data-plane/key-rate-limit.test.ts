import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { HAS_REDIS } from "../support/services.js";

const modes = HAS_REDIS ? (["memory", "redis"] as const) : (["memory"] as const);

describe.each(modes)("per-key rate_limit_rpm with %s limits", (mode) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ redis: mode === "redis" });
  });
  afterAll(() => server.close());

  const chat = (key: string) =>
    server.request("/v1/chat/completions", { token: key, body: { model: "echo", messages: [{ role: "user", content: "hi" }] } });

  it("spends each key's own budget: the third request of a 2-rpm key is 429, another key is unaffected", async () => {
    const limited = await registerTenant(server, { active: true });
    const free = await registerTenant(server, { active: true });
    await server.deps.db.asPlatform((tx) =>
      tx.updateTable("api_keys").set({ rate_limit_rpm: 2 }).where("id", "=", limited.keyId).execute(),
    );
    await server.deps.keyCache.invalidateKey(limited.keyId);
    expect(server.deps.limits.kind).toBe(mode);

    expect((await chat(limited.key)).status).toBe(200);
    expect((await chat(limited.key)).status).toBe(200);
    const refused = await chat(limited.key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(refused.body.error).toMatchObject({ type: "rate_limit_error", recovery: { action: "wait" } });
    for (let i = 0; i < 3; i++) expect((await chat(free.key)).status).toBe(200);
  });

  // Each route's own success status, then the third call of a 2-rpm key.
  it.each([
    ["GET /v1/tenant", "/v1/tenant", undefined, 200],
    ["GET /v1/models", "/v1/models", undefined, 200],
    ["POST /v1/auth/device/token", "/v1/auth/device/token", { device_code: "no-such-code" }, 400],
    ["POST /v1/auth/device/authorize", "/v1/auth/device/authorize", {}, 200],
    ["POST /v1/auth/link", "/v1/auth/link", {}, 201],
    ["POST /v1/tenant/claim-link", "/v1/tenant/claim-link", {}, 201],
    ["POST /v1/mcp/connect", "/v1/mcp/connect", { jsonrpc: "2.0", id: 1, method: "ping" }, 200],
  ] as const)("a 2-rpm key gets 429 with Retry-After on %s, not only on chat", async (_, path, body, ok) => {
    const t = await registerTenant(server, { active: true });
    await server.deps.db.asPlatform((tx) => tx.updateTable("api_keys").set({ rate_limit_rpm: 2 }).where("id", "=", t.keyId).execute());
    await server.deps.keyCache.invalidateKey(t.keyId);
    // MCP's streamable HTTP transport wants both; the JSON routes don't mind.
    const call = () => server.request(path, { token: t.key, body, headers: { accept: "application/json, text/event-stream" } });

    expect((await call()).status).toBe(ok);
    expect((await call()).status).toBe(ok);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.body.error).toMatchObject({ type: "rate_limit_error" });
  });
});
