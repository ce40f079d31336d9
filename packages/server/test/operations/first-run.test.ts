import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";

describe("first requests: /, request ids, CORS", () => {
  let plain: TestServer;
  let withCors: TestServer;
  beforeAll(async () => {
    [plain, withCors] = await Promise.all([
      startTestServer(),
      startTestServer({ env: { BR_CORS_ORIGINS: "https://app.example, https://other.example" } }),
    ]);
  });
  afterAll(() => Promise.all([plain.close(), withCors.close()]));

  it("GET / sends a browser to the dashboard and gives an API client an index", async () => {
    const browser = await fetch(`${plain.url}/`, { headers: { accept: "text/html,application/xhtml+xml" }, redirect: "manual" });
    expect(browser.status).toBe(302);
    expect(browser.headers.get("location")).toBe("/dashboard/");
    const api = await plain.request("/");
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ dashboard: "/dashboard/", docs: "/docs", openapi: "/openapi.json", health: "/health" });
    for (const path of [api.body.docs, api.body.openapi, api.body.health, api.body.agents]) {
      expect((await plain.request(path)).status).toBe(200);
    }
  });

  it("answers x-request-id with the same id as x-br-request-id, on success and on error", async () => {
    for (const path of ["/health", "/v1/models"]) {
      const res = await plain.request(path);
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("x-request-id")).toBe(res.headers.get("x-br-request-id"));
    }
  });

  it("gives no CORS answer unless BR_CORS_ORIGINS is set", async () => {
    const preflight = await fetch(`${plain.url}/v1/models`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "GET" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const res = await fetch(`${plain.url}/v1/models`, { headers: { origin: "https://app.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight and the request for a configured origin only, exposing the request id", async () => {
    const { key } = await registerTenant(withCors, { active: true });
    const preflight = await fetch(`${withCors.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-stainless-os",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");

    const res = await fetch(`${withCors.url}/v1/chat/completions`, {
      method: "POST",
      headers: { origin: "https://app.example", authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(res.headers.get("access-control-expose-headers")).toContain("x-request-id");

    const stranger = await fetch(`${withCors.url}/v1/models`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    // Only the data plane: the dashboard's sign-in routes never answer another origin.
    const auth = await fetch(`${withCors.url}/auth/me`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "GET" },
    });
    expect(auth.headers.get("access-control-allow-origin")).toBeNull();
  });
});
