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
}

/**
 * One statement with eight array parameters, however many rows: a multi-row VALUES list would
 * send eight parameters per row, and parsing thousands of them dominated a batch's cost (on the
 * embedded engine that CPU is spent on the request thread).
 */
export function insertUsageEvents(tx: Tx, events: readonly UsageEvent[]) {
  const column = <T>(f: (e: UsageEvent) => T) => events.map(f);
  return sql`
    INSERT INTO usage_events (tenant_id, key_id, model, prompt_tokens, completion_tokens, latency_ms, status, created_at)
    SELECT * FROM unnest(
      ${column((e) => e.tenantId)}::uuid[], ${column((e) => e.keyId)}::uuid[], ${column((e) => e.model)}::text[],
      ${column((e) => e.promptTokens)}::int[], ${column((e) => e.completionTokens)}::int[], ${column((e) => e.latencyMs)}::int[],
      ${column((e) => e.status)}::int[], ${column((e) => e.createdAt.toISOString())}::timestamptz[])`.execute(tx);
}

export interface DailyUsageRow {
  day: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
}

/** Per UTC day since `since`, for the tenant of the transaction (row-level security scopes it). */
export async function dailyUsage(tx: Tx, since: Date): Promise<DailyUsageRow[]> {
  const { rows } = await sql<DailyUsageRow>`
    SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
           count(*)::int AS requests,
           count(*) FILTER (WHERE status >= 400)::int AS errors,
           -- float8, not int: a day's sum passes 2^31 (int overflow was a 500), and node-postgres
           -- would answer a bigint as a string.
           coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens,
           coalesce(sum(completion_tokens), 0)::float8 AS completion_tokens
      FROM usage_events
     WHERE created_at >= ${since}
     GROUP BY 1
     ORDER BY 1`.execute(tx);
  return rows;
}
