import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOOLS } from "../../src/mcp/admin-tools.js";
import { humanToken, registerTenant } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { recordUsage } from "../support/usage-events.js";
import { startLockstepServer, type LockstepServer } from "./fixtures.js";

async function connect(server: LockstepServer, key: string): Promise<Client> {
  const client = new Client({ name: "lockstep-test", version: "0.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/v1/mcp/connect`), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  return client;
}

type Structured = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Structured;
}

describe.each(ENGINES)("MCP over Streamable HTTP on %s", (engine) => {
  let server: LockstepServer;
  let admin: Client;
  beforeAll(async () => {
    server = await startLockstepServer({ engine });
    admin = await connect(server, server.adminKey);
  });
  afterAll(async () => {
    await admin?.close();
    await server?.close();
  });

  it("offers a platform admin every admin tool, each with an input schema", async () => {
    const { tools } = await admin.listTools();
    const names = tools.map((t) => t.name);
    for (const spec of ADMIN_TOOLS) expect(names).toContain(spec.name);
    expect(tools.find((t) => t.name === "br_approve_tenant")?.inputSchema.properties).toHaveProperty("dry_run");
  });

  it("approves with dry_run first (nothing changes), then for real, through the admin service", async () => {
    const pending = await registerTenant(server);
    const dry = await call(admin, "br_approve_tenant", { id: pending.tenantId, dry_run: true });
    expect(dry).toMatchObject({ dry_run: true, would_execute: { action: "approve_tenant", from: "pending", to: "active" } });
    expect((await call(admin, "br_get_tenant", { id: pending.tenantId })).status).toBe("pending");
    const done = await call(admin, "br_approve_tenant", { id: pending.tenantId });
    expect(done.tenant.status).toBe("active");
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(200);
  });

  it("an illegal transition comes back as a tool error with the API's envelope", async () => {
    const active = await registerTenant(server, { active: true });
    const result = await admin.callTool({ name: "br_reject_tenant", arguments: { id: active.tenantId } });
    expect(result.isError).toBe(true);
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toMatchObject({ error: { code: "invalid_transition" } });
  });

  it("creates, lists and revokes invite codes, and reads the digest", async () => {
    const created = await call(admin, "br_create_invite_code", { max_uses: 2, note: "mcp" });
    expect(created).toMatchObject({ max_uses: 2, uses_left: 2 });
    const listed = await call(admin, "br_list_invite_codes", { limit: 200 });
    expect(listed.data.map((i: { id: string }) => i.id)).toContain(created.id);
    expect(await call(admin, "br_delete_invite_code", { id: created.id, dry_run: true })).toMatchObject({ dry_run: true });
    await call(admin, "br_delete_invite_code", { id: created.id });
    const tenants = await call(admin, "br_list_tenants", { status: "active" });
    expect(tenants.data.length).toBeGreaterThan(0);
    const digest = await call(admin, "br_get_business_digest", { window: "7d" });
    expect(digest.window).toBe("7d");
    expect(Array.isArray(digest.highlights)).toBe(true);
  });

  it("a non-admin key sees no admin tools and is refused when it calls one", async () => {
    const tenant = await registerTenant(server, { active: true });
    const client = await connect(server, tenant.key);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names.filter((n) => ADMIN_TOOLS.some((a) => a.name === n))).toEqual([]);
      expect(names).toEqual(expect.arrayContaining(["br_get_current_tenant", "br_generate_claim_link"]));
      expect(await call(client, "br_get_current_tenant")).toMatchObject({ tenant: { id: tenant.tenantId }, is_platform_admin: false });
      const refused = await client.callTool({ name: "br_list_tenants", arguments: {} });
      expect(refused).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/br_list_tenants not found/) }] });
    } finally {
      await client.close();
    }
  });

  it("a tenant's admin key hands the tenant to humans: claim link and device link", async () => {
    const tenant = await registerTenant(server, { active: true });
    const client = await connect(server, tenant.key);
    try {
      const link = await call(client, "br_generate_claim_link", { role: "admin" });
      const claimed = await server.request("/auth/claim", { token: await humanToken("mcp-mate@lab.test"), body: { token: link.token } });
      expect(claimed.status).toBe(201);
      expect(claimed.body.membership.role).toBe("admin");
      const device = await call(client, "br_start_device_link");
      expect(await call(client, "br_poll_device_link", { device_code: device.device_code })).toMatchObject({
        error: "authorization_pending",
      });
      const confirmed = await server.request("/auth/device/confirm", {
        token: await humanToken("mcp-device@lab.test"),
        body: { user_code: device.user_code },
      });
      expect(confirmed.status).toBe(200);
      await new Promise((r) => setTimeout(r, device.interval * 1000)); // RFC 8628: no faster than interval
      expect(await call(client, "br_poll_device_link", { device_code: device.device_code })).toMatchObject({
        status: "linked",
        tenant: { id: tenant.tenantId },
      });
    } finally {
      await client.close();
    }
  });

  it("a tenant's admin key reads its usage with br_get_usage, through the same service as GET /v1/tenant/usage", async () => {
    const tenant = await registerTenant(server, { active: true });
    recordUsage(server, tenant.tenantId, { keyId: tenant.keyId, model: "mcp-model", promptTokens: 3, completionTokens: 2, costUsd: 0.5 });
    await server.deps.meter.flush();
    const client = await connect(server, tenant.key);
    try {
      const byModel = await call(client, "br_get_usage", { group_by: "model" });
      expect(byModel).toEqual((await server.request("/v1/tenant/usage?group_by=model", { token: tenant.key })).body);
      expect(byModel.data).toEqual([{ model: "mcp-model", requests: 1, prompt_tokens: 3, completion_tokens: 2, cost_usd: 0.5, errors: 0 }]);
      expect((await call(client, "br_get_usage")).data).toHaveLength(30);
      const refused = await client.callTool({ name: "br_get_usage", arguments: { from: "2026-02-30" } });
      expect(refused.isError).toBe(true);
      expect(JSON.parse((refused.content as { text: string }[])[0]!.text)).toMatchObject({ error: { code: "validation_failed" } });
    } finally {
      await client.close();
    }
  });

  it("a developer-role key is offered neither claim nor device links", async () => {
    const tenant = await registerTenant(server, { active: true });
    const owner = await humanToken("mcp-owner@lab.test");
    expect((await server.request("/auth/claim", { token: owner, body: { token: tenant.claimToken } })).status).toBe(201);
    const created = await server.request("/auth/api-keys", {
      token: owner,
      headers: { "x-br-tenant-id": tenant.tenantId },
      body: { name: "dev", role: "developer" },
    });
    expect(created.status).toBe(201);
    const client = await connect(server, created.body.key);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["br_get_current_tenant"]);
      expect(await client.callTool({ name: "br_generate_claim_link", arguments: {} })).toMatchObject({ isError: true });
    } finally {
      await client.close();
    }
  });

  it("refuses a request without an API key with 401, and GET with 405", async () => {
    const res = await server.request("/v1/mcp/connect", { body: { jsonrpc: "2.0", id: 1, method: "tools/list" } });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe("authentication_error");
    expect((await server.request("/v1/mcp/connect", { token: server.adminKey })).status).toBe(405);
  });
});
