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
    expect(res.body).toContain("/openapi.json");
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
