import { sql, type RawBuilder } from "kysely";
import type { EventMap, EventType, PlatformEvent } from "../events/types.js";
import type { Tx } from "./db.js";

export interface ClaimedDelivery {
  id: string;
  subscriber: string;
  attempts: number;
  event: PlatformEvent;
}

// What marking a delivery delivered writes: the claim's CTE and markDelivered alike.
const DELIVERED = { status: "delivered", delivered_at: sql<Date>`now()`, last_error: null } as const;

const afterMs = (ms: number) => sql<Date>`now() + ${Math.max(0, Math.round(ms))} * interval '1 millisecond'`;

/**
 * Turns undispatched outbox rows into one delivery row per matching subscriber. SKIP LOCKED lets
 * several instances fan out side by side without taking the same event twice; the unique
 * (event_id, subscriber) index makes a repeated fan-out harmless anyway. Returns how many events
 * it took and the subscribers it gave deliveries to.
 */
export async function fanOutEvents(
  tx: Tx,
  subscribersFor: (type: string) => string[],
  batch: number,
): Promise<{ events: number; subscribers: Set<string> }> {
  const events = await tx
    .selectFrom("platform_events")
    .select(["id", "type"])
    .where("dispatched_at", "is", null)
    .orderBy("created_at")
    .limit(batch)
    .forUpdate()
    .skipLocked()
    .execute();
  if (events.length === 0) return { events: 0, subscribers: new Set() };
  const rows = events.flatMap((e) => subscribersFor(e.type).map((subscriber) => ({ event_id: e.id, subscriber })));
  if (rows.length > 0) {
    await tx
      .insertInto("event_deliveries")
      .values(rows)
      .onConflict((oc) => oc.columns(["event_id", "subscriber"]).doNothing())
      .execute();
  }
  await tx
    .updateTable("platform_events")
    .set({ dispatched_at: sql`now()` })
    .where(
      "id",
      "in",
      events.map((e) => e.id),
    )
    .execute();
  return { events: events.length, subscribers: new Set(rows.map((r) => r.subscriber)) };
}

/**
 * Reserves up to `limit` due deliveries of one subscriber for `leaseMs`, with their events: the
 * attempt is counted and next_at moves to the end of the lease, so if this instance dies
 * mid-delivery the row simply becomes due again. SKIP LOCKED: instances never wait on each other's
 * rows. `delivered` (any subscriber's finished deliveries) are marked in the same statement.
 *
 * One statement for all three (decisions.md #138): on PGlite's one connection, the mark and the
 * events' read as statements of their own were a third of the dispatcher's database time. A row
 * both marked and due again (its lease ran out before its mark was written) is changed by
 * whichever part runs first and skipped by the other: marked, or claimed and sent once more.
 */
export async function claimDueDeliveries(
  tx: Tx,
  subscriber: string,
  limit: number,
  leaseMs: number,
  delivered: readonly string[] = [],
): Promise<ClaimedDelivery[]> {
  const rows = await tx
    .with("marked", (db) =>
      db.updateTable("event_deliveries").set(DELIVERED).where(sql<boolean>`id = ANY(${delivered}::uuid[])`).returning("id"),
    )
    .with("claimed", (db) =>
      db
        .updateTable("event_deliveries")
        .set((eb) => ({ attempts: eb("attempts", "+", 1), next_at: afterMs(leaseMs) }))
        .where(
          "id",
          "in",
          db
            .selectFrom("event_deliveries")
            .select("id")
            .where("status", "=", "pending")
            .where("subscriber", "=", subscriber)
            .where("next_at", "<=", sql<Date>`now()`)
            .orderBy("next_at")
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(["id", "event_id", "subscriber", "attempts"]),
    )
    .selectFrom("claimed")
    .innerJoin("platform_events as e", "e.id", "claimed.event_id")
    .select(["claimed.id", "claimed.subscriber", "claimed.attempts", "e.id as event_id", "e.type", "e.data", "e.created_at"])
    .execute();
  return rows.map((r) => ({ id: r.id, subscriber: r.subscriber, attempts: r.attempts, event: toPlatformEvent({ ...r, id: r.event_id }) }));
}

/** The outbox row of an event; written only through `emit`, which types `data` by the EventMap. */
export async function insertEvent<T extends EventType>(
  tx: Tx,
  event: { id: string; type: T; tenantId: string | null; data: EventMap[T]; createdAt: string },
): Promise<void> {
  await tx
    .insertInto("platform_events")
    .values({ id: event.id, type: event.type, tenant_id: event.tenantId, data: JSON.stringify(event.data), created_at: event.createdAt })
    .execute();
}

function toPlatformEvent(r: { id: string; type: string; data: unknown; created_at: Date }): PlatformEvent {
  // Trusted: every row was written by insertEvent from a value of its type's EventMap shape.
  return { type: r.type, id: r.id, timestamp: r.created_at.toISOString(), data: r.data } as PlatformEvent;
}

/**
 * `data->>'field'` for a field the EventMap names, so SQL over event data breaks at compile time
 * when the event's shape changes instead of silently matching nothing.
 */
export function eventField<T extends EventType>(_type: T, field: keyof EventMap[T] & string): RawBuilder<string | null> {
  return sql<string | null>`(data->>${sql.lit(field)})`;
}

export function markDelivered(tx: Tx, ids: readonly string[]) {
  return tx.updateTable("event_deliveries").set(DELIVERED).where("id", "in", ids).execute();
}

export function scheduleRetry(tx: Tx, id: string, delayMs: number, error: string) {
  return tx
    .updateTable("event_deliveries")
    .set({ next_at: afterMs(delayMs), last_error: error })
    .where("id", "=", id)
    .execute();
}

export function markFailed(tx: Tx, id: string, error: string) {
  return tx.updateTable("event_deliveries").set({ status: "failed", last_error: error }).where("id", "=", id).execute();
}

/** Gives a claim back untried (shutdown): due at once, and the interrupted attempt not counted. */
export function releaseDelivery(tx: Tx, id: string) {
  return tx
    .updateTable("event_deliveries")
    .set((eb) => ({ attempts: eb("attempts", "-", 1), next_at: sql`now()` }))
    .where("id", "=", id)
    .execute();
}
