import { sql, type RawBuilder } from "kysely";
import { AppError } from "../errors/index.js";
import type { Tx } from "./db.js";
import type { UsageEvent } from "./usage-events.js";

/** usage_daily's key_id for events without a key: a primary-key column cannot be null. */
export const NO_KEY = "00000000-0000-0000-0000-000000000000";

/** usage_platform_hourly's shards per hour (migrations/0011): a batch adds to one at random. */
export const PLATFORM_SHARDS = 8;

/**
 * Adds a batch of events to the rollups (usage_daily, usage_hourly, usage_tenant_daily,
 * usage_platform_hourly), in the caller's transaction: the meter's, right after it inserted the
 * same events, so the rollups count a row exactly when it exists (a refused batch rolls them all
 * back). One statement over the same arrays; the groups are upserted table by table in key
 * order, so two instances flushing overlapping groups lock them in the same order instead of
 * deadlocking.
 */
export function upsertUsageRollups(tx: Tx, events: readonly UsageEvent[]) {
  const column = <T>(f: (e: UsageEvent) => T) => events.map(f);
  const sums = sql`count(*), count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd),
                   count(*) FILTER (WHERE NOT priced)`;
  const add = (table: string, c: string) => sql`${sql.raw(c)} = ${sql.table(table)}.${sql.raw(c)} + EXCLUDED.${sql.raw(c)}`;
  const addAll = (table: string, columns: readonly string[]) => sql.join(columns.map((c) => add(table, c)));
  const figures = ["requests", "errors", "prompt_tokens", "completion_tokens", "cost_usd", "unpriced"] as const;
  const onConflict = (table: "usage_daily" | "usage_hourly", bucket: "day" | "hour") =>
    sql`ON CONFLICT (tenant_id, ${sql.raw(bucket)}, key_id, model) DO UPDATE SET ${addAll(table, figures)}`;
  const shard = Math.floor(Math.random() * PLATFORM_SHARDS);
  return sql`
    WITH e AS (
      SELECT * FROM unnest(
        ${column((e) => e.tenantId)}::uuid[], ${column((e) => e.keyId ?? NO_KEY)}::uuid[], ${column((e) => e.model)}::text[],
        ${column((e) => e.promptTokens)}::int[], ${column((e) => e.completionTokens)}::int[], ${column((e) => e.status)}::int[],
        ${column((e) => e.createdAt.toISOString())}::timestamptz[], ${column((e) => e.costUsd)}::float8[],
        ${column((e) => e.priced)}::bool[]
      ) AS e (tenant_id, key_id, model, prompt_tokens, completion_tokens, status, created_at, cost_usd, priced)
    ), daily AS (
      INSERT INTO usage_daily (tenant_id, day, key_id, model, requests, errors, prompt_tokens, completion_tokens, cost_usd, unpriced)
      SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, key_id, model, ${sums}
        FROM e GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ${onConflict("usage_daily", "day")}
    ), hourly AS (
      INSERT INTO usage_hourly (tenant_id, hour, key_id, model, requests, errors, prompt_tokens, completion_tokens, cost_usd, unpriced)
      SELECT tenant_id, date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', key_id, model, ${sums}
        FROM e GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ${onConflict("usage_hourly", "hour")}
    ), tenant_daily AS (
      INSERT INTO usage_tenant_daily (tenant_id, day, requests, prompt_tokens, completion_tokens, cost_usd)
      SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd)
        FROM e GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (tenant_id, day) DO UPDATE SET
        ${addAll("usage_tenant_daily", ["requests", "prompt_tokens", "completion_tokens", "cost_usd"])}
    )
    INSERT INTO usage_platform_hourly (hour, shard, requests, errors, prompt_tokens, completion_tokens)
    SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', ${shard}::smallint,
           count(*), count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens)
      FROM e GROUP BY 1 ORDER BY 1
    ON CONFLICT (hour, shard) DO UPDATE SET
      ${addAll("usage_platform_hourly", ["requests", "errors", "prompt_tokens", "completion_tokens"])}`.execute(tx);
}

/** A UTC day range, both ends included, as YYYY-MM-DD. */
export interface DayRange {
  from: string;
  to: string;
}

export interface UsageFigures {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
}

// float8, not bigint: node-postgres answers a bigint (or numeric) as a string. Dollars rounded to
// micro-dollars in SQL, so a sum does not depend on the order the rows were added in (a keyset
// cursor compares it, and a rollup read must equal the raw one).
const FIGURES = sql`
  coalesce(sum(requests), 0)::float8 AS requests,
  coalesce(sum(errors), 0)::float8 AS errors,
  coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens,
  coalesce(sum(completion_tokens), 0)::float8 AS completion_tokens,
  round(coalesce(sum(cost_usd), 0)::numeric, 6)::float8 AS cost_usd`;

/** `tenantId`'s rows in the range; row-level security keeps the scope to it as well. */
const inRange = (tenantId: string, range: DayRange) =>
  sql`tenant_id = ${tenantId}::uuid AND day BETWEEN ${range.from}::date AND ${range.to}::date`;

export async function usageTotals(tx: Tx, tenantId: string, range: DayRange): Promise<UsageFigures> {
  const { rows } = await sql<UsageFigures>`SELECT ${FIGURES} FROM usage_daily WHERE ${inRange(tenantId, range)}`.execute(tx);
  return rows[0]!;
}

/** The days of the range that have usage, oldest first. */
export async function usageByDay(tx: Tx, tenantId: string, range: DayRange): Promise<(UsageFigures & { day: string })[]> {
  const { rows } = await sql<UsageFigures & { day: string }>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, ${FIGURES}
      FROM usage_daily
     WHERE ${inRange(tenantId, range)}
     GROUP BY day
     ORDER BY day`.execute(tx);
  return rows;
}

export type UsageGroup = "key" | "model";

export interface GroupRow extends UsageFigures {
  /** key_id (NO_KEY for keyless events) or the model. */
  id: string;
  key_name: string | null;
}

/** Where a page of groups ended: its last row's ordering values, exactly as SQL compared them. */
interface GroupPosition {
  cost: string;
  requests: string;
  id: string;
}

const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;
const WHOLE = /^\d{1,19}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeGroupCursor(cursor: string, by: UsageGroup): GroupPosition {
  try {
    const [g, cost, requests, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (
      g === by &&
      typeof cost === "string" &&
      DECIMAL.test(cost) &&
      typeof requests === "string" &&
      WHOLE.test(requests) &&
      typeof id === "string" &&
      (by === "model" ? id.length <= 1000 : UUID.test(id))
    ) {
      return { cost, requests, id };
    }
  } catch {
    // falls through to the one error below
  }
  throw new AppError("invalid_cursor");
}

/**
 * The range's usage per key or per model, by cost, then requests (both descending), then id:
 * `limit` groups after `cursor`, and the cursor of the next page. The cursor carries the cost as
 * SQL's rounded numeric text, so the next page compares exactly what this one ordered by.
 */
export async function usageByGroup(
  tx: Tx,
  tenantId: string,
  input: DayRange & { by: UsageGroup; limit: number; cursor?: string | undefined },
): Promise<{ rows: GroupRow[]; nextCursor: string | null }> {
  const { by, limit } = input;
  const after = input.cursor === undefined ? undefined : decodeGroupCursor(input.cursor, by);
  const id = sql.raw(by === "key" ? "key_id" : "model");
  const idType = sql.raw(by === "key" ? "uuid" : "text");
  const past: RawBuilder<boolean> = after
    ? sql<boolean>`(g.cost < ${after.cost}::numeric
        OR (g.cost = ${after.cost}::numeric AND (g.requests_n < ${after.requests}::numeric
          OR (g.requests_n = ${after.requests}::numeric AND g.id > ${after.id}::${idType}))))`
    : sql<boolean>`true`;
  const { rows } = await sql<GroupRow & { cost_text: string; requests_text: string }>`
    SELECT g.id::text AS id, ${by === "key" ? sql`k.name` : sql`NULL::text`} AS key_name,
           g.requests_n::float8 AS requests, g.errors, g.prompt_tokens, g.completion_tokens, g.cost::float8 AS cost_usd,
           g.cost::text AS cost_text, g.requests_n::text AS requests_text
      FROM (
        SELECT ${id} AS id,
               round(coalesce(sum(cost_usd), 0)::numeric, 6) AS cost,
               coalesce(sum(requests), 0)::numeric AS requests_n,
               coalesce(sum(errors), 0)::float8 AS errors,
               coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens,
               coalesce(sum(completion_tokens), 0)::float8 AS completion_tokens
          FROM usage_daily
         WHERE ${inRange(tenantId, input)}
         GROUP BY ${id}
      ) g
      ${by === "key" ? sql`LEFT JOIN api_keys k ON k.id = g.id` : sql``}
     WHERE ${past}
     ORDER BY g.cost DESC, g.requests_n DESC, g.id
     LIMIT ${limit + 1}`.execute(tx);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify([by, last.cost_text, last.requests_text, last.id])).toString("base64url")
      : null;
  return { rows: page.map(({ cost_text: _c, requests_text: _r, ...row }) => row), nextCursor };
}
