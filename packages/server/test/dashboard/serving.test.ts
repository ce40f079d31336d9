import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/harness.js";

describe("dashboard static serving", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ devSignIn: true });
  });
  afterAll(() => server.close());

  it("serves the SPA at /dashboard/ with no-referrer, a strict CSP and no caching of index.html", async () => {
    const res = await server.request("/dashboard/?claim=brct_secret");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.body).toContain('<div id="root">');
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("answers client-side routes with index.html and unknown assets with a 404 envelope", async () => {
    const page = await server.request("/dashboard/device?user_code=BCDF-GHJK");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const asset = await server.request("/dashboard/assets/missing-abc123.js");
    expect(asset.status).toBe(404);
    expect(asset.body.error.code).toBe("asset_not_found");
  });

  it("caches hashed assets for good", async () => {
    const html: string = (await server.request("/dashboard/")).body;
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const res = await fetch(server.url + script);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(res.headers.get("content-type")).toContain("javascript");
  });

  it("keeps the claim query when /dashboard lacks its slash", async () => {
    const res = await fetch(`${server.url}/dashboard?claim=brct_x`, { redirect: "manual" });
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe("/dashboard/?claim=brct_x");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("tells the SPA to offer development sign-in on the embedded default", async () => {
    const res = await server.request("/dashboard/config.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toEqual({ auth: { mode: "development" } });
  });

  it("never writes the claim token of a dashboard URL to the access log", async () => {
    await server.request("/dashboard/?claim=brct_ShouldNotBeLogged123");
    expect(server.logs.join("\n")).not.toContain("brct_ShouldNotBeLogged123");
  });
});

describe("dashboard with OIDC configured", () => {
  let server: TestServer;
  let issuer: import("node:http").Server;
  let issuerUrl: string;
  beforeAll(async () => {
    const { createServer } = await import("node:http");
    issuer = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          issuer: issuerUrl,
          authorization_endpoint: `${issuerUrl}/authorize`,
          token_endpoint: "http://127.0.0.2:9/token",
          jwks_uri: `${issuerUrl}/jwks`,
        }),
      );
    });
    await new Promise<void>((resolve) => issuer.listen(0, "127.0.0.1", resolve));
    issuerUrl = `http://127.0.0.1:${(issuer.address() as import("node:net").AddressInfo).port}`;
    server = await startTestServer({ env: { BR_AUTH_ISSUER: issuerUrl, BR_AUTH_CLIENT_ID: "dashboard-spa" } });
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => issuer.close(resolve));
  });

  it("serves the issuer's endpoints from its discovery document and allows only its token endpoint in the CSP", async () => {
    const res = await server.request("/dashboard/config.json");
    expect(res.body.auth).toMatchObject({
      mode: "oidc",
      issuer: issuerUrl,
      client_id: "dashboard-spa",
      scopes: "openid email profile",
      authorization_endpoint: `${issuerUrl}/authorize`,
      token_endpoint: "http://127.0.0.2:9/token",
    });
    const page = await server.request("/dashboard/");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self' http://127.0.0.2:9;");
  });
});

describe("dashboard not built", () => {
  let server: TestServer;
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), "br-dash-"));
    server = await startTestServer({ devSignIn: true, env: { BR_DASHBOARD_DIR: empty } });
  });
  afterAll(async () => {
    await server.close();
    await rm(empty, { recursive: true, force: true });
  });

  it("answers 503 with an envelope that says how to build it", async () => {
    const res = await server.request("/dashboard/");
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ type: "api_error", code: "dashboard_not_built", recovery: { action: "escalate" } });
    expect(res.body.error.message).toContain("npm run build -w packages/dashboard");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });
});
