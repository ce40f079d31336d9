import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { humanToken, registerTenant } from "../support/harness.js";
import { startLockstepServer, type LockstepServer } from "./fixtures.js";
import { CLI_BIN, cli, start, waitFor } from "./processes.js";

// Each spawn starts Node and tsx; on a loaded machine that is seconds, so these get room.
describe("brainstormrouter CLI against a live server", { timeout: 120_000 }, () => {
  let server: LockstepServer;
  let env: Record<string, string>;
  let adminEnv: Record<string, string>;
  beforeAll(async () => {
    server = await startLockstepServer();
    env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: "" };
    adminEnv = { ...env, BRAINSTORMROUTER_API_KEY: server.adminKey };
  });
  afterAll(() => server?.close());

  it("register prints the key and the claim URL; --json prints the API's answer", async () => {
    const human = await cli(["register", "--name", "CLI Lab", "--email", "cli@lab.test"], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/api key\s+br_live_\w+/);
    expect(human.stdout).toMatch(/claim url\s+http:\/\/br\.test\/dashboard\/\?claim=brct_/);
    expect(human.stdout).toMatch(/status\s+pending/);
    const json = await cli(["register", "--name", "CLI Lab 2", "--email", "cli2@lab.test", "--json"], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ tenant: { status: "pending" }, api_key: { key: expect.stringMatching(/^br_live_/) } });
  });

  it("admin: tenants, approve with --dry-run then for real, invites, digest", async () => {
    const pending = await registerTenant(server);
    const listed = await cli(["admin", "tenants", "--status", "pending", "--json"], adminEnv);
    expect(JSON.parse(listed.stdout).data.map((t: { id: string }) => t.id)).toContain(pending.tenantId);
    const table = await cli(["admin", "tenants", "--status", "pending"], adminEnv);
    expect(table.stdout).toMatch(/^ID\s+SLUG\s+NAME\s+STATUS/);

    const dry = await cli(["admin", "approve", pending.tenantId, "--dry-run"], adminEnv);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^dry run — nothing changed/);
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(403);
    const approved = await cli(["admin", "approve", pending.tenantId, "--json"], adminEnv);
    expect(JSON.parse(approved.stdout)).toMatchObject({ tenant: { status: "active" } });
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(200);

    const suspended = await cli(["admin", "suspend", pending.tenantId, "--reason", "abuse", "--json"], adminEnv);
    expect(JSON.parse(suspended.stdout)).toMatchObject({ tenant: { status: "suspended", status_reason: "abuse" } });
    const other = await registerTenant(server);
    const rejected = await cli(["admin", "reject", other.tenantId, "--json"], adminEnv);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ tenant: { status: "rejected" } });

    const created = JSON.parse((await cli(["admin", "invites", "create", "--max-uses", "2", "--note", "cli", "--json"], adminEnv)).stdout);
    expect(created).toMatchObject({ max_uses: 2, note: "cli" });
    expect((await cli(["admin", "invites"], adminEnv)).stdout).toContain(created.code);
    const revoked = await cli(["admin", "invites", "delete", created.id, "--json"], adminEnv);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ status: "revoked" });

    const digest = await cli(["admin", "digest", "--window", "7d"], adminEnv);
    expect(digest.code, digest.stderr).toBe(0);
    expect(digest.stdout).toMatch(/^• /);
  });

  it("refusals exit 1 with the error code; usage mistakes exit 2", async () => {
    const tenant = await registerTenant(server, { active: true });
    const denied = await cli(["admin", "tenants"], { ...env, BRAINSTORMROUTER_API_KEY: tenant.key });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/\[not_platform_admin\] \(recovery: escalate\)/);
    const illegal = await cli(["admin", "reject", tenant.tenantId], adminEnv);
    expect(illegal.code).toBe(1);
    expect(illegal.stderr).toMatch(/\[invalid_transition\]/);
    expect((await cli(["admin", "approve"], adminEnv)).code).toBe(2);
    expect((await cli(["register", "--nme", "x"], env)).code).toBe(2);
  });

  it("link shows the code, waits, and prints the linked tenant once a human confirms", async () => {
    const tenant = await registerTenant(server, { active: true });
    const link = start(process.execPath, [CLI_BIN, "link"], { env: { ...env, BRAINSTORMROUTER_API_KEY: tenant.key } });
    await waitFor(link, (o) => /enter [A-Z]{4}-[A-Z]{4}/.test(o.stderr));
    const userCode = /enter ([A-Z]{4}-[A-Z]{4})/.exec(link.output.stderr)![1]!;
    const confirmed = await server.request("/auth/device/confirm", {
      token: await humanToken("linker@cli.test"),
      body: { user_code: userCode },
    });
    expect(confirmed.status).toBe(200);
    const result = await link.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^linked to .+ \\(${tenant.slug}, ${tenant.tenantId}\\)`));
  });

  it("mcp serves the server's tools over stdio, admin tools for an admin key", async () => {
    const client = new Client({ name: "stdio-test", version: "0.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI_BIN, "mcp"],
        env: { ...process.env, ...adminEnv } as Record<string, string>,
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("br_approve_tenant");
      const pending = await registerTenant(server);
      const dry = await client.callTool({ name: "br_approve_tenant", arguments: { id: pending.tenantId, dry_run: true } });
      expect(dry.structuredContent).toMatchObject({ dry_run: true, would_execute: { to: "active" } });
      const digest = await client.callTool({ name: "br_get_business_digest", arguments: {} });
      expect((digest.structuredContent as { highlights: string[] }).highlights.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it("mcp over stdio answers a bad key's requests with an error instead of hanging", async () => {
    const client = new Client({ name: "stdio-test", version: "0.0.0" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_BIN, "mcp"],
      env: { ...process.env, ...env, BRAINSTORMROUTER_API_KEY: "br_live_not-a-key" } as Record<string, string>,
      stderr: "pipe",
    });
    await expect(client.connect(transport)).rejects.toThrow(/401|invalid_api_key|Unauthorized/i);
    await client.close();
  });
});

describe("brainstormrouter migrate and serve", { timeout: 120_000 }, () => {
  it("migrate prepares an embedded database and exits; serve answers until SIGTERM", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "br-cli-"));
    // The embedded default: no PostgreSQL, no Redis, whatever this test run has.
    const env = {
      BR_DATA_DIR: dataDir,
      NODE_ENV: "development",
      BR_LOG_LEVEL: "silent",
      PORT: "0",
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
    };
    try {
      const migrated = await cli(["migrate"], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(migrated.stdout).toMatch(/migrations applied \(pglite\)/);

      const serving = start(process.execPath, [CLI_BIN, "serve"], { env });
      await waitFor(serving, (o) => /BrainstormRouter\s+http:\/\/\S+/.test(o.stdout));
      const url = /BrainstormRouter\s+(http:\/\/\S+)/.exec(serving.output.stdout)![1]!.replace("localhost", "127.0.0.1");
      expect((await fetch(`${url}/health`)).status).toBe(200);
      serving.child.kill("SIGTERM");
      expect((await serving.done).code).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("configuration errors name the variable and exit 1", async () => {
    const bad = await cli(["migrate"], { DATABASE_URL: "mysql://nope", REDIS_URL: undefined });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid configuration: DATABASE_URL/);
  });
});
