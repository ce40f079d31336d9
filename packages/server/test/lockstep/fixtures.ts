import { humanToken, JWT_SECRET, startTestServer, type ServerOptions, type TestServer } from "../support/harness.js";

/** The human the lockstep servers treat as platform admin (BRAINSTORMROUTER_PLATFORM_ADMIN_IDS). */
export const PLATFORM_ADMIN_EMAIL = "ops@platform.test";
export const PLATFORM_ADMIN_SUBJECT = `user|${PLATFORM_ADMIN_EMAIL}`;

export interface LockstepServer extends TestServer {
  /** API key of the platform admin's own (active) tenant; its user is the admin's actor row. */
  adminKey: string;
  /** OIDC access token of the platform admin. */
  adminToken: string;
  adminTenantId: string;
}

/** A test server with one platform admin who holds both an access token and an API key. */
export async function startLockstepServer(options: ServerOptions = {}): Promise<LockstepServer> {
  const server = await startTestServer({
    ...options,
    env: { BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: PLATFORM_ADMIN_SUBJECT, ...options.env },
  });
  try {
    const adminToken = await humanToken(PLATFORM_ADMIN_EMAIL);
    const provisioned = await server.request("/auth/provision", { token: adminToken, body: { tenant_name: "Platform ops" } });
    if (provisioned.status !== 201) throw new Error(`provision failed: ${provisioned.status} ${JSON.stringify(provisioned.body)}`);
    const tenantId: string = provisioned.body.tenant.id;
    // The admin's own key, minted with platform power: a listed human's key does not inherit it.
    const created = await server.request("/auth/api-keys", {
      token: adminToken,
      headers: { "x-br-tenant-id": tenantId },
      body: { name: "platform ops", role: "admin", platform_admin: true },
    });
    if (created.status !== 201) throw new Error(`api key failed: ${created.status} ${JSON.stringify(created.body)}`);
    const adminKey: string = created.body.key;
    return Object.assign(server, { adminKey, adminToken, adminTenantId: tenantId });
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** What a test in another process (Python, the CLI) needs to drive a lockstep server. */
export function lockstepEnv(server: LockstepServer): Record<string, string> {
  return {
    BR_TEST_BASE_URL: server.url,
    BR_TEST_ADMIN_KEY: server.adminKey,
    BR_TEST_ADMIN_TOKEN: server.adminToken,
    // Lets the other process sign its own humans' access tokens (HS256, subject user|<email>).
    BR_TEST_JWT_SECRET: JWT_SECRET,
  };
}
