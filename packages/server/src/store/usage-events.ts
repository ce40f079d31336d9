import { sql } from "kysely";
import type { Tx } from "./db.js";

export interface UsageEvent {
  tenantId: string;
  keyId: string | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  status: number;
  createdAt: Date;
  /** USD, from the model's price (migrations/0009). */
  costUsd: number;
  /** False when the model has no price: costUsd is 0 and the digest flags it. */
  priced: boolean;
}

/**
 * One statement with ten array parameters, however many rows: a multi-row VALUES list would
 * send eight parameters per row, and parsing thousands of them dominated a batch's cost (on the
 * embedded engine that CPU is spent on the request thread).
 */
export function insertUsageEvents(tx: Tx, events: readonly UsageEvent[]) {
  const column = <T>(f: (e: UsageEvent) => T) => events.map(f);
  return sql`
    INSERT INTO usage_events (tenant_id, key_id, model, prompt_tokens, completion_tokens, latency_ms, status, created_at, cost_usd, priced)
    SELECT * FROM unnest(
      ${column((e) => e.tenantId)}::uuid[], ${column((e) => e.keyId)}::uuid[], ${column((e) => e.model)}::text[],
      ${column((e) => e.promptTokens)}::int[], ${column((e) => e.completionTokens)}::int[], ${column((e) => e.latencyMs)}::int[],
      ${column((e) => e.status)}::int[], ${column((e) => e.createdAt.toISOString())}::timestamptz[],
      ${column((e) => e.costUsd)}::float8[], ${column((e) => e.priced)}::bool[])`.execute(tx);
}
