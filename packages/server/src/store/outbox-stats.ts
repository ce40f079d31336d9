import { sql } from "kysely";
import type { Tx } from "./db.js";

/** Deliveries waiting or given up on, per subscriber: the outbox's health at a glance. */
export function undeliveredCounts(tx: Tx) {
  return tx
    .selectFrom("event_deliveries")
    .select(["subscriber", "status", sql<number>`count(*)::int`.as("count")])
    .where("status", "in", ["pending", "failed"])
    .groupBy(["subscriber", "status"])
    .execute();
}
