import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { cli } from "./run.js";

describe("brainstormrouter keys: the tenant's API keys from an admin-role key", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("create → list → rotate (no grace) → update → revoke, with the secret shown once", async () => {
    // The registration key is the tenant's admin key.
    const tenant = await registerTenant(server, { active: true });
    const env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: tenant.key };

    const created = await cli(["keys", "create", "--name", "ci", "--role", "developer", "--expires-in-days", "30"], env);
    expect(created.code, created.stderr).toBe(0);
    const oldSecret = /^api key {4}(\S+)$/m.exec(created.stdout)?.[1];
    expect(oldSecret).toMatch(/^br_live_/);
    expect(created.stdout).toContain("shown once");
    const id = /^created ci \(([^,]+), /m.exec(created.stdout)![1]!;
    expect((await server.request("/v1/tenant", { token: oldSecret })).status).toBe(200);

    const listed = await cli(["keys", "list"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+ROLE\s+CREATED\s+EXPIRES\s+ROTATED\s+SPEND\s+MODELS\n/);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+ci\\s+\\S+\\s+developer\\s`, "m"));
    expect(listed.stdout).toMatch(new RegExp(`^${tenant.keyId}\\s+.*\\sadmin\\s`, "m"));
    expect(listed.stdout).not.toContain(oldSecret);

    const rotated = await cli(["keys", "rotate", id, "--grace-seconds", "0"], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const newSecret = /^api key {4}(\S+)$/m.exec(rotated.stdout)?.[1];
    expect(newSecret).toMatch(/^br_live_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.stdout).toContain("shown once");
    expect(rotated.stdout).toMatch(/^old secret (stops working at \S+|stopped working); then it answers 401 api_key_rotated$/m);
    const refused = await server.request("/v1/tenant", { token: oldSecret });
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).toContain("api_key_rotated");
    expect((await server.request("/v1/tenant", { token: newSecret })).status).toBe(200);

    const renamed = await cli(["keys", "update", id, "--name", "ci-2", "--expires-at", "none", "--json"], env);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(JSON.parse(renamed.stdout)).toMatchObject({ id, name: "ci-2", expires_at: null });

    const revoked = await cli(["keys", "revoke", id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked ci-2 /);
    expect((await server.request("/v1/tenant", { token: newSecret })).status).toBe(401);

    const json = await cli(["keys", "list", "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    const page = JSON.parse(json.stdout);
    expect(page.data.find((k: { id: string }) => k.id === id)).toMatchObject({
      name: "ci-2",
      role: "developer",
      revoked_at: expect.any(String),
      rotated_at: expect.any(String),
    });
  });

  it("limits: create with a budget, models, rpm and expiry; list shows spend and models; update clears with none/all", async () => {
    const tenant = await registerTenant(server, { active: true });
    const env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: tenant.key };
    expect(
      (await server.request("/v1/tenant/settings", { method: "PATCH", token: tenant.key, body: { rate_limit_rpm: 100 } })).status,
    ).toBe(200);
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();

    const args = ["--budget", "5", "--budget-period", "daily", "--models", "echo*,gpt-4o", "--rpm", "60", "--expires-at", expiresAt];
    const created = await cli(["keys", "create", "--name", "capped", ...args], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`expires    ${expiresAt}\n`);
    expect(created.stdout).toContain("limits     budget 0/5 USD daily, 60 rpm, models echo*,gpt-4o\n");
    const id = /^created capped \(([^,]+), /m.exec(created.stdout)![1]!;

    const listed = await cli(["keys", "list"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+capped\\s.*\\s0/5 USD daily\\s+echo\\*,gpt-4o$`, "m"));
    expect(listed.stdout).toMatch(new RegExp(`^${tenant.keyId}\\s.*\\s-\\s+all$`, "m"));

    const tooFast = await cli(["keys", "create", "--name", "fast", "--rpm", "101"], env);
    expect(tooFast.code).toBe(1);
    expect(tooFast.stderr).toMatch(/^error: .+ \[exceeds_tenant_policy\]/);

    const rebudgeted = await cli(["keys", "update", id, "--budget", "2.5"], env);
    expect(rebudgeted.code, rebudgeted.stderr).toBe(0);
    expect(rebudgeted.stdout).toMatch(/; limits budget 0\/2\.5 USD daily, 60 rpm, models echo\*,gpt-4o\n$/);
    const cleared = await cli(["keys", "update", id, "--budget", "none", "--models", "all", "--rpm", "none", "--json"], env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse(cleared.stdout)).toMatchObject({
      id,
      name: "capped",
      expires_at: expiresAt,
      budget_usd: null,
      budget_period: null,
      allowed_models: null,
      rate_limit_rpm: null,
      spend_usd: null,
    });
    const human = await cli(["keys", "update", id, "--name", "open"], env);
    expect(human.stdout).toMatch(/; limits none \(the tenant's settings apply\)\n$/);
  });

  it("limit mistakes exit 2 before any request", async () => {
    const nowhere = { BRAINSTORMROUTER_BASE_URL: "http://127.0.0.1:9" };
    const mistakes: [string[], RegExp][] = [
      [
        ["keys", "update", "k1"],
        /^keys update needs --name, --expires-at, --budget, --budget-period, --models or --rpm\n\nusage: brainstormrouter keys update/,
      ],
      [["keys", "create", "--name", "x", "--budget", "free"], /^--budget must be a positive amount of USD \(or none\), not free/],
      [["keys", "update", "k1", "--budget=-1"], /^--budget must be a positive amount/],
      [["keys", "update", "k1", "--budget-period", "weekly"], /^--budget-period must be daily, monthly or lifetime, not weekly/],
      [["keys", "update", "k1", "--rpm", "fast"], /^--rpm must be a whole number, not fast/],
      [["keys", "create", "--name", "x", "--models", ","], /^--models takes comma-separated globs \(or all\)/],
      [
        ["keys", "create", "--name", "x", "--expires-in-days", "3", "--expires-at", "2030-01-01T00:00:00Z"],
        /^give --expires-in-days or --expires-at, not both/,
      ],
    ];
    for (const [args, message] of mistakes) {
      const res = await cli(args, nowhere);
      expect([args, res.code]).toEqual([args, 2]);
      expect(res.stderr).toMatch(message);
    }
    const help = await cli(["keys", "update", "--help"], {});
    for (const flag of ["--budget USD", "--budget-period P", "--models GLOBS", "--rpm N", "--expires-at ISO"])
      expect(help.stdout).toContain(flag);
    expect(help.stdout).toMatch(/none \(all for --models\) removes a limit/);
  });

  it("a developer key is refused with the API's 403 message", async () => {
    const tenant = await registerTenant(server, { active: true });
    const env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: tenant.key };
    const created = await cli(["keys", "create", "--name", "dev", "--json"], env);
    expect(created.code, created.stderr).toBe(0);
    const dev = JSON.parse(created.stdout);
    expect(dev.role).toBe("developer");
    const res = await cli(["keys", "list"], { ...env, BRAINSTORMROUTER_API_KEY: dev.key });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .+ \[insufficient_role\]/);
  });

  it("paging: --limit 1 says how to get the next page", async () => {
    const tenant = await registerTenant(server, { active: true });
    const env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: tenant.key };
    expect((await cli(["keys", "create", "--name", "second"], env)).code).toBe(0);
    const first = await cli(["keys", "list", "--limit", "1"], env);
    expect(first.code, first.stderr).toBe(0);
    const cursor = /^more: add --cursor (\S+)$/m.exec(first.stdout)?.[1];
    expect(cursor).toBeTruthy();
    const next = await cli(["keys", "list", "--limit", "1", "--cursor", cursor!, "--json"], env);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout).data).toHaveLength(1);
  });

  it("usage errors exit 2 with the subcommand's usage; --help prints each command's own help", async () => {
    const noId = await cli(["keys", "rotate"], {});
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/^keys rotate needs a key id\n\nusage: brainstormrouter keys rotate <key-id> \[--grace-seconds N\]/);
    const noName = await cli(["keys", "create"], {});
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/^keys create needs --name/);
    const badRole = await cli(["keys", "create", "--name", "x", "--role", "owner"], {});
    expect(badRole.code).toBe(2);
    const badGrace = await cli(["keys", "rotate", "k1", "--grace-seconds", "soon"], {});
    expect(badGrace.code).toBe(2);
    expect(badGrace.stderr).toMatch(/^--grace-seconds must be a whole number, not soon/);
    const unknown = await cli(["keys", "frob"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown keys command: frob\n\nusage: brainstormrouter keys <command>/);

    const help = await cli(["keys", "--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: brainstormrouter keys <command>/);
    expect(help.stdout).toContain("rotate <id>");
    const rotateHelp = await cli(["keys", "rotate", "--help"], {});
    expect(rotateHelp.code).toBe(0);
    expect(rotateHelp.stdout).toMatch(/^usage: brainstormrouter keys rotate <key-id> \[--grace-seconds N\]/);
    expect(rotateHelp.stdout).toContain("--grace-seconds N");
    expect(rotateHelp.stdout).not.toContain("keys revoke");
  });
});
