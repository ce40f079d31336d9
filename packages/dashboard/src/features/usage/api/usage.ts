import { queryOptions } from "@tanstack/react-query";
import type { Usage, UsageByKey, UsageByModel, UsageDay } from "brainstormrouter";
import { tenantApi } from "../../../lib/api-client";
import { errorCode } from "../../../lib/api-errors";

/** Inclusive UTC days, YYYY-MM-DD, as `/auth/usage` takes them. */
export interface DayRange {
  from: string;
  to: string;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` UTC days, today included: the server's own default for 30. */
export function lastDays(days: number, now = Date.now()): DayRange {
  return { from: utcDay(now - (days - 1) * 86_400_000), to: utcDay(now) };
}

/** Days in a range, both ends included. */
export const rangeLength = (r: DayRange) => Math.round((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000) + 1;

/** A server without the data plane's usage route: "not available", not an error. */
async function orUnavailable<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (errorCode(err) === "route_not_found") return null;
    throw err;
  }
}

/** Per day, every day of the range present; the overview's tile reads the same 30-day entry. */
export const usageQueryOptions = (tenantId: string, range: DayRange = lastDays(30)) =>
  queryOptions({
    queryKey: ["usage", tenantId, "day", range.from, range.to],
    queryFn: () => orUnavailable(() => tenantApi(tenantId).auth.usage.retrieve({ ...range, group_by: "day" }) as Promise<Usage<UsageDay>>),
  });

/** A breakdown has a row per key or model with traffic: all pages, by cost then requests. */
const PAGE = 200;

export function breakdownQueryOptions<G extends "key" | "model">(tenantId: string, range: DayRange, groupBy: G) {
  type Row = G extends "key" ? UsageByKey : UsageByModel;
  return queryOptions({
    queryKey: ["usage", tenantId, groupBy, range.from, range.to],
    queryFn: () =>
      orUnavailable(async () => {
        const rows: Row[] = [];
        let cursor: string | undefined;
        do {
          const page = (await tenantApi(tenantId).auth.usage.retrieve({
            ...range,
            group_by: groupBy,
            limit: PAGE,
            ...(cursor ? { cursor } : {}),
          })) as Usage<Row>;
          rows.push(...page.data);
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return rows;
      }),
  });
}
