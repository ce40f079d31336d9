import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";

/**
 * The write endpoints this round added (embeddings, headless keys, rotation) answer malformed
 * JSON, wrong types, unknown fields and oversized bodies with a 400/413 envelope, and change
 * nothing: the key keeps working and no key row or usage row appears.
 */
describe.each(ENGINES)("bad input on the new write endpoints on %s", (engine) => {
  let server: TestServer;
  let reg: Registered;
  const keyRows = () =>
    server.deps.db.asPlatform(
      async (tx) => (await tx.selectFrom("api_keys").select("id").where("tenant_id", "=", reg.tenantId).execute()).length,
    );
  const usageRows = () =>
    server.deps.db.asPlatform(
      async (tx) => (await tx.selectFrom("usage_events").select("id").where("tenant_id", "=", reg.tenantId).execute()).length,
    );

  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BR_MAX_BODY_BYTES: "4096" } });
    reg = await registerTenant(server, { active: true });
  });
  afterAll(() => server.close());

  it("refuses each with an envelope and loses nothing", async () => {
    const keys = await keyRows();
    const cases: [string, string, { rawBody?: string; body?: unknown; method?: string }, number][] = [
      ["embeddings, malformed JSON", "/v1/embeddings", { rawBody: "{" }, 400],
      ["embeddings, input of the wrong type", "/v1/embeddings", { body: { model: "echo", input: 42 } }, 400],
      ["embeddings, empty input list", "/v1/embeddings", { body: { model: "echo", input: [] } }, 400],
      ["embeddings, oversized body", "/v1/embeddings", { body: { model: "echo", input: "x".repeat(10_000) } }, 413],
      ["key create, malformed JSON", "/v1/tenant/api-keys", { rawBody: "{" }, 400],
      ["key create, name of the wrong type", "/v1/tenant/api-keys", { body: { name: 7 } }, 400],
      ["key create, unknown role", "/v1/tenant/api-keys", { body: { name: "k", role: "owner" } }, 400],
      ["key update, malformed JSON", `/v1/tenant/api-keys/${reg.keyId}`, { method: "PATCH", rawBody: "{" }, 400],
      ["key update, unknown field", `/v1/tenant/api-keys/${reg.keyId}`, { method: "PATCH", body: { role: "admin" } }, 400],
      ["key update, malformed id", "/v1/tenant/api-keys/not-a-uuid", { method: "PATCH", body: { name: "k" } }, 400],
      ["rotate, malformed JSON", `/v1/tenant/api-keys/${reg.keyId}/rotate`, { rawBody: "{" }, 400],
      ["rotate, grace of the wrong type", `/v1/tenant/api-keys/${reg.keyId}/rotate`, { body: { grace_seconds: "soon" } }, 400],
    ];
    for (const [name, path, init, status] of cases) {
      const res = await server.request(path, { token: reg.key, ...init });
      expect(res.status, name).toBe(status);
      expect(res.body.error, name).toMatchObject({ type: "invalid_request_error" });
      expect(typeof res.body.error.code, name).toBe("string");
    }
    // Nothing changed: the registration key still works under its one secret, no key was added.
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    expect(await keyRows()).toBe(keys);
    await server.deps.meter.flush();
    expect(await usageRows()).toBe(0);
  });
});
