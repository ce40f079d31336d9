import { sql } from "kysely";
import type { Tx } from "./db.js";
import { afterCursor, cursorColumn, type Page } from "./pagination.js";

/**
 * Spends one use of an invite code, or nothing. One conditional UPDATE: concurrent registrations
 * queue on the row lock and re-check the condition, so uses never exceed max_uses.
 */
export async function consumeInviteCode(tx: Tx, code: string): Promise<string | undefined> {
  const row = await tx
    .updateTable("invite_codes")
    .set((eb) => ({ used_count: eb("used_count", "+", 1) }))
    .where(sql<boolean>`lower(code) = lower(${code})`)
    .where("deleted_at", "is", null)
    .where((eb) => eb.or([eb("max_uses", "is", null), eb("used_count", "<", eb.ref("max_uses"))]))
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]))
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

/** Why a code could not be spent, for a precise error. */
export async function inviteCodeState(tx: Tx, code: string): Promise<"unknown" | "expired" | "used_up"> {
  const row = await tx
    .selectFrom("invite_codes")
    .select(["max_uses", "used_count", "expires_at", "deleted_at"])
    .where(sql<boolean>`lower(code) = lower(${code})`)
    .executeTakeFirst();
  if (!row || row.deleted_at) return "unknown";
  if (row.expires_at && row.expires_at.getTime() <= Date.now()) return "expired";
  return "used_up";
}

const INVITE_VIEW = ["id", "code", "max_uses", "used_count", "expires_at", "note", "created_by", "created_at", "deleted_at"] as const;

export function insertInviteCode(
  tx: Tx,
  invite: { code: string; maxUses: number | null; expiresAt: Date | null; note: string | null; createdBy: string | null },
) {
  return tx
    .insertInto("invite_codes")
    .values({
      code: invite.code,
      max_uses: invite.maxUses,
      expires_at: invite.expiresAt,
      note: invite.note,
      created_by: invite.createdBy,
    })
    .returning(INVITE_VIEW)
    .executeTakeFirstOrThrow();
}

/** Deleted codes still hold their name: the unique index covers them, so a code is never reissued. */
export async function inviteCodeTaken(tx: Tx, code: string): Promise<boolean> {
  const row = await tx.selectFrom("invite_codes").select("id").where(sql<boolean>`lower(code) = lower(${code})`).executeTakeFirst();
  return row !== undefined;
}

export function listInviteCodes(tx: Tx, page: Page & { includeDeleted: boolean }) {
  let q = tx
    .selectFrom("invite_codes as i")
    .select(INVITE_VIEW)
    .select(cursorColumn("i").as("cursor_at"))
    .where(afterCursor("i", page.cursor))
    .orderBy("created_at")
    .orderBy("id")
    .limit(page.limit + 1);
  if (!page.includeDeleted) q = q.where("deleted_at", "is", null);
  return q.execute();
}

export function findInviteCode(tx: Tx, id: string) {
  return tx.selectFrom("invite_codes").select(INVITE_VIEW).where("id", "=", id).executeTakeFirst();
}

/** Soft delete: the row stays for the digest's redemption counts and the code's history. */
export function revokeInviteCode(tx: Tx, id: string) {
  return tx
    .updateTable("invite_codes")
    .set({ deleted_at: sql<Date>`now()` })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .returning(INVITE_VIEW)
    .executeTakeFirst();
}
