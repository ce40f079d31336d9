import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { humanToken, registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { type OidcIssuer, startOidcIssuer } from "../support/oidc-issuer.js";
import { PLATFORM_ADMIN_EMAIL, startLockstepServer, type LockstepServer } from "./fixtures.js";
import { cli, startCli, waitForOutput } from "../cli/run.js";
import { CLI_ARGS, cli as spawnCli, start, waitFor } from "./processes.js";

/** An agent's identity on BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS: it proposes, an admin decides. */
const PROPOSER_EMAIL = "agent@proposer.test";

// Most calls run the CLI in this process (test/cli/run.ts): a spawn starts Node and tsx, which is
// seconds on a loaded machine. The bin itself is spawned where a process is the point: stdio MCP,
// serve, migrate, and one smoke test below; those keep the generous timeout.
describe("brainstormrouter CLI against a live server", { timeout: 120_000 }, () => {
  let server: LockstepServer;
  let env: Record<string, string>;
  let adminEnv: Record<string, string>;
  let proposerEnv: Record<string, string>;
  let proposerToken: string;
  beforeAll(async () => {
    server = await startLockstepServer({ env: { BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS: `user|${PROPOSER_EMAIL}` } });
    env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: "" };
    adminEnv = { ...env, BRAINSTORMROUTER_API_KEY: server.adminKey };
    proposerToken = await humanToken(PROPOSER_EMAIL);
    proposerEnv = { ...env, BRAINSTORMROUTER_ACCESS_TOKEN: proposerToken };
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

  it("proposals: an agent proposes, an admin dry-runs and approves; the proposer cannot act itself", async () => {
    const pending = await registerTenant(server);
    const direct = await cli(["admin", "approve", pending.tenantId], proposerEnv);
    expect(direct.code).toBe(1);
    expect(direct.stderr).toMatch(/\[proposal_required\] \(recovery: escalate\)/);

    const args = ["admin", "propose", "approve_tenant", pending.tenantId, "--rationale", "verified domain", "--expires-in-minutes", "120"];
    const proposed = await cli(args, proposerEnv);
    expect(proposed.code, proposed.stderr).toBe(0);
    const match = /^proposal ([0-9a-f-]{36}) open: approve tenant .+: pending → active\n/.exec(proposed.stdout);
    expect(match, proposed.stdout).not.toBeNull();
    const id = match![1]!;
    expect(proposed.stdout).toContain(`brainstormrouter admin proposals approve ${id}`);

    const table = await cli(["admin", "proposals", "--status", "open"], adminEnv);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+ACTION\s+SUMMARY\s+PROPOSED_BY\s+EXPIRES_AT/);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+open\\s+approve_tenant\\s.*${PROPOSER_EMAIL}`));
    const got = JSON.parse((await cli(["admin", "proposals", "get", id, "--json"], adminEnv)).stdout);
    expect(got).toMatchObject({ id, status: "open", rationale: "verified domain", proposed_by: { label: PROPOSER_EMAIL } });

    const notAdmin = await cli(["admin", "proposals", "approve", id], proposerEnv);
    expect(notAdmin.code).toBe(1);
    const dry = await cli(["admin", "proposals", "approve", id, "--dry-run"], adminEnv);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^dry run — nothing changed/);
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(403);
    const approved = await cli(["admin", "proposals", "approve", id, "--json"], adminEnv);
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ id, status: "executed", decided_by: { kind: "api_key" } });
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(200);
    const twice = await cli(["admin", "proposals", "approve", id], adminEnv);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/\[proposal_already_decided\]/);
  });

  it("proposals: an invite code from flags, declined with a reason; nobody approves their own", async () => {
    const invite = await cli(
      ["admin", "propose", "create_invite_code", "--max-uses", "3", "--note", "cli booth", "--rationale", "conference", "--json"],
      proposerEnv,
    );
    expect(invite.code, invite.stderr).toBe(0);
    const proposal = JSON.parse(invite.stdout);
    expect(proposal).toMatchObject({ action: "create_invite_code", target_id: null, params: { max_uses: 3, note: "cli booth" } });
    const declined = await cli(["admin", "proposals", "decline", proposal.id, "--reason", "not this year", "--json"], adminEnv);
    expect(JSON.parse(declined.stdout)).toMatchObject({ status: "declined", decision_reason: "not this year" });

    // The platform admin proposes by its sign-in and tries to approve by the same: refused.
    const selfEnv = { ...env, BRAINSTORMROUTER_ACCESS_TOKEN: server.adminToken };
    const other = await registerTenant(server);
    const own = JSON.parse(
      (await cli(["admin", "propose", "reject-tenant", other.tenantId, "--reason", "spam", "--rationale", "spam", "--json"], selfEnv))
        .stdout,
    );
    expect(own).toMatchObject({ action: "reject_tenant", params: { reason: "spam" }, proposed_by: { label: PLATFORM_ADMIN_EMAIL } });
    const self = await cli(["admin", "proposals", "approve", own.id], selfEnv);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/\[self_approval_forbidden\]/);

    expect((await cli(["admin", "propose", "approve_tenant", other.tenantId], proposerEnv)).code).toBe(2);
    expect((await cli(["admin", "propose", "create_invite_code", other.tenantId, "--rationale", "x"], proposerEnv)).code).toBe(2);
    expect((await cli(["admin", "propose", "delete_everything", "--rationale", "x"], proposerEnv)).code).toBe(2);
    expect((await cli(["admin", "proposals", "approve"], adminEnv)).code).toBe(2);
  });

  it("audit: the trail as a table, filtered by tenant, action and actor; --json gives the page", async () => {
    const tenant = await registerTenant(server);
    const created = await server.request("/v1/admin/proposals", {
      token: proposerToken,
      body: { action: "approve_tenant", target_id: tenant.tenantId, rationale: "audit me" },
    });
    expect(created.status).toBe(201);
    expect(
      (await server.request(`/v1/admin/proposals/${created.body.id}/approve`, { method: "POST", token: server.adminKey })).status,
    ).toBe(200);

    const table = await cli(["admin", "audit", "--tenant-id", tenant.tenantId], adminEnv);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^AT\s+ACTOR\s+ACTION\s+TARGET\s+VIA$/);
    // Newest first; the approval and its execution share a transaction, so their order is the ids'.
    const actions = lines.slice(1).map((l) => l.split(/\s{2,}/)[2]);
    expect(actions).toEqual(expect.arrayContaining(["proposal.executed", "tenant.approved", "proposal.created"]));
    expect(actions.indexOf("proposal.created")).toBeGreaterThan(
      Math.max(actions.indexOf("proposal.executed"), actions.indexOf("tenant.approved")),
    );
    const proposedLine = lines.find((l) => l.includes("proposal.created"));
    expect(proposedLine).toMatch(new RegExp(`${PROPOSER_EMAIL}\\s+proposal\\.created\\s+proposal ${created.body.id}\\s+api$`));

    const byActor = await cli(
      ["admin", "audit", "--action", "proposal.created", "--actor", PROPOSER_EMAIL, "--limit", "1", "--json"],
      proposerEnv,
    );
    const page = JSON.parse(byActor.stdout);
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ action: "proposal.created", actor: { label: PROPOSER_EMAIL } });
    expect(page.next_cursor).toEqual(expect.any(String));
    const next = await cli(["admin", "audit", "--action", "proposal.created", "--limit", "1", "--cursor", page.next_cursor], adminEnv);
    expect(next.stdout).toMatch(/proposal\.created/);
    expect(next.stdout).not.toContain(page.data[0].target.id);
    const future = await cli(["admin", "audit", "--since", "2999-01-01T00:00:00Z", "--json"], adminEnv);
    expect(JSON.parse(future.stdout)).toEqual({ data: [], next_cursor: null });
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
    const link = startCli(["link"], { ...env, BRAINSTORMROUTER_API_KEY: tenant.key });
    await waitForOutput(link, (o) => /enter [A-Z]{4}-[A-Z]{4}/.test(o.stderr));
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

  it("the bin, spawned: per-command help, a flag beating the environment, exit codes", async () => {
    const help = await spawnCli(["admin", "approve", "--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: brainstormrouter admin approve <tenant-id> \[--dry-run\]/);
    const tenant = await registerTenant(server, { active: true });
    const who = await spawnCli(["whoami", "--access-token", server.adminToken], { ...env, BRAINSTORMROUTER_API_KEY: tenant.key });
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).toMatch(/credential\s+access token from --access-token \(flag\)\n\s+wins over BRAINSTORMROUTER_API_KEY/);
    const denied = await spawnCli(["admin", "tenants"], { ...env, BRAINSTORMROUTER_API_KEY: tenant.key });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/this credential \(API key from BRAINSTORMROUTER_API_KEY\) is not a platform admin/);
  });

  it("mcp serves the server's tools over stdio, admin tools for an admin key", async () => {
    const client = new Client({ name: "stdio-test", version: "0.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [...CLI_ARGS, "mcp"],
        env: { ...process.env, ...adminEnv, BRAINSTORMROUTER_CONFIG_DIR: "/nonexistent" } as Record<string, string>,
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
      args: [...CLI_ARGS, "mcp"],
      env: {
        ...process.env,
        ...env,
        BRAINSTORMROUTER_API_KEY: "br_live_not-a-key",
        BRAINSTORMROUTER_CONFIG_DIR: "/nonexistent",
      } as Record<string, string>,
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
      BR_MIGRATION_DATABASE_URL: undefined,
      REDIS_URL: undefined,
    };
    try {
      const migrated = await spawnCli(["migrate"], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(migrated.stdout).toMatch(/migrations applied \(pglite\)/);
      const again = await spawnCli(["migrate", "--json"], env);
      expect(JSON.parse(again.stdout)).toEqual({ migrated: true, engine: "pglite" });

      const serving = start(process.execPath, [...CLI_ARGS, "serve"], { env });
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
    const bad = await spawnCli(["migrate"], { DATABASE_URL: "mysql://nope", REDIS_URL: undefined });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid configuration: DATABASE_URL/);
  });
});

describe("brainstormrouter login through an OIDC issuer, the bin spawned", { timeout: 120_000 }, () => {
  let issuer: OidcIssuer;
  let server: TestServer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
    server = await startTestServer({
      env: {
        BR_AUTH_JWT_SECRET: "",
        BR_AUTH_JWKS_URL: issuer.jwksUrl,
        BR_AUTH_ISSUER: issuer.issuer,
        BR_AUTH_AUDIENCE: "brainstormrouter",
        BR_AUTH_CLIENT_ID: issuer.clientId,
        BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: "oidc|ops",
      },
    });
    issuer.nextSignIn = { sub: "oidc|ops", email: "ops@oidc.test" };
  });
  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });

  it("the process exits once the browser's callback is answered and the token stored", async () => {
    const dir = await mkdtemp(join(tmpdir(), "br-cli-bin-login-"));
    const env = { BRAINSTORMROUTER_CONFIG_DIR: dir, BRAINSTORMROUTER_API_KEY: "", BRAINSTORMROUTER_BASE_URL: server.url };
    try {
      const login = start(process.execPath, [...CLI_ARGS, "login", "--no-browser"], { env });
      await waitFor(login, (o) => /\/authorize\?/.test(o.stderr));
      const url = /^ {2}(http:\/\/\S+\/authorize\?\S+)$/m.exec(login.output.stderr)![1]!;
      expect((await fetch(url)).status).toBe(200);
      const done = await login.done;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain(`logged in to ${server.url} as ops@oidc.test`);
      const listed = await cli(["admin", "tenants", "--json"], { BRAINSTORMROUTER_CONFIG_DIR: dir, BRAINSTORMROUTER_API_KEY: "" });
      expect(listed.code, listed.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
