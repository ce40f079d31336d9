import { sql } from "kysely";
import type { Database, Tx } from "./db.js";
import { afterCursor, cursorColumn, type Page } from "./pagination.js";
import type { BudgetPeriod, PlatformRole, TenantStatus, UserRole } from "./schema.js";

export interface KeyLookupRow {
  key_id: string;
  key_hash: string;
  key_prefix: string;
  key_name: string;
  tenant_id: string;
  user_id: string | null;
  role: UserRole;
  rate_limit_rpm: number | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  platform_role: PlatformRole | null;
  tenant_slug: string;
  tenant_name: string;
  tenant_status: TenantStatus;
  external_id: string | null;
  /** When the secret that matched stops working: a rotated-out secret's grace end; null for the current one. */
  secret_expires_at: Date | null;
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
  allowed_models: string[] | null;
  tenant_rate_limit_rpm: number | null;
  tenant_budget_usd: number | null;
  tenant_budget_period: BudgetPeriod | null;
  tenant_allowed_models: string[] | null;
}

const KEY_VIEW = [
  "id",
  "name",
  "prefix",
  "role",
  "created_at",
  "last_used_at",
  "expires_at",
  "revoked_at",
  "user_id",
  "platform_role",
  "rotated_at",
  "previous_expires_at",
  "created_by_key_id",
  "rate_limit_rpm",
  "budget_usd",
  "budget_period",
  "allowed_models",
] as const;

/** A key's limits (migrations/0009); undefined leaves a field as it is (update) or unset (insert). */
export interface KeyPolicyColumns {
  rateLimitRpm?: number | null;
  budgetUsd?: number | null;
  budgetPeriod?: BudgetPeriod | null;
  allowedModels?: string[] | null;
}

export function insertApiKey(
  tx: Tx,
  key: {
    tenantId: string;
    userId: string | null;
    name: string;
    prefix: string;
    keyHash: string;
    role: UserRole;
    expiresAt?: Date | null;
    platformRole?: PlatformRole | null;
    createdByKeyId?: string | null;
  } & KeyPolicyColumns,
) {
  return tx
    .insertInto("api_keys")
    .values({
      tenant_id: key.tenantId,
      user_id: key.userId,
      name: key.name,
      prefix: key.prefix,
      key_hash: key.keyHash,
      role: key.role,
      rate_limit_rpm: key.rateLimitRpm ?? null,
      budget_usd: key.budgetUsd ?? null,
      budget_period: key.budgetPeriod ?? null,
      allowed_models: key.allowedModels ?? null,
      expires_at: key.expiresAt ?? null,
      platform_role: key.platformRole ?? null,
      created_by_key_id: key.createdByKeyId ?? null,
    })
    .returning(KEY_VIEW)
    .executeTakeFirstOrThrow();
}

/**
 * The key with its tenant, found by either secret's hash across tenants (SECURITY DEFINER
 * look-up), in one round trip. The hash is inlined: it is checked to be a SHA-256 hex digest.
 */
export async function lookupApiKey(db: Database, keyHash: string): Promise<KeyLookupRow | undefined> {
  if (!/^[0-9a-f]{64}$/.test(keyHash)) throw new TypeError("lookupApiKey takes a SHA-256 hex digest");
  const rows = await db.asAppInOneTrip(`SELECT * FROM lookup_api_key('${keyHash}')`);
  return rows[0] as KeyLookupRow | undefined;
}

export function touchLastUsed(tx: Tx, keyIds: string[], at: Date) {
  return tx.updateTable("api_keys").set({ last_used_at: at }).where("id", "in", keyIds).execute();
}

export function listApiKeys(tx: Tx, page: Page) {
  return tx
    .selectFrom("api_keys as k")
    .select(KEY_VIEW)
    .select(cursorColumn("k").as("cursor_at"))
    .where(afterCursor("k", page.cursor))
    .orderBy("created_at")
    .orderBy("id")
    .limit(page.limit + 1)
    .execute();
}

/** Revokes a key of the current tenant; returns it (already revoked ones unchanged), or undefined. */
export async function revokeApiKey(tx: Tx, id: string) {
  await tx.updateTable("api_keys").set({ revoked_at: sql<Date>`now()` }).where("id", "=", id).where("revoked_at", "is", null).execute();
  return tx.selectFrom("api_keys").select(KEY_VIEW).where("id", "=", id).executeTakeFirst();
}

/** Revokes every live key (of `role`, if given) a per-tenant actor made; returns their ids for cache invalidation. */
export async function revokeKeysOfUser(tx: Tx, userId: string, role?: UserRole): Promise<string[]> {
  const rows = await tx
    .updateTable("api_keys")
    .set({ revoked_at: sql<Date>`now()` })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .$if(role !== undefined, (q) => q.where("role", "=", role!))
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** A key of the current tenant, locked for a change (rotation, update). */
export function lockApiKey(tx: Tx, id: string) {
  return tx.selectFrom("api_keys").select(KEY_VIEW).where("id", "=", id).forUpdate().executeTakeFirst();
}

/**
 * Swaps the key's secret: the current one becomes the previous, live until `previousExpiresAt`;
 * a previous one still in its grace is dropped (at most two secrets per key).
 */
export function rotateApiKeySecret(tx: Tx, id: string, next: { prefix: string; keyHash: string; at: Date; previousExpiresAt: Date }) {
  return tx
    .updateTable("api_keys")
    .set((eb) => ({
      previous_key_hash: eb.ref("key_hash"),
      previous_expires_at: next.previousExpiresAt,
      key_hash: next.keyHash,
      prefix: next.prefix,
      rotated_at: next.at,
    }))
    .where("id", "=", id)
    .returning(KEY_VIEW)
    .executeTakeFirstOrThrow();
}

export function updateApiKey(
  tx: Tx,
  id: string,
  changes: { name?: string | undefined; expiresAt?: Date | null | undefined } & KeyPolicyColumns,
) {
  const set = {
    name: changes.name,
    expires_at: changes.expiresAt,
    rate_limit_rpm: changes.rateLimitRpm,
    budget_usd: changes.budgetUsd,
    budget_period: changes.budgetPeriod,
    allowed_models: changes.allowedModels,
  };
  return tx
    .updateTable("api_keys")
    .set(Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)))
    .where("id", "=", id)
    .returning(KEY_VIEW)
    .executeTakeFirstOrThrow();
}

/** Emails of the human users among `userIds` (machine users have none), for key views. */
export async function userEmails(tx: Tx, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx.selectFrom("users").select(["id", "email"]).where("id", "in", userIds).where("email", "is not", null).execute();
  return new Map(rows.map((r) => [r.id, r.email!]));
}

/**
 * True when `keyId` is the tenant's registration key (admin role, of the machine user, made by no
 * other key) and the tenant has no owner yet: until someone claims it, that key acts for the owner.
 */
export async function actsForOwner(tx: Tx, keyId: string): Promise<boolean> {
  const row = await tx
    .selectFrom("api_keys as k")
    .innerJoin("users as u", "u.id", "k.user_id")
    .select("k.id")
    .where("k.id", "=", keyId)
    .where("k.role", "=", "admin")
    .where("u.kind", "=", "machine")
    .where("k.created_by_key_id", "is", null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("tenant_memberships as m").select("m.id").whereRef("m.tenant_id", "=", "k.tenant_id").where("m.role", "=", "owner"),
        ),
      ),
    )
    .executeTakeFirst();
  return row !== undefined;
}
