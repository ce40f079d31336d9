import { AppError } from "../errors/index.js";
import { actsForOwner } from "../store/api-keys.js";
import type { Tx } from "../store/db.js";
import type { Actor } from "./actor.js";

/**
 * Who may hand out the owner role (owner claim links, the browser link, owner device links) or a
 * credential that acts for the owner (DESIGN.md §10: a credential never grants more than it
 * holds): a signed-in owner, or the tenant's registration key while the tenant has no owner — the
 * agent that registered it acts for the human who will claim it. Any other admin-role key is an
 * admin: it may hand out admin and member roles only. Asked inside the minting transaction; a
 * management call, never the hot path, so the query is affordable.
 */
export async function holdsOwnerPower(tx: Tx, actor: Actor): Promise<boolean> {
  if (actor.via === "jwt") return actor.membershipRole === "owner";
  return actor.keyId !== undefined && actor.role === "admin" && (await actsForOwner(tx, actor.keyId));
}

export async function assertOwnerPower(tx: Tx, actor: Actor, what: string): Promise<void> {
  if (await holdsOwnerPower(tx, actor)) return;
  const message =
    actor.via === "jwt"
      ? `Only the tenant's owners ${what}.`
      : `Only the tenant's owners, or its registration key until the tenant is claimed, ${what}.`;
  throw new AppError("owner_required", { message });
}
