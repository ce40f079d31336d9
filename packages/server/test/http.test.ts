import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/harness.js";

describe("HTTP basics", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("GET /health answers ok with a request id", async () => {
    const res = await server.request("/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers.get("x-br-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("unknown routes get the 404 envelope", async () => {
    const res = await server.request("/v1/nope");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { type: "not_found_error", code: "route_not_found", message: "No such route." } });
  });

  it("answers /ready when the database answers, /health as a liveness probe", async () => {
    const ready = await server.request("/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ready", database: "ok", cache: "memory", rate_limits: "local" });
    expect((await server.request("/health")).body).toEqual({ status: "ok" });
  });

  it("serves the OpenAPI document with both security schemes", async () => {
    const res = await server.request("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.components.securitySchemes)).toEqual(expect.arrayContaining(["ApiKey", "OidcJwt"]));
    expect(res.body.paths["/v1/register"].post.operationId).toBe("register");
    expect(res.body.paths["/v1/tenant"].get.security).toEqual([{ ApiKey: [] }]);
  });

  it("shuts down gracefully: a request in flight finishes, then the port closes", async () => {
    const other = await startTestServer();
    const payload = JSON.stringify({ tenant_name: "Late Lab", admin_email: "late@lab.test", accept_tos: true });
    // Headers are sent now, the body only after shutdown has begun.
    const req = httpRequest(`${other.url}/v1/register`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
    });
    const response = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
    });
    req.flushHeaders();
    await new Promise((r) => setTimeout(r, 100));
    const closing = other.close();
    req.end(payload);
    expect(await response).toBe(202);
    await closing;
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });
});
