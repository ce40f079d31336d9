import type { Tx } from "./db.js";
import type { UserRole } from "./schema.js";

export function insertUser(
  tx: Tx,
  user: { tenantId: string; kind: "machine" | "human"; role: UserRole; externalId?: string | null; email?: string | null },
) {
  return tx
    .insertInto("users")
    .values({
      tenant_id: user.tenantId,
      kind: user.kind,
      role: user.role,
      external_id: user.externalId ?? null,
      email: user.email ?? null,
    })
    .returning(["id"])
    .executeTakeFirstOrThrow();
}

export function updateUserRole(tx: Tx, id: string, role: UserRole) {
  return tx.updateTable("users").set({ role }).where("id", "=", id).execute();
}

/** Removes a per-tenant actor; its membership goes with it (ON DELETE CASCADE). */
export function deleteUser(tx: Tx, id: string) {
  return tx.deleteFrom("users").where("id", "=", id).execute();
}

/** Whether a human has already claimed the current tenant (verified-email claims need none). */
export async function hasHumanUser(tx: Tx): Promise<boolean> {
  const row = await tx.selectFrom("users").select("id").where("kind", "=", "human").limit(1).executeTakeFirst();
  return row !== undefined;
}
