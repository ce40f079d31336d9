import { randomUUID } from "node:crypto";
import type { Tx } from "../store/db.js";
import { insertEvent } from "../store/events.js";
import type { EventMap, EventType, PlatformEvent } from "./types.js";

/**
 * Writes an event to the outbox inside the caller's transaction, so it exists exactly when the
 * change it describes does; the dispatcher delivers it later.
 */
export async function emit<T extends EventType>(
  tx: Tx,
  type: T,
  data: EventMap[T],
  tenantId: string | null = null,
): Promise<PlatformEvent<T>> {
  // TypeScript cannot relate a generic key to its member of the mapped union; `data` is EventMap[T].
  const event = { type, id: randomUUID(), timestamp: new Date().toISOString(), data } as PlatformEvent<T>;
  await insertEvent(tx, { id: event.id, type, tenantId, data, createdAt: event.timestamp });
  return event;
}
