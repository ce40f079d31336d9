import { randomUUID } from "node:crypto";
import type { Tx } from "../store/db.js";
import type { EventType, PlatformEvent } from "./types.js";

/**
 * Writes an event to the outbox inside the caller's transaction, so it exists exactly when the
 * change it describes does; the dispatcher delivers it later.
 */
export async function emit(
  tx: Tx,
  type: EventType,
  data: Record<string, unknown>,
  tenantId: string | null = null,
): Promise<PlatformEvent> {
  const event: PlatformEvent = { type, id: randomUUID(), timestamp: new Date().toISOString(), data };
  await tx
    .insertInto("platform_events")
    .values({ id: event.id, type, tenant_id: tenantId, data: JSON.stringify(data), created_at: event.timestamp })
    .execute();
  return event;
}
