import { randomUUID } from "node:crypto";
import type { Tx } from "../store/db.js";
import { insertEvent } from "../store/events.js";
import type { EventMap, EventType, PlatformEvent } from "./types.js";

type EmitListener = (count: number) => void;
const listeners = new Set<EmitListener>();

/**
 * Called after every `emit` in this process (the dispatcher's wake-up). The event is not yet
 * committed when it fires: a listener must expect not to see it at first, or at all (rollback).
 */
export function onEmitted(listener: EmitListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

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
  for (const listener of listeners) listener(1);
  return event;
}
