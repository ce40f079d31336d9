import { randomBytes } from "node:crypto";
import type { Deps } from "../deps.js";

const NOTE = "development quickstart";
const USES = 25;

/**
 * On the embedded default only (development sign-in, never production), keeps one invite code so
 * that the README's first `curl …/v1/register` returns a key that works at once instead of a
 * tenant parked behind the beta gate. Returns the code to print.
 */
export async function ensureQuickstartInvite(deps: Pick<Deps, "db" | "config">): Promise<string | null> {
  if (deps.config.authMode !== "development" || !deps.config.betaGate) return null;
  return deps.db.asPlatform(async (tx) => {
    const existing = await tx
      .selectFrom("invite_codes")
      .select("code")
      .where("note", "=", NOTE)
      .where("deleted_at", "is", null)
      .whereRef("used_count", "<", "max_uses")
      .executeTakeFirst();
    if (existing) return existing.code;
    const code = `dev-${randomBytes(4).toString("hex")}`;
    await tx.insertInto("invite_codes").values({ code, max_uses: USES, note: NOTE, created_by: "quickstart" }).execute();
    return code;
  });
}
