import { sql } from "kysely";
import type { Tx } from "./db.js";
import { afterCursor, cursorColumn, type Page } from "./pagination.js";
import type { ClaimTokensTable, MembershipRole } from "./schema.js";

export interface NewClaimToken {
  tenantId: string;
  tokenHash: string;
  role: MembershipRole;
  maxUses: number;
  expiresAt: Date;
  kind: ClaimTokensTable["kind"];
  createdBy: string | null;
}

const CLAIM_TOKEN_ROW = ["id", "role", "max_uses", "used_count", "expires_at", "kind", "created_at"] as const;

function insertValues(token: NewClaimToken) {
  return {
    tenant_id: token.tenantId,
    token_hash: token.tokenHash,
    role: token.role,
    max_uses: token.maxUses,
    expires_at: token.expiresAt,
    kind: token.kind,
    created_by: token.createdBy,
  };
}

export function insertClaimToken(tx: Tx, token: NewClaimToken) {
  return tx.insertInto("claim_tokens").values(insertValues(token)).returning(CLAIM_TOKEN_ROW).executeTakeFirstOrThrow();
}

/** The token of this hash, inserting it unless it exists: the same derived token is stored once. */
export async function ensureClaimToken(tx: Tx, token: NewClaimToken) {
  await tx
    .insertInto("claim_tokens")
    .values(insertValues(token))
    .onConflict((oc) => oc.column("token_hash").doNothing())
    .execute();
  return tx.selectFrom("claim_tokens").select(CLAIM_TOKEN_ROW).where("token_hash", "=", token.tokenHash).executeTakeFirstOrThrow();
}

/** A claim token's id and tenant, found by hash across tenants (SECURITY DEFINER look-up). */
export async function lookupClaimToken(tx: Tx, tokenHash: string) {
  const { rows } = await sql<{ token_id: string; tenant_id: string }>`SELECT * FROM lookup_claim_token(${tokenHash})`.execute(tx);
  return rows[0];
}

/**
 * Spends one use, or nothing. One conditional UPDATE: concurrent claims queue on the row lock and
 * re-check the condition after the winner commits, so used_count never passes max_uses.
 */
export function redeemClaimToken(tx: Tx, id: string) {
  return tx
    .updateTable("claim_tokens")
    .set((eb) => ({ used_count: eb("used_count", "+", 1) }))
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .whereRef("used_count", "<", "max_uses")
    .returning(["id", "role", "kind"])
    .executeTakeFirst();
}

const CLAIM_TOKEN_VIEW = [
  "c.id",
  "c.role",
  "c.kind",
  "c.max_uses",
  "c.used_count",
  "c.expires_at",
  "c.revoked_at",
  "c.created_at",
  "c.created_by",
] as const;

/** Claim tokens with the email of the actor who minted each (null for agents and the system). */
function claimTokenView(tx: Tx) {
  return tx
    .selectFrom("claim_tokens as c")
    .leftJoin("users as u", (join) => join.on(sql<boolean>`u.id::text = c.created_by`))
    .select(CLAIM_TOKEN_VIEW)
    .select("u.email as created_by_email");
}

export function findClaimToken(tx: Tx, id: string) {
  return claimTokenView(tx).where("c.id", "=", id).executeTakeFirst();
}

export function listClaimTokens(tx: Tx, page: Page) {
  return claimTokenView(tx)
    .select(cursorColumn("c").as("cursor_at"))
    .where(afterCursor("c", page.cursor))
    .orderBy("c.created_at")
    .orderBy("c.id")
    .limit(page.limit + 1)
    .execute();
}

/** Revokes a token of the current tenant; returns it (already revoked ones unchanged), or undefined. */
export async function revokeClaimToken(tx: Tx, id: string) {
  await tx.updateTable("claim_tokens").set({ revoked_at: sql<Date>`now()` }).where("id", "=", id).where("revoked_at", "is", null).execute();
  return findClaimToken(tx, id);
}

/** Revokes every still-usable link a per-tenant actor minted; returns how many. */
export async function revokeClaimTokensCreatedBy(tx: Tx, userId: string): Promise<number> {
  const rows = await tx
    .updateTable("claim_tokens")
    .set({ revoked_at: sql<Date>`now()` })
    .where("created_by", "=", userId)
    .where("revoked_at", "is", null)
    .where((eb) => eb("used_count", "<", eb.ref("max_uses")))
    .where("expires_at", ">", sql<Date>`now()`)
    .returning("id")
    .execute();
  return rows.length;
}
