import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";

const MAX_BODY = 4096;
const oversized = "x".repeat(MAX_BODY * 2);

interface Endpoint {
  name: string;
  method: "POST" | "PATCH";
  path: (keyId: string) => string;
  wrongType: unknown;
  unknownField: unknown;
  oversized: unknown;
}

// Each endpoint gets the four kinds of bad input. Embeddings forwards unknown fields upstream
// (OpenAI-compatible, decisions.md #127): its "unknown field" case is an unknown field inside a
// known one whose shape the gateway checks.
const ENDPOINTS: Endpoint[] = [
  {
    name: "embeddings",
    method: "POST",
    path: () => "/v1/embeddings",
    wrongType: { model: "echo", input: 42 },
    unknownField: { model: "echo", input: [{ text: "hi" }] },
    oversized: { model: "echo", input: oversized },
  },
  {
    name: "key create",
    method: "POST",
    path: () => "/v1/tenant/api-keys",
    wrongType: { name: 7 },
    unknownField: { name: "k", budget: 5 },
    oversized: { name: "k", allowed_models: [oversized] },
  },
  {
    name: "key update",
    method: "PATCH",
    path: (id) => `/v1/tenant/api-keys/${id}`,
    wrongType: { budget_usd: "ten" },
    unknownField: { role: "admin" },
    oversized: { name: oversized },
  },
  {
    name: "rotate",
    method: "POST",
    path: (id) => `/v1/tenant/api-keys/${id}/rotate`,
    wrongType: { grace_seconds: "soon" },
    unknownField: { grace: 0 },
    oversized: { grace_seconds: 0, note: oversized },
  },
];

/**
 * The write endpoints this round added (embeddings, headless keys, rotation) answer malformed
 * JSON, wrong types, unknown fields and oversized bodies with a 400/413 envelope, and change
 * nothing: the key keeps its one secret and its policy, no key row and no usage row appears.
 */
describe.each(ENGINES)("bad input on the new write endpoints on %s", (engine) => {
  let server: TestServer;
  let reg: Registered;
  const rows = (table: "api_keys" | "usage_events") =>
    server.deps.db.asPlatform(
      async (tx) => (await tx.selectFrom(table).select("id").where("tenant_id", "=", reg.tenantId).execute()).length,
    );
  // What a write could change (last_used_at moves with every request).
  const ownKey = async () => {
    const res = await server.request("/v1/tenant/api-keys", { token: reg.key });
    const { last_used_at: _, ...key } = res.body.data.find((k: { id: string }) => k.id === reg.keyId);
    return key;
  };

  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BR_MAX_BODY_BYTES: String(MAX_BODY) } });
    reg = await registerTenant(server, { active: true });
  });
  afterAll(() => server.close());

  const kinds = ["malformed JSON", "wrong type", "unknown field", "oversized body"] as const;
  const cases = ENDPOINTS.flatMap((e) => kinds.map((kind) => [`${e.name}, ${kind}`, e, kind] as const));

  it.each(cases)("%s: an envelope, nothing changed", async (_label, endpoint, kind) => {
    const keysBefore = await rows("api_keys");
    const keyBefore = await ownKey();
    const init =
      kind === "malformed JSON"
        ? { rawBody: '{"name": "k",' }
        : { body: kind === "wrong type" ? endpoint.wrongType : kind === "unknown field" ? endpoint.unknownField : endpoint.oversized };

    const res = await server.request(endpoint.path(reg.keyId), { token: reg.key, method: endpoint.method, ...init });

    expect(res.status).toBe(kind === "oversized body" ? 413 : 400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: expect.any(String), message: expect.any(String) });
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    expect(await rows("api_keys")).toBe(keysBefore);
    expect(await ownKey()).toEqual(keyBefore);
    expect(keyBefore.rotated_at).toBeNull();
    await server.deps.meter.flush();
    expect(await rows("usage_events")).toBe(0);
  });

  it("names the field a wrong type or an unknown field is in", async () => {
    const wrong = await server.request(`/v1/tenant/api-keys/${reg.keyId}`, {
      token: reg.key,
      method: "PATCH",
      body: { budget_usd: "ten" },
    });
    expect(JSON.stringify(wrong.body.error)).toContain("budget_usd");
    const unknown = await server.request("/v1/tenant/api-keys", { token: reg.key, body: { name: "k", budget: 5 } });
    expect(JSON.stringify(unknown.body.error)).toContain("budget");
  });
});
