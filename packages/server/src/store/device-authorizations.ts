import { sql } from "kysely";
import type { Tx } from "./db.js";
import type { MembershipRole } from "./schema.js";

export function insertDeviceAuthorization(
  tx: Tx,
  d: {
    tenantId: string;
    deviceCodeHash: string;
    userCode: string;
    role: MembershipRole;
    interval: number;
    expiresAt: Date;
    createdByKeyId: string | null;
  },
) {
  return tx
    .insertInto("device_authorizations")
    .values({
      tenant_id: d.tenantId,
      device_code_hash: d.deviceCodeHash,
      user_code: d.userCode,
      role: d.role,
      interval: d.interval,
      expires_at: d.expiresAt,
      created_by_key_id: d.createdByKeyId,
    })
    .returning(["id", "expires_at", "interval"])
    .executeTakeFirstOrThrow();
}

/** A pending device's id and tenant by normalised user code, across tenants (SECURITY DEFINER look-up). */
export async function lookupPendingDevice(tx: Tx, userCode: string) {
  const { rows } = await sql<{ device_id: string; tenant_id: string }>`SELECT * FROM lookup_pending_device(${userCode})`.execute(tx);
  return rows[0];
}

/**
 * The device row of the current tenant, locked: polls of one device code run one after another,
 * so "delivered once" and the slow_down interval are decided on the latest state.
 */
export function lockDeviceByCodeHash(tx: Tx, deviceCodeHash: string) {
  return tx
    .selectFrom("device_authorizations")
    .select(["id", "status", "interval", "expires_at", "last_polled_at", "delivered_at", "linked_user_id", "linked_external_id"])
    .select(sql<boolean>`expires_at <= now()`.as("expired"))
    .select(sql<number | null>`extract(epoch from now() - last_polled_at)::float8`.as("seconds_since_poll"))
    .where("device_code_hash", "=", deviceCodeHash)
    .forUpdate()
    .executeTakeFirst();
}

export function recordPoll(tx: Tx, id: string, interval: number) {
  return tx.updateTable("device_authorizations").set({ last_polled_at: sql<Date>`now()`, interval }).where("id", "=", id).execute();
}

export function setIntervalByCodeHash(tx: Tx, deviceCodeHash: string, interval: number) {
  return tx
    .updateTable("device_authorizations")
    .set({ last_polled_at: sql<Date>`now()`, interval })
    .where("device_code_hash", "=", deviceCodeHash)
    .where("status", "=", "pending")
    .execute();
}

export function markExpired(tx: Tx, id: string) {
  return tx.updateTable("device_authorizations").set({ status: "expired" }).where("id", "=", id).execute();
}

/** Hands the link to the device once; false when another poll already did. */
export async function markDelivered(tx: Tx, id: string): Promise<boolean> {
  const row = await tx
    .updateTable("device_authorizations")
    .set({ delivered_at: sql<Date>`now()`, last_polled_at: sql<Date>`now()` })
    .where("id", "=", id)
    .where("status", "=", "linked")
    .where("delivered_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

function deviceById(tx: Tx, id: string) {
  return tx
    .selectFrom("device_authorizations")
    .select(["id", "status", "role", "expires_at", "created_by_key_id", "device_code_hash"])
    .select(sql<boolean>`expires_at <= now()`.as("expired"))
    .where("id", "=", id);
}

export function findDevice(tx: Tx, id: string) {
  return deviceById(tx, id).executeTakeFirst();
}

/**
 * The device row, locked. Approve and deny racing on one code queue here; the second reads the
 * first's committed decision and finds the row no longer pending.
 */
export function lockDevice(tx: Tx, id: string) {
  return deviceById(tx, id).forUpdate().executeTakeFirst();
}

export function decideDevice(
  tx: Tx,
  id: string,
  decision: { status: "linked"; externalId: string; userId: string } | { status: "denied" },
) {
  return tx
    .updateTable("device_authorizations")
    .set(
      decision.status === "linked"
        ? { status: "linked", linked_external_id: decision.externalId, linked_user_id: decision.userId }
        : { status: "denied" },
    )
    .where("id", "=", id)
    .execute();
}

/** Ends the pending device flows these keys started; returns their code hashes for the poll cache. */
export async function expirePendingDevicesOfKeys(tx: Tx, keyIds: readonly string[]): Promise<string[]> {
  if (keyIds.length === 0) return [];
  const rows = await tx
    .updateTable("device_authorizations")
    .set({ status: "expired" })
    .where("status", "=", "pending")
    .where("created_by_key_id", "in", keyIds)
    .returning("device_code_hash")
    .execute();
  return rows.map((r) => r.device_code_hash);
}
