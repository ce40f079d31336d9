import { sql } from "kysely";
import type { Tx } from "./db.js";
import { afterCursor, cursorColumn, type Page } from "./pagination.js";
import type { PlatformRole, TenantStatus, UserRole } from "./schema.js";

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
    rateLimitRpm?: number | null;
    expiresAt?: Date | null;
    platformRole?: PlatformRole | null;
    createdByKeyId?: string | null;
  },
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
      expires_at: key.expiresAt ?? null,
      platform_role: key.platformRole ?? null,
      created_by_key_id: key.createdByKeyId ?? null,
    })
    .returning(["id", "name", "prefix", "role", "rate_limit_rpm", "created_at", "expires_at", "platform_role"])
    .executeTakeFirstOrThrow();
}

/** The key with its tenant, found by either secret's hash across tenants (SECURITY DEFINER look-up). */
export async function lookupApiKey(tx: Tx, keyHash: string): Promise<KeyLookupRow | undefined> {
  const { rows } = await sql<KeyLookupRow>`SELECT * FROM lookup_api_key(${keyHash})`.execute(tx);
  return rows[0];
}

export function touchLastUsed(tx: Tx, keyIds: string[], at: Date) {
  return tx.updateTable("api_keys").set({ last_used_at: at }).where("id", "in", keyIds).execute();
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
] as const;

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

export function updateApiKey(tx: Tx, id: string, changes: { name?: string | undefined; expiresAt?: Date | null | undefined }) {
  return tx
    .updateTable("api_keys")
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.expiresAt !== undefined ? { expires_at: changes.expiresAt } : {}),
    })
    .where("id", "=", id)
    .returning(KEY_VIEW)
    .executeTakeFirstOrThrow();
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
