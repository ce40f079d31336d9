import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrainstormRouter } from "../../../sdk-ts/src/index.js";
import { humanToken } from "../support/harness.js";
import { lockstepEnv, startLockstepServer, type LockstepServer } from "./fixtures.js";
import { CLI_BIN, cli, run, SDK_PY, start, waitFor } from "./processes.js";

/**
 * The "done when": register, approve, claim link, device link and digest, through every
 * surface, against one running server. Each device link waits one real polling interval (5 s).
 */
describe("one scenario through every surface", { timeout: 180_000 }, () => {
  let server: LockstepServer;
  beforeAll(async () => {
    server = await startLockstepServer();
  });
  afterAll(() => server?.close());

  // The human's side of the device flow, as the dashboard does it.
  const confirmDevice = async (userCode: string, who: string) => {
    const res = await server.request("/auth/device/confirm", {
      token: await humanToken(`${who}@scenario.test`),
      body: { user_code: userCode },
    });
    expect(res.status).toBe(200);
  };

  it("TypeScript SDK", async () => {
    const anonymous = new BrainstormRouter({ baseURL: server.url });
    const reg = await anonymous.register({ tenant_name: "TS scenario", admin_email: "ts@scenario.test", accept_tos: true });
    expect(reg.tenant.status).toBe("pending");
    const admin = anonymous.withOptions({ apiKey: server.adminKey });
    expect((await admin.admin.approveTenant(reg.tenant.id)).tenant.status).toBe("active");
    const agent = anonymous.withOptions({ apiKey: reg.api_key.key });
    expect((await agent.identityBridge.generateClaimLink({ role: "admin" })).url).toContain("/dashboard/?claim=");
    const auth = await agent.identityBridge.authorizeDevice();
    await confirmDevice(auth.user_code, "ts-human");
    expect((await agent.identityBridge.waitForDeviceLink(auth)).tenant.id).toBe(reg.tenant.id);
    expect((await admin.admin.digest()).highlights.length).toBeGreaterThan(0);
  });

  it("Python SDK, sync and async", async () => {
    const result = await run("python3", ["-m", "unittest", "tests.test_scenario", "-v"], {
      cwd: SDK_PY,
      env: { ...lockstepEnv(server), PYTHONDONTWRITEBYTECODE: "1" },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Ran 2 tests/);
    expect(result.stderr).not.toMatch(/skipped/);
  });

  it("MCP client over Streamable HTTP", async () => {
    const connect = async (key: string) => {
      const client = new Client({ name: "scenario", version: "0.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${server.url}/v1/mcp/connect`), {
          requestInit: { headers: { authorization: `Bearer ${key}` } },
        }),
      );
      return client;
    };
    const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      return result.structuredContent as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    // Registration needs no credential, so it is not an MCP tool: the agent posts it once.
    const reg = await server.request("/v1/register", {
      body: { tenant_name: "MCP scenario", admin_email: "mcp@scenario.test", accept_tos: true },
    });
    expect(reg.status).toBe(202);
    const admin = await connect(server.adminKey);
    expect((await call(admin, "br_approve_tenant", { id: reg.body.tenant.id })).tenant.status).toBe("active");
    // Connected once approved: a pending tenant's key is refused at the MCP endpoint too.
    const agent = await connect(reg.body.api_key.key);
    try {
      expect((await call(agent, "br_generate_claim_link", { role: "member" })).url).toContain("/dashboard/?claim=");
      const device = await call(agent, "br_start_device_link");
      await confirmDevice(device.user_code, "mcp-human");
      await new Promise((r) => setTimeout(r, device.interval * 1000));
      expect(await call(agent, "br_poll_device_link", { device_code: device.device_code })).toMatchObject({ status: "linked" });
      expect((await call(admin, "br_get_business_digest")).highlights.length).toBeGreaterThan(0);
    } finally {
      await admin.close();
      await agent.close();
    }
  });

  it("CLI", async () => {
    const env = { BRAINSTORMROUTER_BASE_URL: server.url, BRAINSTORMROUTER_API_KEY: "" };
    const registered = await cli(["register", "--name", "CLI scenario", "--email", "cli@scenario.test", "--json"], env);
    expect(registered.code, registered.stderr).toBe(0);
    const reg = JSON.parse(registered.stdout);
    const admin = { ...env, BRAINSTORMROUTER_API_KEY: server.adminKey };
    const approved = await cli(["admin", "approve", reg.tenant.id, "--json"], admin);
    expect(JSON.parse(approved.stdout).tenant.status).toBe("active");
    const agent = { ...env, BRAINSTORMROUTER_API_KEY: reg.api_key.key };
    const link = await cli(["claim-link", "--role", "member"], agent);
    expect(link.stdout).toMatch(/^http:\/\/br\.test\/dashboard\/\?claim=brct_/);
    const linking = start(process.execPath, [CLI_BIN, "link"], { env: agent });
    await waitFor(linking, (o) => /enter [A-Z]{4}-[A-Z]{4}/.test(o.stderr));
    await confirmDevice(/enter ([A-Z]{4}-[A-Z]{4})/.exec(linking.output.stderr)![1]!, "cli-human");
    const linked = await linking.done;
    expect(linked.stdout).toContain(`(${reg.tenant.slug}, ${reg.tenant.id})`);
    const digest = await cli(["admin", "digest"], admin);
    expect(digest.stdout).toMatch(/^• /);
  });
});
