import { afterAll, beforeAll } from "vitest";
import { claim, human, joinAs } from "../identity-bridge/helpers.js";
import { humanToken, registerTenant, setTenantStatus, startTestServer, type TestServer } from "../support/harness.js";
import type { CallerTenant, RefusedStatus, SecurityTenant, SecurityWorld } from "../support/route-security.js";
import { HAS_REDIS, type EngineName } from "../support/services.js";

const FOUNDER_SUBJECT = "user|founder@security.test";

/**
 * Starts one server for the describe and builds the tenants and credentials the suite acts with.
 * On PostgreSQL it runs with Redis too when REDIS_URL is set: the production shape, where
 * revocations and suspensions reach the key cache through pub/sub.
 */
export function useSecurityWorld(engine: EngineName): () => SecurityWorld {
  let world: SecurityWorld | undefined;
  beforeAll(async () => {
    const server = await startTestServer({
      engine,
      redis: engine === "postgres" && HAS_REDIS,
      env: {
        BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: FOUNDER_SUBJECT,
        // The suite sends many requests from one address; the limits are tested elsewhere.
        BR_PROVISION_RATE_PER_MIN: "100000",
        BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY: "100000",
        BR_DEVICE_CONFIRM_FAILURES_PER_ADDRESS: "100000",
      },
    });
    world = await buildWorld(server);
  });
  afterAll(() => world?.server.close());
  return () => {
    if (!world) throw new Error("the security world is built in beforeAll");
    return world;
  };
}

async function buildWorld(server: TestServer): Promise<SecurityWorld> {
  const claimLink: SecurityWorld["claimLink"] = async (tenant, role = "member") => {
    const res = await server.request("/v1/tenant/claim-link", { token: tenant.adminKey, body: { role } });
    if (res.status !== 201) throw new Error(`claim link: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, token: res.body.token };
  };
  const device: SecurityWorld["device"] = async (tenant) => {
    const res = await server.request("/v1/auth/device/authorize", { token: tenant.adminKey, method: "POST" });
    if (res.status !== 200) throw new Error(`device authorize: ${res.status} ${JSON.stringify(res.body)}`);
    return { deviceCode: res.body.device_code, userCode: res.body.user_code };
  };
  const ownedTenant = () => newTenant(server);
  const tenantIn: SecurityWorld["tenantIn"] = async (status, before) => {
    const t = await ownedTenant();
    const prepared = (await before?.(t)) as Awaited<ReturnType<NonNullable<typeof before>>>;
    await setTenantStatus(server, t.id, status);
    return { ...t, prepared };
  };

  const a = await callerTenant(server);
  const bBase = await ownedTenant();
  const [bLink, bDevice] = [await claimLink(bBase), await device(bBase)];
  const b = {
    ...bBase,
    claimLinkId: bLink.id,
    deviceCode: bDevice.deviceCode,
    marks: [bBase.id, bBase.slug, bBase.adminKeyId, bBase.machineUserId, bBase.owner.subject, bBase.ownerMembershipId, bLink.id],
  };
  const inStatus = {} as Record<RefusedStatus, SecurityTenant>;
  for (const status of ["pending", "rejected", "suspended"] as const) inStatus[status] = await tenantIn(status);

  // Platform admins by user id (DESIGN.md §6): the machine users of two tenants of their own.
  const admins = server.deps.config.platformAdminIds as Set<string>;
  const keyTenant = await newTenant(server, { claimed: false });
  const revokedTenant = await newTenant(server, { claimed: false });
  admins.add(keyTenant.machineUserId);
  admins.add(revokedTenant.machineUserId);
  await setKey(server, revokedTenant.adminKeyId, { revoked_at: new Date() });

  return {
    server,
    a,
    b,
    inStatus,
    platform: {
      subject: FOUNDER_SUBJECT,
      jwt: await humanToken("founder@security.test"),
      key: keyTenant.adminKey,
      revokedKey: revokedTenant.adminKey,
    },
    stranger: await human("stranger"),
    human,
    tenantIn,
    claimLink,
    device,
  };
}

/** An active tenant; with `claimed` (the default) its registration claim was redeemed by a fresh owner. */
async function newTenant(server: TestServer, options: { claimed?: boolean } = {}): Promise<SecurityTenant> {
  const reg = await registerTenant(server, { active: true });
  const machineUserId = await server.deps.db.asPlatform(
    async (tx) => (await tx.selectFrom("api_keys").select("user_id").where("id", "=", reg.keyId).executeTakeFirstOrThrow()).user_id!,
  );
  const owner = await human("owner");
  let ownerMembershipId = "";
  if (options.claimed !== false) {
    const res = await claim(server, owner, { token: reg.claimToken });
    if (res.status !== 201) throw new Error(`claim: ${res.status} ${JSON.stringify(res.body)}`);
    ownerMembershipId = res.body.membership.id;
  }
  return { id: reg.tenantId, slug: reg.slug, adminKey: reg.key, adminKeyId: reg.keyId, machineUserId, owner, ownerMembershipId };
}

/** Tenant A: owner, admin and member humans, and a developer, a revoked and an expired key. */
async function callerTenant(server: TestServer): Promise<CallerTenant> {
  const t = await newTenant(server);
  const reg = { tenantId: t.id, key: t.adminKey } as Parameters<typeof joinAs>[1];
  const admin = await human("admin");
  const member = await human("member");
  await joinAs(server, reg, admin, "admin");
  await joinAs(server, reg, member, "member");
  const createKey = async (name: string) => {
    const res = await server.request("/auth/api-keys", {
      token: t.owner.jwt,
      headers: { "x-br-tenant-id": t.id },
      body: { name, role: "developer" },
    });
    if (res.status !== 201) throw new Error(`create key: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; key: string };
  };
  const developer = await createKey("developer");
  const revoked = await createKey("revoked");
  const expired = await createKey("expired");
  await setKey(server, revoked.id, { revoked_at: new Date() });
  await setKey(server, expired.id, { expires_at: new Date(Date.now() - 60_000) });
  await server.deps.keyCache.invalidateTenant(t.id);
  return { ...t, admin, member, developerKey: developer.key, revokedKey: revoked.key, expiredKey: expired.key };
}

function setKey(server: TestServer, id: string, values: { revoked_at?: Date; expires_at?: Date }) {
  return server.deps.db.asPlatform((tx) => tx.updateTable("api_keys").set(values).where("id", "=", id).execute());
}
