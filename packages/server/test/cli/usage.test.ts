import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { humanToken, registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { cli } from "./run.js";

describe("brainstormrouter usage: the tenant's usage per day, key or model", () => {
  let server: TestServer;
  let tenant: Registered;
  let env: Record<string, string>;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    server = await startTestServer({ env: { BR_USAGE_FLUSH_MS: "3600000" } });
    tenant = await registerTenant(server, { active: true });
    env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: tenant.key };
    const event = { tenantId: tenant.tenantId, latencyMs: 1, createdAt: new Date(), priced: true, promptTokens: 4, completionTokens: 2 };
    server.deps.meter.record({ ...event, keyId: tenant.keyId, model: "big", status: 200, costUsd: 1.25 });
    server.deps.meter.record({ ...event, keyId: null, model: "small", status: 500, costUsd: 0.000001 });
    await server.deps.meter.flush();
  });
  afterAll(() => server?.close());

  it("prints every day by default, then totals; --json prints the API's answer", async () => {
    const days = await cli(["usage"], env);
    expect(days.code, days.stderr).toBe(0);
    const lines = days.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^DAY\s+REQUESTS\s+PROMPT_TOKENS\s+COMPLETION_TOKENS\s+COST_USD\s+ERRORS$/);
    expect(lines).toHaveLength(1 + 30 + 1);
    expect(lines[30]).toMatch(new RegExp(`^${today}\\s+2\\s+8\\s+4\\s+1.250001\\s+1$`));
    expect(lines.at(-1)).toBe("total: 2 requests, 8 prompt and 4 completion tokens, 1.250001 USD, 1 errors");

    const json = await cli(["usage", "--from", today, "--to", today, "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(
      (await server.request(`/v1/tenant/usage?from=${today}&to=${today}`, { token: tenant.key })).body,
    );
  });

  it("--group-by key and model, by cost, with the next page's cursor", async () => {
    const keys = await cli(["usage", "--group-by", "key"], env);
    expect(keys.code, keys.stderr).toBe(0);
    expect(keys.stdout).toMatch(/^KEY_ID\s+NAME\s+REQUESTS/);
    expect(keys.stdout).toMatch(new RegExp(`\\n${tenant.keyId}\\s+\\S.*\\s1.25\\s+0\\n\\(no key\\)\\s+-\\s+1\\s`));
    const page = await cli(["usage", "--group-by", "model", "--limit", "1"], env);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout).toMatch(/\nbig\s+1\s+4\s+2\s+1.25\s+0\n/);
    const cursor = /^more: add --cursor (\S+)$/m.exec(page.stdout)?.[1];
    expect(cursor).toBeDefined();
    const next = await cli(["usage", "--group-by", "model", "--limit", "1", "--cursor", cursor!], env);
    expect(next.stdout).toMatch(/\nsmall\s+1\s+4\s+2\s+0.000001\s+1\n/);
    expect(next.stdout).not.toContain("more:");
  });

  it("a signed-in member reads the current tenant's usage through /auth/usage", async () => {
    const token = await humanToken("usage-cli@lab.test");
    expect((await server.request("/auth/claim", { token, body: { token: tenant.claimToken } })).status).toBe(201);
    const res = await cli(["usage", "--group-by", "model", "--json"], {
      BRAINSTORMROUTER_BASE_URL: server.url,
      BRAINSTORMROUTER_ACCESS_TOKEN: token,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).data.map((m: { model: string }) => m.model)).toEqual(["big", "small"]);
  });

  it("usage mistakes exit 2 before any request; the server's refusals exit 1 with their code", async () => {
    for (const args of [["--from", "last-week"], ["--group-by", "week"], ["--limit", "lots"], ["extra"]]) {
      const res = await cli(["usage", ...args], env);
      expect([args, res.code]).toEqual([args, 2]);
      expect(res.stderr).toContain("usage: brainstormrouter usage");
    }
    const backwards = await cli(["usage", "--from", "2026-03-02", "--to", "2026-03-01"], env);
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toContain("validation_failed");
    const dev = await server.request("/v1/tenant/api-keys", { token: tenant.key, body: { name: "dev", role: "developer" } });
    const refused = await cli(["usage"], { ...env, BRAINSTORMROUTER_API_KEY: dev.body.key });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("insufficient_role");
  });
});
