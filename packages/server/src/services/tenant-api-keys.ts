import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import { listApiKeys, revokeApiKey } from "../store/api-keys.js";
import { pageOf, type Page } from "../store/pagination.js";
import type { PlatformRole, UserRole } from "../store/schema.js";
import { audit } from "./audit.js";
import type { Actor } from "./actor.js";
import { issueApiKey } from "./credentials.js";

type KeyDeps = Pick<Deps, "db" | "keyCache">;
type KeyRow = NonNullable<Awaited<ReturnType<typeof revokeApiKey>>>;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreateKeyInput {
  name: string;
  role: UserRole;
  expires_in_days?: number | undefined;
  platform_admin?: boolean | undefined;
  platform_proposer?: boolean | undefined;
}

/**
 * Platform power never flows into a key implicitly: it is asked for, and only by an identity that
 * holds it (an admin may mint either, a proposer only a proposer key). DESIGN.md §8.
 */
function platformRoleFor(actor: Actor, input: CreateKeyInput): PlatformRole | null {
  if (input.platform_admin && input.platform_proposer) {
    throw new AppError("invalid_value", { message: "A key is a platform admin or a proposer, not both." });
  }
  if (input.platform_admin) {
    if (!actor.isPlatformAdmin) throw new AppError("not_platform_admin", { message: "Only platform admins mint platform-admin keys." });
    return "admin";
  }
  if (input.platform_proposer) {
    if (!actor.isPlatformAdmin && !actor.isPlatformProposer) {
      throw new AppError("not_platform_admin", { message: "Only platform admins and proposers mint proposer keys." });
    }
    return "proposer";
  }
  return null;
}

/**
 * Owners and admins manage keys; members only see them. An admin-role key may mint owner links
 * (POST /v1/auth/link), so only owners create one — otherwise an admin could make themselves owner.
 */
function assertManagesKeys(actor: Actor, role?: UserRole) {
  if (actor.membershipRole !== "owner" && actor.membershipRole !== "admin") {
    throw new AppError("admin_required", { message: "Only the tenant's owners and admins manage API keys." });
  }
  if (role === "admin" && actor.membershipRole !== "owner") {
    throw new AppError("owner_required", { message: "Only the tenant's owners create admin-role API keys." });
  }
}

export async function listTenantApiKeys(deps: KeyDeps, actor: Actor, page: Page) {
  const rows = await deps.db.asTenant(actor.tenantId, (tx) => listApiKeys(tx, page));
  const { data, next_cursor } = pageOf(rows, page.limit);
  return { data: data.map(keyView), next_cursor };
}

/** Creates a key for the acting human; the response is the only time the key is shown. */
export async function createTenantApiKey(deps: KeyDeps, actor: Actor, input: CreateKeyInput) {
  assertManagesKeys(actor, input.role);
  const platformRole = platformRoleFor(actor, input);
  const row = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const created = await issueApiKey(tx, {
      tenantId: actor.tenantId,
      userId: actor.userId,
      name: input.name,
      role: input.role,
      expiresAt: input.expires_in_days ? new Date(Date.now() + input.expires_in_days * DAY_MS) : null,
      platformRole,
    });
    await audit(tx, actor, {
      tenantId: actor.tenantId,
      action: "api_key.created",
      target: { type: "api_key", id: created.id },
      changes: platformRole ? { platform_role: [null, platformRole] } : undefined,
    });
    return created;
  });
  return {
    ...keyView({ ...row, last_used_at: null, revoked_at: null, user_id: actor.userId }),
    key: row.key,
  };
}

/** Revokes a key; it stops working at once on every instance (key-cache invalidation). */
export async function revokeTenantApiKey(deps: KeyDeps, actor: Actor, id: string) {
  assertManagesKeys(actor);
  const row = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const revoked = await revokeApiKey(tx, id);
    if (revoked) await audit(tx, actor, { tenantId: actor.tenantId, action: "api_key.revoked", target: { type: "api_key", id } });
    return revoked;
  });
  if (!row) throw new AppError("api_key_not_found");
  await deps.keyCache.invalidate({ keyIds: [id] });
  return keyView(row);
}

function keyView(k: KeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    user_id: k.user_id,
    created_at: k.created_at.toISOString(),
    last_used_at: k.last_used_at?.toISOString() ?? null,
    expires_at: k.expires_at?.toISOString() ?? null,
    revoked_at: k.revoked_at?.toISOString() ?? null,
    platform_role: k.platform_role,
  };
}
