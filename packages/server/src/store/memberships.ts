import { sql } from "kysely";
import type { Tx } from "./db.js";
import { afterCursor, cursorColumn, type Page } from "./pagination.js";
import { TENANT_SUMMARY } from "./tenants.js";
import type { MembershipRole, TenantStatus } from "./schema.js";

export interface MembershipRow {
  tenant_id: string;
  tenant_slug: string;
  tenant_name: string;
  tenant_status: TenantStatus;
  role: MembershipRole;
  user_id: string;
  created_at: Date;
}

export interface ClaimableRow {
  tenant_id: string;
  tenant_slug: string;
  tenant_name: string;
  tenant_status: TenantStatus;
}

export function insertMembership(tx: Tx, m: { externalId: string; tenantId: string; userId: string; role: MembershipRole }) {
  return tx
    .insertInto("tenant_memberships")
    .values({ external_id: m.externalId, tenant_id: m.tenantId, user_id: m.userId, role: m.role })
    .returning(["id", "role", "created_at"])
    .executeTakeFirstOrThrow();
}

/** Every tenant the identity belongs to, across tenants (SECURITY DEFINER look-up). */
export async function resolveMemberships(tx: Tx, subject: string): Promise<MembershipRow[]> {
  const { rows } = await sql<MembershipRow>`SELECT * FROM resolve_tenant_memberships(${subject})`.execute(tx);
  return rows;
}

/**
 * Serialises the rest of the transaction with every other one that locks the same identity
 * (a transaction-level advisory lock, released at commit). Keyed in a namespace of its own, apart
 * from the single-key lock migrations take.
 */
export async function lockIdentity(tx: Tx, subject: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('br.identity'), hashtext(${subject}))`.execute(tx);
}

/** Unclaimed tenants registered with this email as admin_email (SECURITY DEFINER look-up). */
export async function claimableByEmail(tx: Tx, email: string): Promise<ClaimableRow[]> {
  const { rows } = await sql<ClaimableRow>`SELECT * FROM lookup_claimable_by_email(${email})`.execute(tx);
  return rows;
}

/**
 * The current tenant's row, locked for the rest of the transaction. Membership changes of one
 * tenant run one at a time behind it, so "is this the last owner?" and "is the tenant still
 * unclaimed?" are answered on the latest state, never on a snapshot another change is about to void.
 */
export function lockTenant(tx: Tx, tenantId: string) {
  return tx.selectFrom("tenants").select(TENANT_SUMMARY).where("id", "=", tenantId).forUpdate().executeTakeFirst();
}

const MEMBER_VIEW = ["m.id", "m.external_id", "m.user_id", "m.role", "m.created_at", "u.email"] as const;

export function listMembers(tx: Tx, page: Page) {
  return tx
    .selectFrom("tenant_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(MEMBER_VIEW)
    .select(cursorColumn("m").as("cursor_at"))
    .where(afterCursor("m", page.cursor))
    .orderBy("m.created_at")
    .orderBy("m.id")
    .limit(page.limit + 1)
    .execute();
}

export function findMember(tx: Tx, id: string) {
  return tx
    .selectFrom("tenant_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(MEMBER_VIEW)
    .where("m.id", "=", id)
    .executeTakeFirst();
}

export function findMemberBySubject(tx: Tx, externalId: string) {
  return tx
    .selectFrom("tenant_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(MEMBER_VIEW)
    .where("m.external_id", "=", externalId)
    .executeTakeFirst();
}

export async function countOwners(tx: Tx): Promise<number> {
  const row = await tx
    .selectFrom("tenant_memberships")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("role", "=", "owner")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function updateMembershipRole(tx: Tx, id: string, role: MembershipRole) {
  return tx.updateTable("tenant_memberships").set({ role }).where("id", "=", id).execute();
}

/**
 * The current tenant's owners' email addresses, oldest membership first, each once (compared
 * lower-cased). Owners without an email are left out; admins and members are not owners.
 */
export async function ownerEmails(tx: Tx): Promise<string[]> {
  const rows = await tx
    .selectFrom("tenant_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select("u.email")
    .where("m.role", "=", "owner")
    .where("u.email", "is not", null)
    .orderBy("m.created_at")
    .orderBy("m.id")
    .execute();
  const seen = new Map<string, string>();
  for (const { email } of rows) if (email && !seen.has(email.toLowerCase())) seen.set(email.toLowerCase(), email);
  return [...seen.values()];
}
