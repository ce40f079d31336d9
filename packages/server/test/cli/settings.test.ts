import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { human, joinAs } from "../identity-bridge/helpers.js";
import { humanToken, registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { cli } from "./run.js";

describe("brainstormrouter settings: the tenant's budget, model access and key limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  const tenantEnv = async () => {
    const tenant = await registerTenant(server, { active: true });
    return { tenant, env: { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: tenant.key } };
  };

  it("get (the default) → set → get, with none clearing one limit and the rest left as they were", async () => {
    const { tenant, env } = await tenantEnv();
    const fresh = await cli(["settings"], env);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toBe("budget        none\nrate limit    none\nmodels        all\nkey lifetime  unbounded\n");

    const set = await cli(
      ["settings", "set", "--budget", "50", "--models", "echo*, gpt-4o", "--rpm", "100", "--max-key-lifetime-days", "30"],
      env,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^updated the tenant's settings; every key follows them now\n/);
    expect(set.stdout).toMatch(/^budget {8}0\/50 USD monthly spent, resets \d{4}-\d{2}-01T00:00:00\.000Z$/m);
    expect(set.stdout).toContain("rate limit    100 requests per minute per key (default and ceiling)\n");
    expect(set.stdout).toContain("models        echo*, gpt-4o\n");
    expect(set.stdout).toContain("key lifetime  30 days (new keys' default expiry)\n");

    const cleared = await cli(["settings", "set", "--rpm", "none", "--budget-period", "lifetime", "--json"], env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse(cleared.stdout)).toMatchObject({
      rate_limit_rpm: null,
      budget_usd: 50,
      budget_period: "lifetime",
      budget_resets_at: null,
      allowed_models: ["echo*", "gpt-4o"],
      max_key_lifetime_days: 30,
    });
    const json = await cli(["settings", "get", "--json"], env);
    expect(JSON.parse(json.stdout)).toEqual((await server.request("/v1/tenant/settings", { token: tenant.key })).body);
    expect((await cli(["settings"], env)).stdout).toMatch(/^budget {8}0\/50 USD lifetime spent, never resets$/m);

    const none = await cli(["settings", "set", "--budget", "none", "--models", "all", "--max-key-lifetime-days", "none", "--json"], env);
    expect(JSON.parse(none.stdout)).toMatchObject({
      budget_usd: null,
      budget_period: null,
      allowed_models: null,
      max_key_lifetime_days: null,
    });
  });

  it("a signed-in owner changes the current tenant's settings; a member reads them and is refused a change", async () => {
    const { tenant } = await tenantEnv();
    const owner = await humanToken("settings-owner@lab.test");
    expect((await server.request("/auth/claim", { token: owner, body: { token: tenant.claimToken } })).status).toBe(201);
    const member = await human("settings-member");
    await joinAs(server, tenant, member, "member");
    const as = (token: string) => ({ BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_ACCESS_TOKEN: token });

    const set = await cli(["settings", "set", "--budget", "12.5", "--budget-period", "daily", "--json"], as(owner));
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ budget_usd: 12.5, budget_period: "daily" });
    expect((await server.request("/v1/tenant/settings", { token: tenant.key })).body).toMatchObject({ budget_usd: 12.5 });

    const read = await cli(["settings"], as(member.jwt));
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toMatch(/^budget {8}0\/12\.5 USD daily spent, resets /m);
    const refused = await cli(["settings", "set", "--budget", "none"], as(member.jwt));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .+ \[admin_required\]/);
  });

  it("a developer key is refused with the API's 403; the server's own refusals exit 1 with their code", async () => {
    const { tenant, env } = await tenantEnv();
    const dev = await server.request("/v1/tenant/api-keys", { token: tenant.key, body: { name: "dev", role: "developer" } });
    for (const args of [["settings"], ["settings", "set", "--rpm", "5"]]) {
      const res = await cli(args, { ...env, BRAINSTORMROUTER_API_KEY: dev.body.key });
      expect([args, res.code]).toEqual([args, 1]);
      expect(res.stderr).toMatch(/^error: .+ \[insufficient_role\]/);
    }
    // A period without a budget to apply it to; a budget out of range.
    const period = await cli(["settings", "set", "--budget-period", "daily"], env);
    expect(period.code).toBe(1);
    expect(period.stderr).toContain("[invalid_value]");
    const huge = await cli(["settings", "set", "--budget", "2000000"], env);
    expect(huge.code).toBe(1);
    expect(huge.stderr).toContain("[validation_failed]");
  });

  it("usage mistakes exit 2 before any request; --help prints each command's own help", async () => {
    const nowhere = { BRAINSTORMROUTER_BASE_URL: "http://127.0.0.1:9" };
    const mistakes: [string[], RegExp][] = [
      [
        ["settings", "set"],
        /^settings set needs at least one of --budget, --budget-period, --models, --rpm, --max-key-lifetime-days\n\nusage: brainstormrouter settings set /,
      ],
      [["settings", "set", "--budget", "lots"], /^--budget must be a positive amount of USD \(or none\), not lots/],
      [["settings", "set", "--budget=-5"], /^--budget must be a positive amount/],
      [["settings", "set", "--budget", "0"], /^--budget must be a positive amount/],
      [["settings", "set", "--budget-period", "weekly"], /^--budget-period must be daily, monthly or lifetime, not weekly/],
      [["settings", "set", "--models", "echo,,gpt"], /^--models takes comma-separated globs \(or all\)/],
      [["settings", "set", "--rpm", "1.5"], /^--rpm must be a whole number, not 1.5/],
      [["settings", "set", "--max-key-lifetime-days", "forever"], /^--max-key-lifetime-days must be a whole number, not forever/],
      [
        ["settings", "get", "--budget", "5"],
        /^settings get takes no --budget; to change it: settings set\n\nusage: brainstormrouter settings get/,
      ],
      [["settings", "frob"], /^unknown settings command: frob\n\nusage: brainstormrouter settings \[get\|set\]/],
      [["settings", "get", "extra"], /^unexpected argument: extra/],
      [["settings", "set", "--budgets", "5"], /Unknown option '--budgets'/],
    ];
    for (const [args, message] of mistakes) {
      const res = await cli(args, nowhere);
      expect([args, res.code]).toEqual([args, 2]);
      expect(res.stderr).toMatch(message);
    }

    const help = await cli(["settings", "--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: brainstormrouter settings \[get\|set\]/);
    const setHelp = await cli(["settings", "set", "--budget", "5", "--help"], {});
    expect(setHelp.stdout).toMatch(/^usage: brainstormrouter settings set \[--budget USD\|none\]/);
    for (const flag of ["--budget USD", "--budget-period P", "--models GLOBS", "--rpm N", "--max-key-lifetime-days N"]) {
      expect(setHelp.stdout).toContain(flag);
    }
    expect(setHelp.stdout).not.toContain("settings get");
    const global = await cli(["--help"], {});
    expect(global.stdout).toMatch(/^ {2}settings get\|set {2,}the tenant's budget, model access and key limits$/m);
  });
});
