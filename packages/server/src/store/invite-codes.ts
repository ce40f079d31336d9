import { sql } from "kysely";
import type { Tx } from "./db.js";
import { afterCursor, cursorColumn, type Page } from "./pagination.js";

export type InviteSpend = "spent" | "unknown" | "expired" | "used_up";

/**
 * Spends one use of an invite code in the signup's transaction, or says why it cannot. Through
 * spend_invite_code (SECURITY DEFINER, migration 0005): the signup runs as br_app, which may not
 * read invite codes. Its conditional UPDATE queues concurrent signups on the row lock, so uses
 * never exceed max_uses; a rolled-back signup gives the use back.
 */
export async function consumeInviteCode(tx: Tx, code: string): Promise<InviteSpend> {
  const { rows } = await sql<{ outcome: InviteSpend }>`SELECT spend_invite_code(${code}) AS outcome`.execute(tx);
  return rows[0]!.outcome;
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
