import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { cli, startCli, waitForOutput } from "./run.js";

/** Listed by its development sign-in subject, as an operator would list a person on the embedded default. */
const ADMIN_EMAIL = "root@dev.test";

describe("brainstormrouter login, whoami, logout on a development sign-in server", () => {
  let server: TestServer;
  let configDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ devSignIn: true, env: { BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: `dev:${ADMIN_EMAIL}` } });
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    configDir = await mkdtemp(join(tmpdir(), "br-cli-login-"));
    env = { BRAINSTORMROUTER_CONFIG_DIR: join(configDir, "brainstormrouter") };
    return () => rm(configDir, { recursive: true, force: true });
  });
  const login = (email = ADMIN_EMAIL) => cli(["login", "--base-url", server.url, "--email", email], env);

  it("login signs in by email and stores token and URL 0600; admin tenants then works for a platform admin", async () => {
    const tenant = await registerTenant(server);
    const loggedIn = await login();
    expect(loggedIn.code, loggedIn.stderr).toBe(0);
    expect(loggedIn.stdout).toContain(`logged in to ${server.url} as ${ADMIN_EMAIL}`);
    const file = join(env.BRAINSTORMROUTER_CONFIG_DIR!, "credentials.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(env.BRAINSTORMROUTER_CONFIG_DIR!)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ base_url: server.url, kind: "access_token", email: ADMIN_EMAIL });

    // No URL, no key: both come from the stored login.
    const listed = await cli(["admin", "tenants", "--json"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((t: { id: string }) => t.id)).toContain(tenant.tenantId);
    expect((await cli(["admin", "tenants"], env)).stdout).toMatch(/^ID\s+SLUG\s+NAME\s+STATUS/);
  });

  it("whoami names the winning credential, what it shadowed, and the precedence rule", async () => {
    await login();
    const stored = await cli(["whoami"], env);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).toMatch(/identity\s+root@dev\.test \(dev:root@dev\.test\)/);
    expect(stored.stdout).toMatch(/platform\s+platform admin/);
    expect(stored.stdout).toMatch(/credential\s+access token from .*credentials\.json \(stored login\)/);
    expect(stored.stdout).toContain("precedence  flag (--api-key, --access-token) > environment");

    const tenant = await registerTenant(server, { active: true });
    const fromEnv = await cli(["whoami", "--json"], {
      ...env,
      BRAINSTORMROUTER_API_KEY: tenant.key,
      BRAINSTORMROUTER_BASE_URL: server.url,
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({
      credential: {
        kind: "api_key",
        source: "BRAINSTORMROUTER_API_KEY",
        level: "environment",
        shadowed: [expect.stringMatching(/credentials\.json$/)],
      },
      base_url_source: "BRAINSTORMROUTER_BASE_URL",
      tenant: { id: tenant.tenantId },
    });
  });

  it("an explicit --access-token beats BRAINSTORMROUTER_API_KEY (it used to be silently overridden)", async () => {
    const token = JSON.parse((await cli(["login", "--base-url", server.url, "--email", ADMIN_EMAIL, "--json"], env)).stdout);
    expect(token).toMatchObject({ logged_in: true, kind: "access_token" });
    const accessToken = JSON.parse(await readFile(join(env.BRAINSTORMROUTER_CONFIG_DIR!, "credentials.json"), "utf8")).token;
    await cli(["logout"], env);
    const tenant = await registerTenant(server, { active: true });
    const keyEnv = { ...env, BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: tenant.key };

    const byFlag = await cli(["admin", "tenants", "--json", "--access-token", accessToken], keyEnv);
    expect(byFlag.code, byFlag.stderr).toBe(0);
    const who = JSON.parse((await cli(["whoami", "--json", "--access-token", accessToken], keyEnv)).stdout);
    expect(who.credential).toMatchObject({ source: "--access-token", level: "flag", shadowed: ["BRAINSTORMROUTER_API_KEY"] });

    // Without the flag the tenant key is used, and the refusal says whose credential it was.
    const byEnv = await cli(["admin", "tenants"], keyEnv);
    expect(byEnv.code).toBe(1);
    expect(byEnv.stderr).toMatch(/\[not_platform_admin\]/);
    expect(byEnv.stderr).toMatch(/this credential \(API key from BRAINSTORMROUTER_API_KEY\) is not a platform admin/);
    expect(byEnv.stderr).toMatch(/brainstormrouter login.*platform_admin/);
  });

  it("login --api-key checks and stores a key; whoami asks /v1/tenant for it; logout deletes it", async () => {
    const tenant = await registerTenant(server, { active: true });
    const stored = await cli(["login", "--base-url", server.url, "--api-key", tenant.key], env);
    expect(stored.code, stored.stderr).toBe(0);
    const who = await cli(["whoami"], env);
    expect(who.stdout).toMatch(new RegExp(`^tenant\\s+.+ \\(${tenant.slug}, ${tenant.tenantId}\\), active`));
    expect(who.stdout).toMatch(/credential\s+API key from .*credentials\.json \(stored login\)/);

    const out = await cli(["logout"], env);
    expect(out.stdout).toMatch(/^removed .*credentials\.json/);
    await expect(stat(join(env.BRAINSTORMROUTER_CONFIG_DIR!, "credentials.json"))).rejects.toThrow(/ENOENT/);
    const gone = await cli(["whoami"], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(
      /not logged in: pass --api-key or --access-token, set BRAINSTORMROUTER_API_KEY, or run `brainstormrouter login`/,
    );
    const bad = await cli(["login", "--base-url", server.url, "--api-key", "br_live_not-a-key"], env);
    expect(bad.code).toBe(1);
    await expect(stat(join(env.BRAINSTORMROUTER_CONFIG_DIR!, "credentials.json"))).rejects.toThrow(/ENOENT/);
  });

  it("--json on every client command prints one JSON document on stdout", async () => {
    const json = async (args: string[], extra: Record<string, string> = {}) => {
      const res = await cli([...args, "--json"], { ...env, ...extra });
      expect(res.code, `${args.join(" ")}: ${res.stderr}`).toBe(0);
      return JSON.parse(res.stdout);
    };
    expect(await json(["login", "--base-url", server.url, "--email", ADMIN_EMAIL])).toMatchObject({
      logged_in: true,
      method: "development",
    });
    const reg = await json(["register", "--base-url", server.url, "--name", "Json Lab", "--email", "json@lab.test"]);
    const pending: string = reg.tenant.id;
    const active = await registerTenant(server, { active: true });
    const keyEnv = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: active.key };
    expect(await json(["whoami"])).toMatchObject({ me: { is_platform_admin: true } });
    expect(await json(["claim-link", "--max-uses", "1"], keyEnv)).toMatchObject({ url: expect.any(String), max_uses: 1 });
    expect(await json(["admin", "tenants"])).toMatchObject({ data: expect.any(Array) });
    expect(await json(["admin", "tenant", pending])).toMatchObject({ id: pending });
    for (const change of ["approve", "reject", "suspend"]) {
      const target = change === "suspend" ? active.tenantId : pending;
      expect(await json(["admin", change, target, "--dry-run"])).toMatchObject({ dry_run: true });
    }
    const invite = await json(["admin", "invites", "create", "--max-uses", "1"]);
    expect(await json(["admin", "invites", "create", "--dry-run"])).toMatchObject({ dry_run: true });
    expect(await json(["admin", "invites"])).toMatchObject({ data: expect.arrayContaining([expect.objectContaining({ id: invite.id })]) });
    expect(await json(["admin", "invites", "delete", invite.id, "--dry-run"])).toMatchObject({ dry_run: true });
    expect(await json(["admin", "digest"])).toMatchObject({ highlights: expect.any(Array) });
    const proposal = await json(["admin", "propose", "approve_tenant", pending, "--rationale", "json"]);
    expect(await json(["admin", "proposals"])).toMatchObject({ data: expect.any(Array) });
    expect(await json(["admin", "proposals", "get", proposal.id])).toMatchObject({ id: proposal.id, status: "open" });
    expect(await json(["admin", "audit", "--limit", "1"])).toMatchObject({ data: expect.any(Array) });

    const token = JSON.parse(await readFile(join(env.BRAINSTORMROUTER_CONFIG_DIR!, "credentials.json"), "utf8")).token;
    const linking = startCli(["link", "--json"], { ...env, ...keyEnv });
    await waitForOutput(linking, (o) => /enter [A-Z]{4}-[A-Z]{4}/.test(o.stderr));
    const userCode = /enter ([A-Z]{4}-[A-Z]{4})/.exec(linking.output.stderr)![1]!;
    expect((await server.request("/auth/device/confirm", { token, body: { user_code: userCode } })).status).toBe(200);
    const linked = await linking.done;
    expect(linked.code, linked.stderr).toBe(0);
    expect(JSON.parse(linked.stdout)).toMatchObject({ tenant: { id: active.tenantId } });

    expect(await json(["logout"])).toMatchObject({ logged_out: true });
  });

  it("a missing credential says which flag or variable to set, or to run login", async () => {
    const res = await cli(["admin", "tenants"], { ...env, BRAINSTORMROUTER_BASE_URL: server.url });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /no credential: pass --api-key or --access-token, set BRAINSTORMROUTER_API_KEY, or run `brainstormrouter login`/,
    );
  });
});

describe("brainstormrouter login on a server with an OIDC issuer", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("says there is no development sign-in and how to store a token instead", async () => {
    const dir = await mkdtemp(join(tmpdir(), "br-cli-oidc-"));
    try {
      const res = await cli(["login", "--base-url", server.url, "--email", "a@b.test"], { BRAINSTORMROUTER_CONFIG_DIR: dir });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`${server.url} signs people in through its OIDC issuer`);
      expect(res.stderr).toContain("brainstormrouter login --access-token <token>");
      await expect(stat(join(dir, "credentials.json"))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
