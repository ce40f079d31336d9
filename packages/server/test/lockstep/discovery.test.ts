import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/harness.js";

describe("discovery: /openapi.json, /docs, /.well-known/agents.json", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("serves the OpenAPI 3.1 document with both security schemes and the tenant header", async () => {
    const res = await server.request("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.components.securitySchemes)).toEqual(expect.arrayContaining(["ApiKey", "OidcJwt"]));
    expect(res.body.paths["/auth/me"].get.parameters.map((p: { name: string }) => p.name)).toContain("x-br-tenant-id");
    expect(res.body.components.schemas.Error).toBeDefined();
  });

  it("serves the API reference page at /docs, pointing at /openapi.json", async () => {
    const res = await server.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const scripts = [...String(res.body).matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.every((src) => src.startsWith("/docs/"))).toBe(true);
    const init = await server.request("/docs/reference.js");
    expect(init.body).toContain("/openapi.json");
    const bundle = await server.request(scripts[0]!);
    expect(bundle.status).toBe(200);
    expect(String(bundle.body)).toContain("SwaggerUIBundle");
    // Only the renderer's own assets are served, not the package's other files.
    expect((await server.request("/docs/assets/package.json")).status).toBe(404);
  });

  it("describes registration, auth and the MCP endpoint for agents", async () => {
    const res = await server.request("/.well-known/agents.json");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      registration: { method: "POST", url: "http://br.test/v1/register" },
      auth: { api_key: { applies_to: "/v1/*" }, oidc_jwt: { tenant_header: "X-BR-Tenant-Id" } },
      mcp: { transport: "streamable-http", url: "http://br.test/v1/mcp/connect" },
      openapi: "http://br.test/openapi.json",
    });
  });
});
