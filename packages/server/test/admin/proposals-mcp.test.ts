import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/fakes/http-fake.js";
import { SLACK_BOT_TOKEN, startFakeSlack, type FakeSlack } from "../support/fakes/slack.js";
import { humanToken, registerTenant, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { buttonClick, founderToken, SLACK_ADMIN, SLACK_SIGNING_SECRET, slackRequest, startAdminServer } from "./support.js";

async function connect(server: TestServer, key: string): Promise<Client> {
  const client = new Client({ name: "proposer-agent", version: "0.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/v1/mcp/connect`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

// biome-ignore lint/suspicious/noExplicitAny: tool results are JSON the test reads field by field
async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

const EXECUTING = [
  "br_approve_proposal",
  "br_decline_proposal",
  // The mutations themselves are offered to proposers as dry runs only (no dry_run argument).
];

/** The "Done when": an agent proposes through MCP alone, the founder confirms in Slack. */
describe.each(ENGINES)("a proposer agent over MCP on %s", (engine) => {
  let slack: FakeSlack;
  let server: TestServer;
  let agentKey: string;
  let agentKeyId: string;
  beforeAll(async () => {
    slack = await startFakeSlack();
    server = await startAdminServer(engine, {
      SLACK_BOT_TOKEN,
      SLACK_CHANNEL_ID: "CFOUNDERS",
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET,
      BR_SLACK_ADMIN_USER_IDS: SLACK_ADMIN,
    });
    // The agent's own registration; the operator lists its machine user as a proposer (DESIGN.md §8).
    const agent = await registerTenant(server, { active: true, name: "Growth Agent" });
    const machineUser = await server.deps.db.asTenant(agent.tenantId, (tx) =>
      tx.selectFrom("users").select("id").where("kind", "=", "machine").executeTakeFirstOrThrow(),
    );
    (server.deps.config.platformProposerIds as Set<string>).add(machineUser.id);
    agentKey = agent.key;
    agentKeyId = agent.keyId;
  });
  afterAll(async () => {
    await server.close();
    await slack.close();
  });

  it("lists the read, dry-run and propose tools only: executing tools are absent, mutations are dry runs", async () => {
    const client = await connect(server, agentKey);
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const name of [
        "br_list_tenants",
        "br_get_tenant",
        "br_propose_action",
        "br_list_proposals",
        "br_get_proposal",
        "br_list_audit_events",
      ]) {
        expect(names).toContain(name);
      }
      for (const name of EXECUTING) expect(names).not.toContain(name);
      const approveTool = tools.find((t) => t.name === "br_approve_tenant")!;
      expect(approveTool.inputSchema.properties).not.toHaveProperty("dry_run");
      expect(approveTool.annotations?.readOnlyHint).toBe(true);
      const pending = await registerTenant(server);
      // Called without dry_run, it still only reports: the tenant stays pending.
      expect(await call(client, "br_approve_tenant", { id: pending.tenantId })).toMatchObject({ dry_run: true });
      expect((await call(client, "br_get_tenant", { id: pending.tenantId })).status).toBe("pending");
      // The executing tool is unknown to this session, not merely refused.
      const attempt = await client.callTool({ name: "br_approve_proposal", arguments: { id: pending.tenantId } });
      expect(attempt.isError).toBe(true);
      expect(JSON.stringify(attempt.content)).toMatch(/not found/i);
    } finally {
      await client.close();
    }
  });

  it("propose through MCP → confirm in Slack → active exactly once, and the audit trail names both and their surfaces", async () => {
    const client = await connect(server, agentKey);
    try {
      const target = await registerTenant(server, { name: "Icp Fit Co" });
      const pendingList = await call(client, "br_list_tenants", { status: "pending" });
      expect(pendingList.data.map((t: { id: string }) => t.id)).toContain(target.tenantId);
      const proposal = await call(client, "br_propose_action", {
        action: "approve_tenant",
        target_id: target.tenantId,
        rationale: "their domain matches our ICP",
      });
      expect(proposal).toMatchObject({ status: "open", proposed_by: { kind: "api_key", id: agentKeyId } });
      expect((await call(client, "br_get_proposal", { id: proposal.id })).status).toBe("open");

      const message = await waitFor("the Slack proposal", () =>
        slack.posted().find((r) => r.status === 200 && JSON.stringify(r.body.blocks ?? []).includes(`proposal:${proposal.id}`)),
      );
      const confirm = message.body.blocks.find((b: { type: string }) => b.type === "actions").elements[0];
      const started = performance.now();
      const click = slackRequest(buttonClick(confirm.action_id, confirm.value, SLACK_ADMIN, slack.responseUrl()));
      const res = await server.request("/webhooks/slack/action", { rawBody: click.rawBody, headers: click.headers });
      const clickToExecutedMs = performance.now() - started;
      expect(res.body.outcome).toBe("executed");
      console.info(`proposal approval, click to executed (fake Slack, ${engine}): ${clickToExecutedMs.toFixed(1)} ms`);

      expect((await call(client, "br_get_proposal", { id: proposal.id })).status).toBe("executed");
      expect((await server.request("/v1/tenant", { token: target.key })).status).toBe(200);

      const trail = await call(client, "br_list_audit_events", { tenant_id: target.tenantId });
      const byAction = Object.fromEntries(trail.data.map((e: { action: string }) => [e.action, e]));
      expect(byAction["proposal.created"]).toMatchObject({
        via: "mcp",
        actor: { kind: "api_key", id: agentKeyId },
        proposal_id: proposal.id,
      });
      expect(byAction["proposal.created"].request_id).toMatch(/.+/);
      expect(byAction["tenant.approved"]).toMatchObject({
        via: "slack",
        actor: { kind: "slack_user", id: SLACK_ADMIN },
        proposal_id: proposal.id,
      });
      expect(byAction["proposal.executed"]).toMatchObject({ via: "slack", proposal_id: proposal.id });
      // Exactly one row per mutation.
      expect(trail.data.filter((e: { action: string }) => e.action === "tenant.approved")).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it("an admin key minted with platform_proposer proposes; one minted without a flag has no platform power at all", async () => {
    const founder = await founderToken();
    const provisioned = await server.request("/auth/provision", { token: founder, body: { tenant_name: "Founder ops" } });
    const tenantId = provisioned.body.tenant.id;
    const mint = (body: Record<string, unknown>) =>
      server.request("/auth/api-keys", { token: founder, headers: { "x-br-tenant-id": tenantId }, body: { role: "admin", ...body } });
    const plain = await mint({ name: "laptop" });
    expect(plain.body.platform_role).toBeNull();
    expect((await server.request("/v1/admin/tenants", { token: plain.body.key })).body.error.code).toBe("not_platform_admin");
    const proposer = await mint({ name: "growth agent", platform_proposer: true });
    expect(proposer.body.platform_role).toBe("proposer");
    const pending = await registerTenant(server);
    const real = await server.request(`/v1/admin/tenants/${pending.tenantId}/approve`, { token: proposer.body.key, method: "POST" });
    expect(real.body.error.code).toBe("proposal_required");
    const created = await server.request("/v1/admin/proposals", {
      token: proposer.body.key,
      body: { action: "approve_tenant", target_id: pending.tenantId, rationale: "fits" },
    });
    expect(created.status).toBe(201);
    // The founder's own JWT may not approve what the founder's key proposed: one identity.
    const self = await server.request(`/v1/admin/proposals/${created.body.id}/approve`, { token: founder, method: "POST" });
    expect(self.body.error.code).toBe("self_approval_forbidden");
    const admin = await mint({ name: "ops", platform_admin: true });
    expect(admin.body.platform_role).toBe("admin");
    const both = await mint({ name: "x", platform_admin: true, platform_proposer: true });
    expect(both.status).toBe(400);
    // Only an identity holding the power may mint it.
    const agentTenant = await registerTenant(server, { active: true });
    const owner = await humanToken("plain-owner@lab.test");
    await server.request("/auth/claim", { token: owner, body: { token: agentTenant.claimToken } });
    const refused = await server.request("/auth/api-keys", {
      token: owner,
      headers: { "x-br-tenant-id": agentTenant.tenantId },
      body: { name: "sneaky", role: "admin", platform_admin: true },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("not_platform_admin");
  });
});
